package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import org.junit.jupiter.api.Test;

/**
 * The configuration metadata the build generates from {@link PostCallProperties}, which IDEs complete and document
 * {@code postcall.*} keys from: every key, with its description and default.
 */
class MetadataTest {

    static JsonObject metadata() throws Exception {
        for (URL url : Collections.list(MetadataTest.class.getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
            try (InputStream in = url.openStream()) {
                JsonObject json = Json.createReader(in).readObject();
                if (json.getJsonArray("groups").stream()
                        .anyMatch(g -> g.asJsonObject().getString("name").equals("postcall"))) {
                    return json;
                }
            }
        }
        throw new AssertionError("no META-INF/spring-configuration-metadata.json with the group postcall");
    }

    @Test
    void everyKeyIsListedWithItsDescriptionAndDefault() throws Exception {
        Map<String, JsonObject> properties = new HashMap<>();
        Map<String, JsonObject> endpoint = new HashMap<>();
        for (JsonValue value : metadata().getJsonArray("properties")) {
            String name = value.asJsonObject().getString("name");
            (name.startsWith("management.endpoint.postcall.") ? endpoint : properties).put(name,
                    value.asJsonObject());
        }
        // Actuator's own settings of the endpoint postcall, which the processor lists from @Endpoint: read-only until
        // an application allows its POST
        assertThat(endpoint).containsOnlyKeys("management.endpoint.postcall.cache.time-to-live",
                "management.endpoint.postcall.access");
        assertThat(endpoint.get("management.endpoint.postcall.access").getString("defaultValue"))
                .isEqualTo("read_only");
        Map<String, String> defaults = new HashMap<>();
        defaults.put("postcall.enabled", "true");
        defaults.put("postcall.secret", null);
        defaults.put("postcall.path", "\"/elevenlabs/webhook\"");
        defaults.put("postcall.tolerance", "\"30m\"");
        defaults.put("postcall.future-skew", "\"5m\"");
        defaults.put("postcall.ip-allowlist", "[\"off\"]");
        defaults.put("postcall.trusted-proxies", null);
        defaults.put("postcall.max-body-size", "\"256MB\"");
        defaults.put("postcall.memory-threshold", "\"1MB\"");
        defaults.put("postcall.inbox-dir", null);
        defaults.put("postcall.on-handler-failure", null);
        defaults.put("postcall.delivery-ledger", "\"memory\"");
        defaults.put("postcall.duplicate-wait", "\"30s\"");
        defaults.put("postcall.inbox.store", null);
        defaults.put("postcall.inbox.create-schema", null);
        defaults.put("postcall.inbox.table-prefix", null);
        defaults.put("postcall.inbox.retention", null);
        defaults.put("postcall.inbox.takeover-after", null);
        defaults.put("postcall.inbox.node-id", null);
        defaults.put("postcall.inbox.transactional-listeners", null);
        defaults.put("postcall.backfill.api-key", null);
        defaults.put("postcall.backfill.base-url", "\"https://api.elevenlabs.io\"");
        defaults.put("postcall.backfill.interval", "\"5m\"");
        defaults.put("postcall.backfill.lookback", "\"1d\"");
        defaults.put("postcall.backfill.agents", null);
        defaults.put("postcall.backfill.audio", "\"false\"");

        assertThat(properties.keySet()).containsExactlyInAnyOrderElementsOf(defaults.keySet());
        defaults.forEach((name, expected) -> {
            JsonObject property = properties.get(name);
            assertThat(property.getString("description")).as(name).hasSizeGreaterThan(20);
            assertThat(property.containsKey("defaultValue") ? property.get("defaultValue").toString() : null)
                    .as(name).isEqualTo(expected);
        });
        assertThat(properties.get("postcall.secret").getString("description")).contains("ELEVENLABS_WEBHOOK_SECRET");
        assertThat(properties.get("postcall.backfill.api-key").getString("description"))
                .contains("${ELEVENLABS_API_KEY}").contains("never logged");
    }

    @Test
    void theSettingsWithFewValuesHaveHints() throws Exception {
        Map<String, JsonObject> hints = new HashMap<>();
        for (JsonValue value : metadata().getJsonArray("hints")) {
            hints.put(value.asJsonObject().getString("name"), value.asJsonObject());
        }
        assertThat(hints).containsOnlyKeys("postcall.ip-allowlist", "postcall.on-handler-failure",
                "postcall.delivery-ledger", "postcall.inbox.store", "postcall.inbox.create-schema",
                "postcall.inbox.transactional-listeners", "postcall.backfill.base-url", "postcall.backfill.audio");
        assertThat(hints.get("postcall.backfill.base-url").getJsonArray("values").stream()
                .map(v -> ((JsonString) v.asJsonObject().get("value")).getString()))
                .containsExactly("https://api.elevenlabs.io", "us", "eu", "in", "sg");
        assertThat(hints.get("postcall.inbox.store").getJsonArray("values").stream()
                .map(v -> ((JsonString) v.asJsonObject().get("value")).getString()))
                .containsExactly("none", "file", "jdbc");
        assertThat(hints.get("postcall.on-handler-failure").getJsonArray("values").stream()
                .map(v -> ((JsonString) v.asJsonObject().get("value")).getString()))
                .containsExactly("accept", "reject");
    }
}
