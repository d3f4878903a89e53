// The vendor's way, as in the ElevenLabs docs' Express example: the raw body as text, then constructEvent.
const express = require('express');
const { ElevenLabsClient } = require('@elevenlabs/elevenlabs-js');

const secret = process.env.SECRET;
const port = Number(process.env.PORT || 8089);
const elevenlabs = new ElevenLabsClient({ apiKey: 'not-used-for-webhooks' });
const app = express();

app.post('/webhook', express.text({ type: 'application/json', limit: '200mb' }), async (req, res) => {
  try {
    const event = await elevenlabs.webhooks.constructEvent(req.body, req.headers['elevenlabs-signature'], secret);
    if (!event || !event.data) {
      return res.status(400).json({ error: 'no data' });
    }
    res.status(200).json({ received: true });
  } catch (e) {
    res.status(401).json({ error: 'invalid signature' });
  }
});

app.listen(port, '127.0.0.1', () => console.log(`express + @elevenlabs/elevenlabs-js on http://127.0.0.1:${port}/webhook (pid ${process.pid})`));
