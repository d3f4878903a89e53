package dev.postcall.internal.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postcall.cdi.e2e.WebhookStack;
import dev.postcall.signature.WebhookSigner;
import io.smallrye.health.SmallRyeHealth;
import io.smallrye.health.SmallRyeHealthReporter;
import jakarta.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The readiness check {@code postcall}: added by the extension where MicroProfile Health is present, UP with a
 * writable inbox, a warning for entries in {@code failed/}, DOWN once the inbox cannot be written. Read from the
 * webhook's own Weld container, which found the extension in {@code META-INF/services} as a Tomcat user's does,
 * directly and through SmallRye Health (as WildFly runs it), over a real Jetty stack. One container only: with a
 * second one in the JVM, {@code CDI.current()} could hand the webhook that one.
 */
class ReadinessCheckTest {
    static final String SECRET = "wsec_health_2d9c7a1e5b3f4a6d8c0e2b4f6a8d0c2e4b6f8a0d2c4e6b8f0a2d4c6";
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir Path dir;

    private static int post(WebhookStack stack, String conversationId) throws Exception {
        byte[] body = ("{\"type\":\"post_call_transcription\",\"event_timestamp\":" + Instant.now().getEpochSecond()
                + ",\"data\":{\"agent_id\":\"a\",\"conversation_id\":\"" + conversationId + "\",\"transcript\":[]}}")
                .getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(stack.uri())
                .header("ElevenLabs-Signature", WebhookSigner.header(body, SECRET, Instant.now()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private WebhookStack stack(Path inbox) throws Exception {
        return WebhookStack.builder().filterParam("secret", SECRET).servletParam("inbox-dir", inbox.toString())
                .start();
    }

    private static void replaceByFile(Path directory) throws Exception {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        Files.writeString(directory, "not a directory"); // as root a chmod would not stop writes
    }

    @Test
    void theExtensionAddsTheCheckAndItFollowsTheInbox() throws Exception {
        Path inbox = dir.resolve("inbox");
        HealthCheck check;
        try (WebhookStack stack = stack(inbox)) {
            check = stack.bean(HealthCheck.class, Readiness.Literal.INSTANCE);
            assertThat(check).isInstanceOf(ReadinessCheck.class);
            HealthCheckResponse response = check.call();
            assertThat(response.getName()).isEqualTo("postcall");
            assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
            Map<String, Object> data = response.getData().orElseThrow();
            assertThat(data).containsEntry("webhooks", 1L).containsEntry("postcall.status", "UP")
                    .containsEntry("postcall.secrets", 1L).containsEntry("postcall.inboxFailed", 0L)
                    .containsEntry("postcall.inbox", inbox.toAbsolutePath().toString())
                    .doesNotContainKey("postcall.warning");

            assertThat(post(stack, "conv_hostile_fail_health")).isEqualTo(200); // the observer throws: kept
            response = check.call();
            assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
            assertThat(response.getData().orElseThrow()).containsEntry("postcall.inboxFailed", 1L);
            assertThat((String) response.getData().orElseThrow().get("postcall.warning"))
                    .startsWith("1 delivery waits in ");

            replaceByFile(inbox);
            response = check.call();
            assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
            assertThat((String) response.getData().orElseThrow().get("postcall.problem"))
                    .startsWith("inbox " + inbox.toAbsolutePath() + " cannot be written (");
        }
        assertThat(check.call().getData().orElseThrow()).containsEntry("webhooks", 0L);
    }

    @Test
    void smallRyeHealthReportsTheCheckInTheApplicationsOwnContainer() throws Exception {
        Path inbox = dir.resolve("inbox");
        try (WebhookStack stack = stack(inbox)) {
            SmallRyeHealthReporter reporter = stack.bean(SmallRyeHealthReporter.class);
            SmallRyeHealth ready = reporter.getReadiness();
            System.out.println("readiness, inbox writable: " + ready.getPayload());
            assertThat(ready.isDown()).isFalse();
            JsonObject postcall = check(ready);
            assertThat(postcall.getString("status")).isEqualTo("UP");
            assertThat(postcall.getJsonObject("data").getJsonNumber("postcall.secrets").longValue()).isEqualTo(1);

            assertThat(post(stack, "conv_ok_health")).isEqualTo(200);
            replaceByFile(inbox);
            ready = reporter.getReadiness();
            System.out.println("readiness, inbox replaced by a file: " + ready.getPayload());
            assertThat(ready.isDown()).isTrue();
            assertThat(ready.getPayload().getString("status")).isEqualTo("DOWN");
            assertThat(check(ready).getJsonObject("data").getString("postcall.problem")).contains("cannot be written");
        }
    }

    private static JsonObject check(SmallRyeHealth health) {
        return health.getPayload().getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> c.getString("name").equals("postcall")).findFirst().orElseThrow();
    }
}
