package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.postcall.testsupport.ElevenLabsApiStandIn;

/**
 * The Actuator endpoint {@code postcall}: {@code POST /actuator/postcall} backfills a window on demand and answers
 * what it found, dispatched and skipped; {@code GET} shows backfill's state and the webhooks ElevenLabs reports. Runs
 * in the surefire execution {@code actuator}.
 */
@Tag("actuator")
@SpringBootTest(classes = ListenerApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"postcall.secret=" + Webhook.SECRET, "postcall.backfill.interval=1h",
                "management.endpoints.web.exposure.include=health,postcall",
                "management.endpoint.postcall.access=unrestricted"})
class BackfillActuatorTest {

    static final String KEY = "sk_spring_actuator_9a8b7c6d5e";
    static final ElevenLabsApiStandIn API = ElevenLabsApiStandIn.start(KEY);
    static final long NOW = Instant.now().getEpochSecond();
    static final Path INBOX;

    static {
        API.webhook("wh_1", "postcall").autoDisabled(true).failed(503, NOW - 60);
        try {
            INBOX = Files.createTempDirectory("postcall-actuator-backfill-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void backfill(DynamicPropertyRegistry registry) {
        registry.add("postcall.inbox-dir", INBOX::toString);
        registry.add("postcall.backfill.api-key", () -> KEY);
        registry.add("postcall.backfill.base-url", () -> API.baseUrl().toString());
    }

    @AfterAll
    static void stopTheApi() {
        API.close();
    }

    @Value("${local.server.port}")
    int port;

    private HttpResponse<String> postWindow(String json) throws Exception {
        return Webhook.send(HttpRequest.newBuilder(Webhook.uri(port, "/actuator/postcall"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static JsonObject json(HttpResponse<String> response) {
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    @Test
    void aPostBackfillsTheWindowAndAnswersWhatItFoundDispatchedAndSkipped() throws Exception {
        API.conversation("conv_outage_1", "agent_1", NOW - 90_000, 30);
        API.conversation("conv_outage_2", "agent_1", NOW - 89_000, 30).status("processing");
        API.conversation("conv_outage_3", "agent_1", NOW - 88_000, 30).gone();

        HttpResponse<String> answer = postWindow("{\"from\":\"" + Instant.ofEpochSecond(NOW - 90_100) + "\",\"to\":\""
                + Instant.ofEpochSecond(NOW - 80_000) + "\"}");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonObject run = json(answer);
        assertThat(run.getBoolean("completed")).isTrue();
        assertThat(run.getInt("found")).isEqualTo(3);
        assertThat(run.getInt("dispatched")).isEqualTo(1);
        assertThat(run.getJsonObject("skipped").getInt("UNFINISHED")).isEqualTo(1);
        assertThat(run.getJsonObject("skipped").getInt("GONE")).isEqualTo(1);
        assertThat(run.getString("from")).isEqualTo(Instant.ofEpochSecond(NOW - 90_100).toString());
        assertThat(answer.body()).doesNotContain(KEY);
    }

    @Test
    void aWindowThatIsNotTwoInstantsIsABadRequest() throws Exception {
        HttpResponse<String> answer = postWindow("{\"from\":\"yesterday\",\"to\":\"today\"}");

        assertThat(answer.statusCode()).isEqualTo(400);
    }

    @Test
    void aGetShowsTheWebhookElevenLabsDisabled() throws Exception {
        JsonObject status = null;
        for (int i = 0; i < 1500 && (status == null || !status.containsKey("webhooksCheckedAt")); i++) {
            HttpResponse<String> answer = Webhook.get(port, "/actuator/postcall");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            status = json(answer);
            Thread.sleep(20); // the watch polls on the scheduler's thread, two seconds after the start
        }

        assertThat(status.getString("backfill")).isEqualTo("on");
        JsonObject webhook = status.getJsonArray("webhooks").getJsonObject(0);
        assertThat(webhook.getString("name")).isEqualTo("postcall");
        assertThat(webhook.getString("state")).isEqualTo("auto-disabled");
        assertThat(webhook.getInt("lastFailureStatus")).isEqualTo(503);
        HttpResponse<String> health = Webhook.get(port, "/actuator/health");
        assertThat(health.statusCode()).as("the sender's state is no reason to be DOWN").isEqualTo(200);
        assertThat(json(health).getString("status")).isEqualTo("UP");
    }
}
