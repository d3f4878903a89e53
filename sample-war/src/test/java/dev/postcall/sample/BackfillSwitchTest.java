package dev.postcall.sample;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BackfillSwitchTest {

    @Test
    void withoutAnApiKeyNothingChanges() {
        assertThat(BackfillSwitch.params(Map.<String, String>of()::get)).isEmpty();
        assertThat(BackfillSwitch.params(Map.of("ELEVENLABS_API_KEY", " ")::get)).isEmpty();
    }

    @Test
    void anApiKeySwitchesBackfillOnWithAnInboxAndTheKeyStaysAReference() {
        Map<String, String> params = BackfillSwitch.params(Map.of("ELEVENLABS_API_KEY", "sk_real_key")::get);

        assertThat(params).containsExactly(Map.entry("backfill-api-key", "${env:ELEVENLABS_API_KEY}"),
                Map.entry("backfill-interval", "1m"),
                Map.entry("inbox-dir", "${sys:java.io.tmpdir}/postcall-sample-inbox"));
        assertThat(params.values()).noneMatch(v -> v.contains("sk_real_key"));
    }

    @Test
    void anotherApiRootIsTakenFromTheEnvironmentToo() {
        Map<String, String> params = BackfillSwitch.params(Map.of("ELEVENLABS_API_KEY", "sk_demo",
                "ELEVENLABS_API_BASE_URL", "http://127.0.0.1:8089")::get);

        assertThat(params).containsEntry("backfill-base-url", "${env:ELEVENLABS_API_BASE_URL}");
    }
}
