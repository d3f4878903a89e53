package dev.postcall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import dev.postcall.model.TranscriptionData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Fuzzes the webhook body parser with arbitrary bytes. {@link EventParser#parse} may only refuse a body with
 * {@link MalformedEventException}; reading an audio event's stream may only fail with an {@link IOException} (the
 * documented answer to a {@code full_audio} value that is not base64); {@link TranscriptionEvent#report()} and
 * {@link TranscriptionEvent#data()} may only throw {@link MalformedDataException}; the
 * {@link CallInitiationFailureEvent} accessors nothing; {@link UnknownEvent#json()} only what it documents. Anything
 * else is a finding.
 *
 * <p>Beyond "no unexpected exception", each input is checked against two independent readings:
 * <ul>
 *   <li>the same body read from memory and as a stream that hands over a few bytes at a time (the spill-file path)
 *       gives the same event, envelope, typed content and audio bytes, read in bulk or one byte at a time;</li>
 *   <li>a body the parser accepts is one JSON object for JSON-P too, with the same {@code type} and ids, and an audio
 *       value the JDK's base64 decoder accepts decodes to the same bytes.</li>
 * </ul>
 * The committed inputs in {@code EventParserFuzzTestInputs/} (the small shared fixtures and hand-made edge cases)
 * run as regression tests in every build; see {@code fuzz/README.md} for running the fuzzer for real.
 */
class EventParserFuzzTest {

    private static final EventParser PARSER = new EventParser();

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({
            "\"type\"", "\"data\"", "\"event_timestamp\"", "\"agent_id\"", "\"conversation_id\"", "\"full_audio\"",
            "\"post_call_transcription\"", "\"post_call_audio\"", "\"call_initiation_failure\"",
            "\\u0041", "\\u00", "\\/", "\\n", "\\\"", "\\\\", "==", "1761400000", "1.7614E9", "null", "true", "[]",
            "{}", ":", ","})
    void parsesOrRejectsWithMalformedEventException(byte[] body) throws IOException {
        Outcome fromMemory = parse(BodySource.ofBytes(body));
        Outcome fromStream = parse(new TrickleBody(body));

        assertThat(fromStream.describe()).as("streamed body parses like the in-memory one")
                .isEqualTo(fromMemory.describe());
        if (fromMemory.event == null) {
            return;
        }
        if (hasNumberBeyondBigDecimal(body)) {
            // valid JSON that Parsson cannot hold: no reference reading, and json() must say so in its own terms
            if (fromMemory.event instanceof UnknownEvent) {
                assertThatThrownBy(((UnknownEvent) fromMemory.event)::json).isInstanceOf(JsonException.class);
            }
            return;
        }
        JsonObject reference = jsonP(body);
        assertThat(reference).as("an accepted body is one JSON object for JSON-P too").isNotNull();
        assertThat(reference.getString("type")).isEqualTo(fromMemory.event.type());
        assertThat(stringOrNull(reference.getJsonObject("data"), "agent_id")).isEqualTo(fromMemory.event.agentId());
        assertThat(stringOrNull(reference.getJsonObject("data"), "conversation_id"))
                .isEqualTo(fromMemory.event.conversationId());

        if (fromMemory.event instanceof AudioEvent) {
            AudioEvent memoryAudio = (AudioEvent) fromMemory.event;
            String bulk = readAudio(memoryAudio, Reading.BULK);
            assertThat(readAudio(memoryAudio, Reading.ONE_BYTE_AT_A_TIME)).as("read() agrees with read(byte[])")
                    .isEqualTo(bulk);
            assertThat(readAudio((AudioEvent) fromStream.event, Reading.ODD_SIZES)).as("streamed audio agrees")
                    .isEqualTo(bulk);
            byte[] jdk = jdkBase64(reference.getJsonObject("data").getString("full_audio"));
            if (jdk != null) {
                assertThat(bulk).as("audio the JDK decoder accepts").isEqualTo("bytes:" + Arrays.toString(jdk));
            }
        } else if (fromMemory.event instanceof UnknownEvent) {
            JsonObject json = ((UnknownEvent) fromMemory.event).json();
            assertThat(json.getString("type")).isEqualTo(fromMemory.event.type());
        } else if (fromMemory.event instanceof TranscriptionEvent) {
            Object typed = typed((TranscriptionEvent) fromMemory.event, false);
            assertThat(typed((TranscriptionEvent) fromStream.event, true))
                    .as("streamed transcription binds alike, data() asked for first").isEqualTo(typed);
            JsonValue transcript = reference.getJsonObject("data").get("transcript");
            if (typed instanceof List && transcript instanceof JsonArray && transcript.asJsonArray().stream()
                    .allMatch(t -> t instanceof JsonObject || t == JsonValue.NULL)) {
                // against JSON-P: the turns were really counted (the model drops some other elements)
                assertThat(((CallReport) ((List<?>) typed).get(0)).turnCount()).as("turns")
                        .isEqualTo(transcript.asJsonArray().size());
            } else if (typed instanceof List && (transcript == null || transcript == JsonValue.NULL)) {
                // against JSON-P: a transcript absent or null was not sent, which is no turn count rather than 0
                assertThat(((CallReport) ((List<?>) typed).get(0)).turnCount()).as("turns of none sent").isNull();
            }
        } else {
            assertThat(typed((CallInitiationFailureEvent) fromStream.event)).as("streamed failure binds alike")
                    .isEqualTo(typed((CallInitiationFailureEvent) fromMemory.event));
        }
    }

    /**
     * The typed content of a transcription: {@code report()} and {@code data()} either work or throw the
     * documented {@link MalformedDataException}, the same answer every time; the report's ids fall back to the
     * envelope's. The report binds only what it reads, so it may work where {@code data()} does not, never the
     * other way round, and when both work it equals the report built from the whole binding. Whether
     * {@code data()} was asked for first changes none of this.
     */
    private static Object typed(TranscriptionEvent call, boolean dataFirst) {
        if (dataFirst) {
            try {
                call.data();
            } catch (MalformedDataException e) {
                // the same answer is checked below
            }
        }
        CallReport report;
        try {
            report = call.report();
        } catch (MalformedDataException e) {
            assertThat(e.getMessage()).isNotBlank();
            assertThat(e.getCause()).isInstanceOf(MalformedEventException.class);
            assertThatThrownBy(call::report).as("the same answer every time").isInstanceOf(MalformedDataException.class);
            assertThatThrownBy(call::data).as("what the report cannot bind, the whole binding cannot either")
                    .isInstanceOf(MalformedDataException.class);
            return "malformed data";
        }
        assertThat(call.report()).isSameAs(report);
        if (report.conversationId() == null) {
            assertThat(call.conversationId()).isNull();
        }
        TranscriptionData data;
        try {
            data = call.data();
        } catch (MalformedDataException e) {
            assertThat(e.getCause()).isInstanceOf(MalformedEventException.class);
            assertThatThrownBy(call::data).as("the same answer every time").isInstanceOf(MalformedDataException.class);
            return List.of(report, "malformed data");
        }
        assertThat(call.data()).isSameAs(data);
        assertThat(report).as("the report bound alone equals the report of the whole binding")
                .isEqualTo(CallReports.of(data, call.agentId(), call.conversationId()));
        return List.of(report, "data");
    }

    /** A failure event's accessors never throw (its data was bound, or refused, by parse). */
    private static Object typed(CallInitiationFailureEvent failure) {
        assertThat(failure.data()).isNotNull();
        assertThat(failure.reason()).isNotNull();
        if (failure.sip() != null || failure.twilio() != null) {
            assertThat(failure.provider()).isNotNull();
        }
        return java.util.Arrays.asList(failure.data(), failure.failureReason(), failure.reason(), failure.provider(),
                failure.sipStatusCode(), failure.sip(), failure.twilio());
    }

    /** The parse result, or the refusal; an exception of any other type escapes as a finding. */
    private static final class Outcome {
        final PostCallEvent event;
        final String refusal;

        Outcome(PostCallEvent event, String refusal) {
            this.event = event;
            this.refusal = refusal;
        }

        String describe() {
            if (event == null) {
                return "refused";
            }
            return event.getClass().getSimpleName() + "|" + event.type() + "|" + event.eventTimestamp() + "|"
                    + event.agentId() + "|" + event.conversationId();
        }
    }

    private static Outcome parse(BodySource body) {
        try {
            PostCallEvent event = PARSER.parse(body);
            assertThat(event.type()).isNotNull();
            assertThat(event.body()).isSameAs(body);
            return new Outcome(event, null);
        } catch (MalformedEventException e) {
            assertThat(e.getMessage()).isNotBlank();
            return new Outcome(null, e.getMessage());
        }
    }

    private enum Reading { BULK, ONE_BYTE_AT_A_TIME, ODD_SIZES }

    /** "bytes:[...]" for the decoded audio or "refused" for an IOException, the only failure allowed. */
    private static String readAudio(AudioEvent audio, Reading reading) {
        try (InputStream in = audio.openStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            switch (reading) {
                case BULK:
                    in.transferTo(out);
                    break;
                case ONE_BYTE_AT_A_TIME:
                    for (int b = in.read(); b >= 0; b = in.read()) {
                        out.write(b);
                    }
                    break;
                default:
                    byte[] buf = new byte[7];
                    int size = 1;
                    for (int n = in.read(buf, 1, size); n >= 0; n = in.read(buf, 1, size)) {
                        assertThat(n).isBetween(0, size);
                        out.write(buf, 1, n);
                        size = size % 6 + 1;
                    }
            }
            assertThat(in.read()).as("stays at the end").isEqualTo(-1);
            return "bytes:" + Arrays.toString(out.toByteArray());
        } catch (IOException e) {
            assertThat(e.getMessage()).isNotBlank();
            return "refused";
        }
    }

    /**
     * Whether Parsson's reading fails on a number that BigDecimal cannot hold (an exponent past the int range) or
     * that is longer than Parsson allows (1100 characters).
     */
    private static boolean hasNumberBeyondBigDecimal(byte[] body) {
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(body))) {
            reader.readValue();
            return false;
        } catch (JsonException e) {
            return false;
        } catch (NumberFormatException | ArithmeticException | UnsupportedOperationException e) {
            return true;
        }
    }

    /** JSON-P's reading of the body, or {@code null} when it refuses it or it is not an object. */
    private static JsonObject jsonP(byte[] body) {
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(body))) {
            JsonValue value = reader.readValue();
            return value.getValueType() == JsonValue.ValueType.OBJECT ? value.asJsonObject() : null;
        } catch (JsonException e) {
            return null;
        }
    }

    private static String stringOrNull(JsonObject object, String name) {
        JsonValue value = object.get(name);
        return value instanceof JsonString ? ((JsonString) value).getString() : null;
    }

    /** The JDK's decoding of the value without its whitespace, or {@code null} when the JDK refuses it. */
    private static byte[] jdkBase64(String value) {
        String compact = value.replaceAll("[ \\n\\r\\t]", "");
        try {
            return compact.indexOf('-') >= 0 || compact.indexOf('_') >= 0
                    ? Base64.getUrlDecoder().decode(compact)
                    : Base64.getDecoder().decode(compact);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A body held elsewhere (like a spill file) whose stream hands over one to five bytes per read. */
    private static final class TrickleBody implements BodySource {
        private final byte[] bytes;

        TrickleBody(byte[] bytes) {
            this.bytes = Objects.requireNonNull(bytes);
        }

        @Override
        public InputStream openStream() {
            return new ByteArrayInputStream(bytes) {
                private int turn;

                @Override
                public synchronized int read(byte[] b, int off, int len) {
                    return super.read(b, off, Math.min(len, 1 + turn++ % 5));
                }

                @Override
                public synchronized long skip(long n) {
                    return super.skip(Math.min(n, 3));
                }
            };
        }

        @Override
        public long length() {
            return bytes.length;
        }
    }
}
