package dev.postcall.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/**
 * Realistic ElevenLabs post-call webhook bodies bundled with postcall, for tests, demos and the CLI's
 * {@code send} command. All ids, names and phone numbers are invented.
 *
 * <table>
 *   <caption>The samples</caption>
 *   <tr><th>name</th><th>{@code type}</th><th>what it is</th></tr>
 *   <tr><td>{@code transcription}</td><td>{@code post_call_transcription}</td>
 *       <td>inbound Twilio phone call with tool calls, evaluation and data collection</td></tr>
 *   <tr><td>{@code transcription-sip}</td><td>{@code post_call_transcription}</td>
 *       <td>outbound SIP-trunk call in Spanish, from a batch call</td></tr>
 *   <tr><td>{@code transcription-web}</td><td>{@code post_call_transcription}</td>
 *       <td>web widget conversation with the audio flags set</td></tr>
 *   <tr><td>{@code audio}</td><td>{@code post_call_audio}</td><td>a short base64 MP3 of the same call</td></tr>
 *   <tr><td>{@code failure-twilio}</td><td>{@code call_initiation_failure}</td><td>no answer, Twilio</td></tr>
 *   <tr><td>{@code failure-sip}</td><td>{@code call_initiation_failure}</td><td>busy, SIP 486</td></tr>
 *   <tr><td>{@code unknown}</td><td>{@code conversation_escalated}</td><td>a type postcall does not model</td></tr>
 * </table>
 *
 * <pre>{@code
 * byte[] body = SamplePayloads.bytes("transcription", Instant.now());   // a fresh delivery
 * String header = WebhookSigner.header(body, secret, Instant.now());
 * }</pre>
 */
public final class SamplePayloads {
    private static final List<String> NAMES = List.of("transcription", "transcription-sip", "transcription-web",
            "audio", "failure-twilio", "failure-sip", "unknown");

    private SamplePayloads() {
    }

    /**
     * The names of the bundled samples, in a stable order.
     *
     * @return the names, e.g. {@code transcription}
     */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * The sample's exact bytes (UTF-8 JSON, one trailing newline).
     *
     * @param name one of {@link #names()}
     * @return a fresh copy of the bytes
     * @throws IllegalArgumentException for an unknown name
     */
    public static byte[] bytes(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("No sample payload named '" + name + "'; samples: " + NAMES);
        }
        try (InputStream in = SamplePayloads.class.getResourceAsStream("/dev/postcall/samples/" + name + ".json")) {
            if (in == null) {
                throw new IllegalStateException("Sample payload " + name + " is missing from the postcall jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The sample with its top-level {@code event_timestamp} set to {@code eventTimestamp}, every other byte
     * unchanged, so that each send is a distinct delivery to a receiver that de-duplicates.
     *
     * @param name one of {@link #names()}
     * @param eventTimestamp the new value, written as unix seconds
     * @return the rewritten bytes
     * @throws IllegalArgumentException for an unknown name or a time before 1970
     */
    public static byte[] bytes(String name, Instant eventTimestamp) {
        long seconds = eventTimestamp.getEpochSecond();
        if (seconds < 0) {
            throw new IllegalArgumentException("event_timestamp must not be before 1970: " + eventTimestamp);
        }
        return EventTimestampRewriter.rewrite(bytes(name), seconds);
    }
}
