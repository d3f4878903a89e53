package dev.postcall.sample.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * postcall-cdi's build compatible extension on ArC: Quarkus runs it at build time, it adds the readiness check because
 * quarkus-smallrye-health is there, and {@code /q/health/ready} lists it with the webhook's facts.
 */
@QuarkusIntegrationTest
class ReadinessIT {

    @TestHTTPResource("q/health/ready")
    URI ready;

    @Test
    void theReadinessCheckAddedByTheExtensionIsUpWithTheWebhooksInbox() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(ready).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonObject health = Json.createReader(new StringReader(response.body())).readObject();
        assertThat(health.getString("status")).isEqualTo("UP");
        JsonObject postcall = health.getJsonArray("checks").stream().map(JsonValue::asJsonObject)
                .filter(check -> "postcall".equals(check.getString("name", null))).findFirst()
                .orElseThrow(() -> new AssertionError("no postcall check in " + response.body()));
        assertThat(postcall.getString("status")).isEqualTo("UP");
        JsonObject data = postcall.getJsonObject("data");
        assertThat(data.getString("postcall.status")).isEqualTo("UP");
        assertThat(data.getJsonNumber("postcall.secrets").intValue()).isEqualTo(1);
        assertThat(data.getString("postcall.inbox"))
                .isEqualTo(Path.of(System.getProperty("postcall.it.inboxDir")).toAbsolutePath().toString());
    }
}
