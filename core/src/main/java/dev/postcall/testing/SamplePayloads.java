package dev.postcall.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 *   <tr><td>{@code transcription-no-transcript}</td><td>{@code post_call_transcription}</td>
 *       <td>inbound call whose webhook left the transcript out ({@code exclude_transcript}); it waited in a
 *       queue first</td></tr>
 *   <tr><td>{@code audio}</td><td>{@code post_call_audio}</td><td>the recording of the same call: five seconds of
 *       speech, a playable MP3 (9,995 bytes)</td></tr>
 *   <tr><td>{@code failure-twilio}</td><td>{@code call_initiation_failure}</td><td>no answer, Twilio</td></tr>
 *   <tr><td>{@code failure-sip}</td><td>{@code call_initiation_failure}</td><td>busy, SIP 486</td></tr>
 *   <tr><td>{@code unknown}</td><td>{@code conversation_escalated}</td><td>a type postcall does not model</td></tr>
 * </table>
 *
 * <pre>{@code
 * byte[] body = SamplePayloads.bytes("transcription", Instant.now());   // signed now, within the tolerance
 * String header = WebhookSigner.header(body, secret, Instant.now());
 * }</pre>
 */
public final class SamplePayloads {
    /** Sample name to the bundled file: the repository's test fixture of that name, copied in by the build. */
    private static final Map<String, String> FILES = files(
            "transcription", "transcription-phone-inbound.json",
            "transcription-sip", "transcription-sip-outbound.json",
            "transcription-web", "transcription-with-audio-flags.json",
            "transcription-no-transcript", "transcription-no-transcript.json",
            "audio", "audio-speech.json",
            "failure-twilio", "failure-twilio.json",
            "failure-sip", "failure-sip.json",
            "unknown", "unknown-type.json");
    private static final List<String> NAMES = List.copyOf(FILES.keySet());

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
        String file = FILES.get(name);
        if (file == null) {
            throw new IllegalArgumentException("No sample payload named '" + name + "'; samples: " + NAMES);
        }
        try (InputStream in = SamplePayloads.class.getResourceAsStream("/dev/postcall/samples/" + file)) {
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
     * unchanged: a fresh, current delivery. A receiver that de-duplicates takes it for a new one when the type keeps
     * its timestamp in the key ({@code call_initiation_failure}, an unknown type); a transcription or a recording is
     * keyed by its conversation ({@link dev.postcall.spi.DeliveryKey}), so the same sample sent again is recognised
     * as a repeat: give it another {@code data.conversation_id} for a new call.
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

    private static Map<String, String> files(String... nameThenFile) {
        Map<String, String> files = new LinkedHashMap<>();
        for (int i = 0; i < nameThenFile.length; i += 2) {
            files.put(nameThenFile[i], nameThenFile[i + 1]);
        }
        return Collections.unmodifiableMap(files);
    }
}
