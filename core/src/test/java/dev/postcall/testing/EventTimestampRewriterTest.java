package dev.postcall.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventTimestampRewriterTest {

    private static String rewrite(String json, long seconds) {
        return new String(EventTimestampRewriter.rewrite(json.getBytes(StandardCharsets.UTF_8), seconds),
                StandardCharsets.UTF_8);
    }

    @Test
    void replacesOnlyTheTopLevelKeyNotNestedOnesOrTextInStrings() {
        String json = "{\"data\":{\"event_timestamp\":1,\"l\":[{\"event_timestamp\":2}]},"
                + "\"note\":\"\\\"event_timestamp\\\": 5 – é\",\"event_timestamp\" : 1761400000e0 ,\"x\":[]}";
        assertThat(rewrite(json, 42)).isEqualTo("{\"data\":{\"event_timestamp\":1,\"l\":[{\"event_timestamp\":2}]},"
                + "\"note\":\"\\\"event_timestamp\\\": 5 – é\",\"event_timestamp\" : 42 ,\"x\":[]}");
    }

    @Test
    void keepsAStringTimestampAString() {
        assertThat(rewrite("{\"type\":\"t\",\"event_timestamp\":\"1761400000\"}", 1800000000L))
                .isEqualTo("{\"type\":\"t\",\"event_timestamp\":\"1800000000\"}");
    }

    @Test
    void refusesAPayloadWithoutTopLevelTimestamp() {
        assertThatThrownBy(() -> rewrite("{\"data\":{\"event_timestamp\":1}}", 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> rewrite("{\"event_timestamp\":null}", 2))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
