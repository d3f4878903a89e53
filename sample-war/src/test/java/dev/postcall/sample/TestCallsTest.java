package dev.postcall.sample;

import dev.postcall.testing.SamplePayloads;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestCallsTest {

    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    private static JsonObject json(byte[] bytes) {
        return Json.createReader(new ByteArrayInputStream(bytes)).readObject();
    }

    @Test
    void aTestCallIsTheSampleWithANewConversationEndingNow() {
        JsonObject sample = json(SamplePayloads.bytes("transcription"));

        JsonObject sent = json(TestCalls.payload("transcription", "conv_test_1", NOW));

        assertThat(sent.getJsonNumber("event_timestamp").longValue()).isEqualTo(NOW.getEpochSecond());
        JsonObject data = sent.getJsonObject("data");
        assertThat(data.getString("conversation_id")).isEqualTo("conv_test_1");
        assertThat(data.getJsonObject("metadata").getJsonNumber("start_time_unix_secs").longValue())
                .isEqualTo(NOW.getEpochSecond() - 39);
        // everything else as the sample has it
        assertThat(data.getJsonObject("analysis")).isEqualTo(sample.getJsonObject("data").getJsonObject("analysis"));
        assertThat(data.getJsonArray("transcript")).isEqualTo(sample.getJsonObject("data").getJsonArray("transcript"));
    }

    @Test
    void samplesWithoutMetadataOnlyGetTheirIdAndTimestamp() {
        JsonObject sent = json(TestCalls.payload("audio", "conv_test_2", NOW));

        assertThat(sent.getJsonObject("data").getString("conversation_id")).isEqualTo("conv_test_2");
        assertThat(sent.getJsonObject("data").getString("full_audio"))
                .isEqualTo(json(SamplePayloads.bytes("audio")).getJsonObject("data").getString("full_audio"));
    }

    @Test
    void newConversationIdsDifferAndAreMarkedAsTests() {
        String a = TestCalls.newConversationId();
        String b = TestCalls.newConversationId();

        assertThat(a).matches("conv_test_[0-9a-f]{20}").isNotEqualTo(b);
    }

    @Test
    void anUnknownSampleNameIsRefused() {
        assertThatThrownBy(() -> TestCalls.payload("nope", "conv", NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("transcription");
    }
}
