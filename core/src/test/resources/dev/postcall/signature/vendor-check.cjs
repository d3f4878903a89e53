// Runs the vendor's own verifier over deliveries signed by postcall's WebhookSigner.
// Input: a JSON-lines file of {id, type, header, body, tampered} (bodies base64); output: a JSON summary.
'use strict';
const fs = require('fs');
const { ElevenLabsClient } = require('@elevenlabs/elevenlabs-js');

async function main() {
  const [input, output, secret] = process.argv.slice(2);
  const webhooks = new ElevenLabsClient({ apiKey: 'x' }).webhooks;
  const summary = { total: 0, accepted: 0, rejected: 0, failures: [] };
  const lines = fs.readFileSync(input, 'utf8').split('\n').filter((l) => l.length > 0);
  for (const line of lines) {
    const c = JSON.parse(line);
    summary.total++;
    const body = Buffer.from(c.body, 'base64');
    const tampered = Buffer.from(c.tampered, 'base64');
    const text = body.toString('utf8');
    const tamperedText = tampered.toString('utf8');
    // The SDK takes a string; the round trip must be lossless or the check proves nothing.
    if (!Buffer.from(text, 'utf8').equals(body) || !Buffer.from(tamperedText, 'utf8').equals(tampered)) {
      summary.failures.push({ id: c.id, problem: 'body is not valid UTF-8' });
      continue;
    }
    try {
      const event = await webhooks.constructEvent(text, c.header, secret);
      if (event && (event.type ?? null) === c.type) {
        summary.accepted++;
      } else {
        summary.failures.push({ id: c.id, problem: 'accepted but parsed type differs' });
      }
    } catch (e) {
      summary.failures.push({ id: c.id, problem: 'signed body rejected: ' + e.message });
    }
    try {
      await webhooks.constructEvent(tamperedText, c.header, secret);
      summary.failures.push({ id: c.id, problem: 'tampered body accepted' });
    } catch (e) {
      if (/Signature hash does not match/.test(e.message)) {
        summary.rejected++;
      } else {
        summary.failures.push({ id: c.id, problem: 'tampered body rejected for another reason: ' + e.message });
      }
    }
  }
  fs.writeFileSync(output, JSON.stringify(summary));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
