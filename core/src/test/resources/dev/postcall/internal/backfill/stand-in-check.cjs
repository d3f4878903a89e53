// Reads test-support's stand-in of ElevenLabs' API through the vendor's own SDK client, whose generated serializers
// check every answer against the SDK's types (a missing or mistyped member throws); writes what it read as JSON.
// Arguments: baseUrl apiKey callStartAfterUnix callStartBeforeUnix agentId output
'use strict';
const fs = require('fs');
const { ElevenLabsClient } = require('@elevenlabs/elevenlabs-js');

function problem(e) {
  return String((e && e.message) || e).slice(0, 800);
}

async function main() {
  const [baseUrl, apiKey, after, before, agentId, output] = process.argv.slice(2);
  const client = new ElevenLabsClient({ apiKey, baseUrl, maxRetries: 0 });
  const conversations = client.conversationalAi.conversations;
  const result = { pages: 0, listed: [], details: {}, audio: {}, webhooks: [], failures: [] };
  let cursor;
  do {
    const page = await conversations.list({
      pageSize: 2, cursor, sortDirection: 'asc', summaryMode: 'exclude',
      callStartAfterUnix: Number(after), callStartBeforeUnix: Number(before), agentId,
    });
    result.pages++;
    for (const c of page.conversations) {
      result.listed.push({ id: c.conversationId, status: c.status, start: c.startTimeUnixSecs,
        duration: c.callDurationSecs });
    }
    cursor = page.hasMore ? page.nextCursor : undefined;
  } while (cursor);
  for (const c of result.listed) {
    let detail;
    try {
      detail = await conversations.get(c.id);
    } catch (e) {
      result.failures.push({ id: c.id, call: 'get', problem: problem(e) });
      continue;
    }
    result.details[c.id] = { id: detail.conversationId, status: detail.status, hasAudio: detail.hasAudio,
      turns: detail.transcript.length };
    if (detail.hasAudio) {
      try {
        const stream = await conversations.audio.get(c.id);
        let bytes = 0;
        for await (const chunk of stream) {
          bytes += chunk.length;
        }
        result.audio[c.id] = bytes;
      } catch (e) {
        result.failures.push({ id: c.id, call: 'audio.get', problem: problem(e) });
      }
    }
  }
  try {
    const hooks = await client.webhooks.list();
    for (const w of hooks.webhooks) {
      result.webhooks.push({ id: w.webhookId, disabled: w.isDisabled, autoDisabled: w.isAutoDisabled,
        failure: w.mostRecentFailureErrorCode ?? null, at: w.mostRecentFailureTimestamp ?? null });
    }
  } catch (e) {
    result.failures.push({ call: 'webhooks.list', problem: problem(e) });
  }
  fs.writeFileSync(output, JSON.stringify(result));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
