package dev.postcall;

import jakarta.json.JsonException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Thousands of damaged fixture bodies (flipped, deleted, inserted and truncated bytes): the parser either returns an
 * event or throws {@link MalformedEventException}, and the typed content either binds or throws
 * {@link MalformedDataException}; nothing else ever escapes.
 */
class MutatedBodiesTest {

    private static final List<String> FILES = List.of("transcription-minimal.json", "transcription-phone-inbound.json",
            "transcription-sip-outbound.json", "transcription-with-audio-flags.json",
            "transcription-extra-fields.json", "transcription-no-transcript.json",
            "transcription-unknown-direction.json", "transcription-newer-fields.json", "transcription-whatsapp.json",
            "audio.json", "failure-twilio.json", "failure-sip.json", "unknown-type.json",
            "answering-machine-detection.json");

    private static final byte[] INTERESTING =
            "{}[]\":,\\ 0-e.tfnu\u00ff\u0080".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    @Test
    void damagedBodiesNeverThrowAnythingButTheDocumentedExceptions() {
        EventParser parser = new EventParser();
        Random random = new Random(1122);
        int events = 0;
        int malformed = 0;
        int badData = 0;
        for (String file : FILES) {
            byte[] original = Fixtures.bytes(file);
            for (int i = 0; i < 400; i++) {
                byte[] body = mutate(original, random);
                try {
                    PostCallEvent event = parser.parse(BodySource.ofBytes(body));
                    events++;
                    badData += touch(event);
                } catch (MalformedEventException expected) {
                    malformed++;
                    assertThat(expected.getMessage()).isNotBlank();
                } catch (RuntimeException | Error e) {
                    fail("parse threw " + e + " for a mutation of " + file, e);
                }
            }
        }
        // the mutations must exercise both paths, or the test proves little
        assertThat(events).isGreaterThan(200);
        assertThat(malformed).isGreaterThan(1000);
        System.out.println("[MutatedBodiesTest] events=" + events + " malformed=" + malformed + " badData=" + badData);
    }

    /** Reads everything the event offers; returns 1 when its typed data was refused. */
    private static int touch(PostCallEvent event) {
        assertThat(event.type()).isNotNull();
        try {
            if (event instanceof TranscriptionEvent) {
                ((TranscriptionEvent) event).data();
                assertThat(((TranscriptionEvent) event).report()).isNotNull();
            } else if (event instanceof CallInitiationFailureEvent) {
                CallInitiationFailureEvent f = (CallInitiationFailureEvent) event;
                f.failureReason();
                f.provider();
                f.sipStatusCode();
            } else if (event instanceof AudioEvent) {
                try (InputStream in = ((AudioEvent) event).openStream()) {
                    in.readAllBytes();
                } catch (IOException notBase64) {
                    // a documented outcome of reading damaged audio
                }
            } else {
                try {
                    ((UnknownEvent) event).json();
                } catch (JsonException refusedByJsonP) {
                    // documented: JSON-P may refuse what the scanner let through (invalid UTF-8 in a skipped string)
                }
            }
            return 0;
        } catch (MalformedDataException expected) {
            return 1;
        }
    }

    private static byte[] mutate(byte[] original, Random random) {
        byte[] body = original.clone();
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(body.length);
            switch (random.nextInt(4)) {
                case 0:
                    body[at] = INTERESTING[random.nextInt(INTERESTING.length)];
                    break;
                case 1:
                    int to = Math.min(body.length, at + 1 + random.nextInt(8));
                    body = concat(Arrays.copyOfRange(body, 0, at), Arrays.copyOfRange(body, to, body.length));
                    break;
                case 2:
                    byte[] inserted = {INTERESTING[random.nextInt(INTERESTING.length)]};
                    body = concat(concat(Arrays.copyOfRange(body, 0, at), inserted),
                            Arrays.copyOfRange(body, at, body.length));
                    break;
                default:
                    body = Arrays.copyOf(body, at);
            }
            if (body.length == 0) {
                break;
            }
        }
        return body;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
