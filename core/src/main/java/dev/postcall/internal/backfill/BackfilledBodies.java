package dev.postcall.internal.backfill;

import dev.postcall.EventParser;
import dev.postcall.internal.body.BodyWriter;
import dev.postcall.internal.body.HeldBody;
import dev.postcall.internal.json.Envelope;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

/**
 * The bodies of backfilled events, written as the API's answers stream in, into memory up to a threshold and into a
 * temp file beyond it ({@link BodyWriter}), so that neither a long transcript nor a recording is ever held whole:
 *
 * <ul>
 *   <li>a transcription: an envelope of type {@code post_call_transcription} whose {@code data} is the conversation
 *       exactly as the API sent it, byte for byte;</li>
 *   <li>a recording: an envelope of type {@code post_call_audio} whose {@code data} holds {@code agent_id},
 *       {@code conversation_id} and {@code full_audio}, the MP3 in standard base64 encoded as it arrives: the
 *       webhook's shape, which {@link dev.postcall.AudioEvent} decodes as it reads.</li>
 * </ul>
 *
 * <p>The envelope's {@code event_timestamp} is {@link ConversationSummary#eventTimestamp()}: the same for every
 * fetch of a conversation. Its member {@code "postcall_backfilled": true} marks the body as built here:
 * {@link EventParser#parse} reads it, so a kept and replayed backfilled delivery is still {@code backfilled()}.
 */
final class BackfilledBodies {

    /**
     * The envelope member that makes {@link dev.postcall.PostCallEvent#backfilled()} true, for this delivery and for
     * every replay of it a store makes later.
     */
    private static final String MARK = ",\"" + Envelope.BACKFILLED + "\":true";

    private final int threshold;
    private final Path directory;

    /**
     * @param threshold bytes kept in memory before a body spills to a temp file
     * @param directory where temp files go
     */
    BackfilledBodies(int threshold, Path directory) {
        this.threshold = threshold;
        this.directory = directory;
    }

    /** Where the conversation's JSON goes, wrapped as a transcription webhook. */
    ElevenLabsApi.BodyTarget<HeldBody> transcription(ConversationSummary conversation) {
        byte[] head = ("{\"type\":\"" + EventParser.TRANSCRIPTION + "\",\"event_timestamp\":"
                + conversation.eventTimestamp() + MARK + ",\"data\":").getBytes(StandardCharsets.UTF_8);
        return () -> new Wrapped(new BodyWriter(threshold, directory), head, new byte[] {'}'}, false);
    }

    /** Where the recording goes, base64-encoded into an audio webhook. */
    ElevenLabsApi.BodyTarget<HeldBody> audio(ConversationSummary conversation) {
        byte[] head = ("{\"type\":\"" + EventParser.AUDIO + "\",\"event_timestamp\":" + conversation.eventTimestamp()
                + MARK + ",\"data\":{\"agent_id\":" + quoted(conversation.agentId()) + ",\"conversation_id\":"
                + quoted(conversation.conversationId()) + ",\"full_audio\":\"").getBytes(StandardCharsets.UTF_8);
        return () -> new Wrapped(new BodyWriter(threshold, directory), head, "\"}}".getBytes(StandardCharsets.UTF_8),
                true);
    }

    /** A JSON string of {@code text}. */
    static String quoted(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /** One try's body: the head, the answer's bytes (base64-encoded for a recording), the tail. */
    private static final class Wrapped implements ElevenLabsApi.Sink<HeldBody> {
        private final BodyWriter writer;
        private final byte[] tail;
        private final OutputStream content;

        Wrapped(BodyWriter writer, byte[] head, byte[] tail, boolean base64) throws IOException {
            this.writer = writer;
            this.tail = tail;
            OutputStream raw = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    writer.write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    writer.write(b, off, len);
                }
            };
            try {
                writer.write(head, 0, head.length);
            } catch (IOException | RuntimeException e) {
                writer.close();
                throw e;
            }
            this.content = base64 ? Base64.getEncoder().wrap(raw) : raw;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            content.write(bytes, offset, length);
        }

        @Override
        public HeldBody finish() throws IOException {
            // the encoder writes its last group and padding on close; closing the raw stream does nothing
            content.close();
            writer.write(tail, 0, tail.length);
            return writer.finish();
        }

        @Override
        public void close() {
            writer.close();
        }
    }
}
