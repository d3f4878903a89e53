package dev.postcall;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventParserEnvelopeTest {

    private final EventParser parser = new EventParser();

    private PostCallEvent parse(String json) throws MalformedEventException {
        return parser.parse(BodySource.ofBytes(json.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @CsvSource({
            "transcription-minimal.json, TranscriptionEvent, post_call_transcription, 1761402190, agent_5201k7hwq3m9xv2ne8t4cbr6yd0f, conv_7401k7j2d9fq3wz8hy6vts0a1cmb",
            "transcription-phone-inbound.json, TranscriptionEvent, post_call_transcription, 1761488712, agent_3301k6pd7wz2ha9qx5ct8mvy4rne, conv_2901k7m4x8rb6tq0zv3wh5njd9sea",
            "transcription-sip-outbound.json, TranscriptionEvent, post_call_transcription, 1761571945, agent_8801k6yn4vq7cw2et5bz9hx3md0p, conv_6601k7r5b2hc8yw1dq4xe7mz0tfa",
            "transcription-with-audio-flags.json, TranscriptionEvent, post_call_transcription, 1761660033, agent_9901k6vt2bq5nz8xw1ec4ry7ua3k, conv_1201k7t8n5vb2xm6qz9ws3dy0hcr",
            "transcription-extra-fields.json, TranscriptionEvent, post_call_transcription, 1761803300, agent_7701k7z2q5wd8nr1tx4cy7bm0vek, conv_7701k7z2r9ab3cd5ef7gh9ij1klm",
            "audio.json, AudioEvent, post_call_audio, 1761488731, agent_3301k6pd7wz2ha9qx5ct8mvy4rne, conv_2901k7m4x8rb6tq0zv3wh5njd9sea",
            "failure-twilio.json, CallInitiationFailureEvent, call_initiation_failure, 1761574412, agent_8801k6yn4vq7cw2et5bz9hx3md0p, conv_5501k7r9c3qd7zx2vb6ne0yt4mwa",
            "failure-sip.json, CallInitiationFailureEvent, call_initiation_failure, 1761575020, agent_8801k6yn4vq7cw2et5bz9hx3md0p, conv_5501k7rb1mx4tq8wz0ce3vh6ynda",
            "unknown-type.json, UnknownEvent, conversation_escalated, 1761700000, agent_3301k6pd7wz2ha9qx5ct8mvy4rne, conv_0301k7w1e5rt8yu2io4pa6sd9fgh",
    })
    void everyFixtureGivesItsEventClassAndEnvelope(String file, String eventClass, String type, long timestamp,
                                                   String agentId, String conversationId) throws Exception {
        for (BodySource body : new BodySource[] {BodySource.ofBytes(Fixtures.bytes(file)),
                BodySource.ofFile(Fixtures.path(file))}) {
            PostCallEvent event = parser.parse(body);
            assertThat(event.getClass().getSimpleName()).isEqualTo(eventClass);
            assertThat(event.type()).isEqualTo(type);
            assertThat(event.eventTimestamp()).isEqualTo(timestamp);
            assertThat(event.agentId()).isEqualTo(agentId);
            assertThat(event.conversationId()).isEqualTo(conversationId);
            assertThat(event.body()).isSameAs(body);
        }
    }

    @Test
    void audioFixtureDecodesTo486BytesStartingWithId3() throws Exception {
        AudioEvent audio = (AudioEvent) Fixtures.parse("audio.json");
        byte[] decoded;
        try (InputStream in = audio.openStream()) {
            decoded = in.readAllBytes();
        }
        assertThat(decoded).hasSize(486);
        assertThat(new String(decoded, 0, 3, StandardCharsets.US_ASCII)).isEqualTo("ID3");
        assertThat(decoded).containsSubsequence((byte) 0xFF, (byte) 0xFB, (byte) 0x90, (byte) 0xC4);
    }

    @Test
    void audioFromAFileBodyEqualsAudioFromMemory(@TempDir Path dir) throws Exception {
        AudioEvent fromFile = (AudioEvent) parser.parse(BodySource.ofFile(Fixtures.path("audio.json")));
        AudioEvent fromMemory = (AudioEvent) Fixtures.parse("audio.json");
        byte[] expected;
        try (InputStream in = fromMemory.openStream()) {
            expected = in.readAllBytes();
        }
        Path target = dir.resolve("call.mp3");
        assertThat(fromFile.saveTo(target)).isEqualTo(486);
        assertThat(Files.readAllBytes(target)).isEqualTo(expected);
        try (var listing = Files.list(dir)) {
            assertThat(listing).containsExactly(target);
        }
    }

    @Test
    void saveToReplacesAnExistingFile(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("call.mp3");
        Files.write(target, new byte[10_000]);
        AudioEvent audio = (AudioEvent) Fixtures.parse("audio.json");
        assertThat(audio.saveTo(target)).isEqualTo(486);
        assertThat(Files.size(target)).isEqualTo(486);
    }

    @Test
    void audioCanBeReadTwice() throws Exception {
        AudioEvent audio = (AudioEvent) Fixtures.parse("audio.json");
        try (InputStream a = audio.openStream(); InputStream b = audio.openStream()) {
            assertThat(a.readAllBytes()).isEqualTo(b.readAllBytes());
        }
    }

    @Test
    void audioValueWithEscapesAndLineBreaksDecodes() throws Exception {
        // "hello world?>" in base64 is aGVsbG8gd29ybGQ/Pg== ; write the '/' escaped and break lines
        AudioEvent audio = (AudioEvent) parse("{\"type\":\"post_call_audio\",\"event_timestamp\":1,"
                + "\"data\":{\"full_audio\":\"aGVs\\nbG8g\\r\\nd29y bGQ\\/\\u0050g==\",\"agent_id\":\"a\"}}");
        try (InputStream in = audio.openStream()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("hello world?>");
        }
        assertThat(audio.agentId()).isEqualTo("a");
        assertThat(audio.conversationId()).isNull();
    }

    @Test
    void audioThatIsNotBase64FailsWhenRead() throws Exception {
        AudioEvent audio = (AudioEvent) parse("{\"type\":\"post_call_audio\",\"data\":{\"full_audio\":\"ab*d\"}}");
        try (InputStream in = audio.openStream()) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("base64");
        }
    }

    @Test
    void audioEventWithoutAudioIsMalformed() {
        assertThatThrownBy(() -> parse("{\"type\":\"post_call_audio\",\"data\":{\"full_audio\":null}}"))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("full_audio");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"1761400000\"", "1761400000", "1761400000.0", "1.7614E9", "\" 1761400000 \""})
    void eventTimestampAcceptsNumbersAndNumericStrings(String value) throws Exception {
        PostCallEvent event = parse("{\"type\":\"x\",\"event_timestamp\":" + value + ",\"data\":{}}");
        assertThat(event.eventTimestamp()).isEqualTo(1761400000L);
    }

    @Test
    void absentEventTimestampReadsAsZero() throws Exception {
        assertThat(parse("{\"type\":\"x\",\"data\":{}}").eventTimestamp()).isZero();
    }

    @Test
    void nullEventTimestampReadsAsAbsent() throws Exception {
        assertThat(parse("{\"type\":\"x\",\"event_timestamp\":null,\"data\":{}}").eventTimestamp()).isZero();
        assertThat(parse("{\"type\":\"x\",\"event_timestamp\": null ,\"data\":{}}").eventTimestamp()).isZero();
    }

    @Test
    void unknownTypeKeepsRawJson() throws Exception {
        UnknownEvent event = (UnknownEvent) Fixtures.parse("unknown-type.json");
        assertThat(event.json().getJsonObject("data").getJsonObject("escalation").getString("queue"))
                .isEqualTo("billing");
    }

    @Test
    void envelopeMembersMayComeInAnyOrder() throws Exception {
        PostCallEvent event = parse("{\"data\":{\"conversation_id\":\"c\",\"x\":[1,{\"y\":null}],\"agent_id\":\"a\"},"
                + "\"other\":{\"type\":\"nested\"},\"event_timestamp\":5,\"type\":\"post_call_transcription\"}");
        assertThat(event).isInstanceOf(TranscriptionEvent.class);
        assertThat(event.agentId()).isEqualTo("a");
        assertThat(event.conversationId()).isEqualTo("c");
        assertThat(event.eventTimestamp()).isEqualTo(5);
    }

    @Test
    void nonStringIdsReadAsNull() throws Exception {
        PostCallEvent event = parse("{\"type\":\"x\",\"data\":{\"agent_id\":42,\"conversation_id\":null}}");
        assertThat(event.agentId()).isNull();
        assertThat(event.conversationId()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''|empty",
            "'   '|empty",
            "not json|not a JSON object",
            "[1,2]|not a JSON object",
            "\"text\"|not a JSON object",
            "{}|no 'type'",
            "{\"data\":{}}|no 'type'",
            "{\"type\":7,\"data\":{}}|'type' is not a string",
            "{\"type\":null,\"data\":{}}|'type' is not a string",
            "{\"type\":\"x\"}|no 'data'",
            "{\"type\":\"x\",\"data\":[]}|'data' is not a JSON object",
            "{\"type\":\"x\",\"data\":\"s\"}|'data' is not a JSON object",
            "{\"type\":\"x\",\"data\":null}|'data' is not a JSON object",
            "{\"type\":\"x\",\"data\":{}|ends in the middle",
            "{\"type\":\"x\",\"data\":{\"a\":\"unterminated}}|ends in the middle",
            "{\"type\":\"x\",\"data\":{}} trailing|content after",
            "{\"type\":\"x\",\"data\":{}}{}|content after",
            "{\"type\":\"x\",\"event_timestamp\":\"soon\",\"data\":{}}|event_timestamp",
            "{\"type\":\"x\",\"event_timestamp\":1.5,\"data\":{}}|event_timestamp",
            "{\"type\":\"x\",\"event_timestamp\":true,\"data\":{}}|event_timestamp",
            "{\"type\":\"x\",\"event_timestamp\":1e999999999,\"data\":{}}|event_timestamp",
            "{\"type\":\"x\",\"data\":{\"a\":tru}}|literal",
            "{\"type\":\"x\",\"data\":{\"a\":01}}|',' or '}'",
            "{\"type\":\"x\",\"data\":{\"a\":1,}}|member name",
            "{\"type\":\"x\" \"data\":{}}|',' or '}'",
    })
    void malformedBodiesAreRefusedWithAClearMessage(String body, String message) {
        assertThatThrownBy(() -> parse(body))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining(message);
    }

    @Test
    void byteOrderMarkIsRefused() {
        byte[] body = "\uFEFF{\"type\":\"x\",\"data\":{}}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> parser.parse(BodySource.ofBytes(body)))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("byte order mark");
    }

    @Test
    void envelopeStringsOver4096BytesAreRefusedAndTheLastByteThatFitsIsNot() throws MalformedEventException {
        String fits = "t".repeat(4096);
        String over = "t".repeat(4097);

        assertThat(parse("{\"type\":\"" + fits + "\",\"data\":{}}").type()).isEqualTo(fits);
        assertThatThrownBy(() -> parse("{\"type\":\"" + over + "\",\"data\":{}}"))
                .isInstanceOf(MalformedEventException.class).hasMessageContaining("'type' is longer than 4096 bytes")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("ttt"));
        assertThatThrownBy(() -> parse("{\"type\":\"x\",\"data\":{\"conversation_id\":\"" + over + "\"}}"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("'data.conversation_id' is longer than 4096 bytes");
    }

    @Test
    void errorMessagesNeverQuotePayloadText() {
        assertThatThrownBy(() -> parse("{\"type\":\"x\",\"data\":{\"secret\":\"sk_live_123\" oops}}"))
                .isInstanceOf(MalformedEventException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("sk_live").doesNotContain("oops"));
    }
}
