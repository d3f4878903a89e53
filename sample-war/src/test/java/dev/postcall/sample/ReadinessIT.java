package dev.postcall.sample;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * postcall-cdi's MicroProfile Health readiness check on a server that ships MicroProfile Health (Open Liberty with
 * {@code mpHealth-4.0}; src/it/liberty/server.xml), read through {@code GET /health/ready} as a load balancer would:
 * {@code UP} with a {@code postcall} check from deployment (the servlet starts with the application); a delivery kept
 * in {@code failed/} is a warning with its count, still {@code UP}; an inbox that cannot be written turns it
 * {@code DOWN} (503) until it can again. The inbox is the one the server's webhook uses ({@code postcall.it.inboxDir});
 * the server runs as root here, so a permission change would not stop it: the directory is replaced by a regular
 * file instead, and put back at the end.
 */
class ReadinessIT {

    private static SampleServer server;
    private static Path inbox;

    @BeforeAll
    static void serverIsUp() {
        server = SampleServer.running();
        inbox = Path.of(System.getProperty("postcall.it.inboxDir"));
        assertThat(inbox.resolve("failed")).as("the webhook's inbox on %s", server.name).isDirectory();
    }

    @Test
    void readyFromDeploymentThenAWarningForFailedThenDownWhileTheInboxCannotBeWritten() throws Exception {
        Health up = ready();
        System.out.println("GET /health/ready on " + server.name + " (ready): " + up.status + " " + up.body);
        assertThat(up.status).as(up.body).isEqualTo(200);
        assertThat(up.json.getString("status")).isEqualTo("UP");
        JsonObject check = up.postcall();
        assertThat(check.getString("status")).isEqualTo("UP");
        JsonObject data = check.getJsonObject("data");
        assertThat(data.getString("postcall.status")).isEqualTo("UP");
        assertThat(data.getJsonNumber("postcall.secrets").intValue()).isEqualTo(1);
        assertThat(data.getString("postcall.inbox")).isEqualTo(inbox.toAbsolutePath().toString());
        assertThat(data).doesNotContainKey("postcall.problem");
        long failedBefore = data.getJsonNumber("postcall.inboxFailed").longValue();

        // data that does not fit the model: the sample's observer fails on it, so the delivery waits in failed/
        HttpResponse<String> misfit = server.deliver(misfitTranscription());
        assertThat(misfit.statusCode()).as(misfit.body()).isEqualTo(200);
        // kept before it was answered, and the check counts failed/ afresh on every call
        Health warned = ready();
        assertThat(warned.inboxFailed()).as(warned.body).isEqualTo(failedBefore + 1);
        System.out.println("GET /health/ready on " + server.name + " (a delivery in failed/): " + warned.status + " "
                + warned.body);
        assertThat(warned.status).as(warned.body).isEqualTo(200);
        assertThat(warned.postcall().getString("status")).isEqualTo("UP");
        assertThat(warned.data().getString("postcall.warning"))
                .contains((failedBefore + 1) + (failedBefore == 0 ? " delivery waits" : " deliveries wait"))
                .contains(inbox.resolve("failed").toAbsolutePath().toString());

        Path away = inbox.resolveSibling(inbox.getFileName() + ".away");
        Files.move(inbox, away);
        try {
            Files.writeString(inbox, "not a directory", StandardCharsets.UTF_8);
            Health down = ready();
            System.out.println("GET /health/ready on " + server.name + " (inbox replaced by a file): " + down.status
                    + " " + down.body);
            assertThat(down.status).as(down.body).isEqualTo(503);
            assertThat(down.json.getString("status")).isEqualTo("DOWN");
            assertThat(down.postcall().getString("status")).isEqualTo("DOWN");
            assertThat(down.data().getString("postcall.status")).isEqualTo("DOWN");
            assertThat(down.data().getString("postcall.problem")).contains("inbox " + inbox.toAbsolutePath()
                    + " cannot be written");
            // the webhook answers as its health says: a delivery it cannot store is refused, for the sender to retry
            // (a conversation never sent before: one handled before would be recognised and answered 200 unstored)
            HttpResponse<String> refused = server.deliver(TestCalls.payload("transcription",
                    TestCalls.newConversationId(), Instant.now()));
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.body()).contains("inbox-unavailable");
        } finally {
            Files.deleteIfExists(inbox);
            Files.move(away, inbox);
        }

        Health again = ready();
        assertThat(again.status).as("once the inbox is back: %s", again.body).isEqualTo(200);
        assertThat(again.postcall().getString("status")).isEqualTo("UP");
        assertThat(again.data().getJsonNumber("postcall.consecutiveFailures").intValue()).as(again.body).isEqualTo(1);
        HttpResponse<String> taken = server.deliver(TestCalls.payload("transcription", TestCalls.newConversationId(),
                Instant.now()));
        assertThat(taken.statusCode()).as(taken.body()).isEqualTo(200);
        assertThat(ready().data().getJsonNumber("postcall.consecutiveFailures").intValue())
                .as("the 200 ends the run of failed answers").isZero();
    }

    /** A transcription whose {@code metadata} is a number: the report cannot be read, so the observer throws. */
    private static byte[] misfitTranscription() {
        return ("{\"type\":\"post_call_transcription\",\"event_timestamp\":" + Instant.now().getEpochSecond()
                + ",\"data\":{\"agent_id\":\"agent_readiness_it\",\"conversation_id\":\"conv_readiness_it_"
                + System.nanoTime() + "\",\"transcript\":[],\"metadata\":7}}").getBytes(StandardCharsets.UTF_8);
    }

    private static Health ready() throws IOException, InterruptedException {
        HttpResponse<String> r = server.get("health/ready");
        try (JsonReader reader = Json.createReader(new StringReader(r.body()))) {
            return new Health(r.statusCode(), r.body(), reader.readObject());
        }
    }

    /** One answer of {@code /health/ready}. */
    private record Health(int status, String body, JsonObject json) {
        JsonObject postcall() {
            return json.getJsonArray("checks").stream().map(JsonValue::asJsonObject)
                    .filter(c -> "postcall".equals(c.getString("name", null)))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no postcall check in " + body));
        }

        JsonObject data() {
            return postcall().getJsonObject("data");
        }

        long inboxFailed() {
            return data().getJsonNumber("postcall.inboxFailed").longValue();
        }
    }
}
