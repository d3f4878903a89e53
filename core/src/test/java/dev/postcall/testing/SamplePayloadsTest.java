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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SamplePayloadsTest {

    private static final Map<String, String> FIXTURE_OF = Map.of(
            "transcription", "transcription-phone-inbound.json",
            "transcription-sip", "transcription-sip-outbound.json",
            "transcription-web", "transcription-with-audio-flags.json",
            "audio", "audio.json",
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
    void listsTheSevenSamples() {
        assertThat(SamplePayloads.names()).containsExactly("transcription", "transcription-sip", "transcription-web",
                "audio", "failure-twilio", "failure-sip", "unknown");
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
