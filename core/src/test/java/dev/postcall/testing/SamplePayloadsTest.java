package dev.postcall.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postcall.testsupport.TestData;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SamplePayloadsTest {

    private static final Map<String, String> FIXTURE_OF = Map.of(
            "transcription", "transcription-phone-inbound.json",
            "transcription-sip", "transcription-sip-outbound.json",
            "transcription-web", "transcription-with-audio-flags.json",
            "transcription-no-transcript", "transcription-no-transcript.json",
            "audio", "audio-speech.json",
            "failure-twilio", "failure-twilio.json",
            "failure-sip", "failure-sip.json",
            "unknown", "unknown-type.json");

    static Iterable<String> names() {
        return SamplePayloads.names();
    }

    private static JsonObject parse(byte[] json) {
        try (JsonReader r = Json.createReader(new ByteArrayInputStream(json))) {
            return r.readObject();
        }
    }

    @Test
    void listsTheEightSamples() {
        assertThat(SamplePayloads.names()).containsExactly("transcription", "transcription-sip", "transcription-web",
                "transcription-no-transcript", "audio", "failure-twilio", "failure-sip", "unknown");
    }

    @ParameterizedTest
    @MethodSource("names")
    void sampleIsTheSharedFixtureByteForByte(String name) throws Exception {
        Path fixture = TestData.fixture(FIXTURE_OF.get(name));
        assertThat(SamplePayloads.bytes(name)).isEqualTo(Files.readAllBytes(fixture));
    }

    @ParameterizedTest
    @MethodSource("names")
    void freshTimestampChangesOnlyTheTopLevelEventTimestamp(String name) {
        byte[] original = SamplePayloads.bytes(name);
        byte[] fresh = SamplePayloads.bytes(name, Instant.ofEpochSecond(1_800_000_123L, 500));

        JsonObject before = parse(original);
        JsonObject after = parse(fresh);
        assertThat(after.getJsonNumber("event_timestamp").longValueExact()).isEqualTo(1_800_000_123L);
        assertThat(Json.createObjectBuilder(after).remove("event_timestamp").build())
                .isEqualTo(Json.createObjectBuilder(before).remove("event_timestamp").build());
        String beforeText = new String(original, StandardCharsets.UTF_8)
                .replace("\"event_timestamp\": " + before.getJsonNumber("event_timestamp"), "");
        String afterText = new String(fresh, StandardCharsets.UTF_8).replace("\"event_timestamp\": 1800000123", "");
        assertThat(afterText).isEqualTo(beforeText);
    }

    @Test
    void theAudioSampleIsAPlayableMp3OfFiveSecondsOfSpeech() {
        JsonObject sample = parse(SamplePayloads.bytes("audio"));
        assertThat(sample.getJsonObject("data").getString("conversation_id"))
                .isEqualTo(parse(SamplePayloads.bytes("transcription")).getJsonObject("data").getString("conversation_id"));

        byte[] mp3 = Base64.getDecoder().decode(sample.getJsonObject("data").getString("full_audio"));

        assertThat(mp3).hasSize(9995).startsWith('I', 'D', '3');
        // an ID3v2 tag (its size in four 7-bit bytes), then the first MPEG-2 Layer III frame (16 kHz, 16 kbit/s)
        int tag = 10 + (mp3[6] << 21 | mp3[7] << 14 | mp3[8] << 7 | mp3[9]);
        assertThat(new byte[] {mp3[tag], mp3[tag + 1], mp3[tag + 2]})
                .containsExactly(0xFF, 0xF3, 0x28);
        // the tag's TLEN frame: the length in milliseconds
        assertThat(new String(mp3, 0, tag, StandardCharsets.ISO_8859_1)).contains("TLEN").contains("4845");
    }

    @Test
    void returnsACopyEachTime() {
        byte[] first = SamplePayloads.bytes("audio");
        first[0] = 'X';
        assertThat(SamplePayloads.bytes("audio")[0]).isEqualTo((byte) '{');
    }

    @Test
    void unknownNameListsTheSamples() {
        assertThatThrownBy(() -> SamplePayloads.bytes("transcript"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("transcript'")
                .hasMessageContaining("failure-sip");
    }
}
