package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.postcall.signature.WebhookSigner;

/**
 * An application with Spring Boot Actuator (and so Micrometer): the health indicator {@code postcall} on
 * {@code /actuator/health} and the webhook's meters on {@code /actuator/metrics}, after real deliveries. Runs in
 * the surefire execution {@code actuator}, the only one with Actuator on the class path. Ordered: the last tests
 * break the inbox.
 */
@Tag("actuator")
@SpringBootTest(classes = ActuatorTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"postcall.secret=" + Webhook.SECRET, "management.endpoints.web.exposure.include=health,metrics",
                "management.endpoint.health.show-details=always"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ActuatorTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Recorder.class)
    static class App {
    }

    static final Path INBOX;

    static {
        try {
            INBOX = Files.createTempDirectory("postcall-actuator-inbox-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void inbox(DynamicPropertyRegistry registry) {
        registry.add("postcall.inbox-dir", INBOX::toString);
    }

    @AfterAll
    static void deleteInbox() throws IOException {
        restoreStaging();
        try (Stream<Path> files = Files.walk(INBOX)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Value("${local.server.port}")
    int port;

    @Autowired
    Recorder recorder;

    @BeforeEach
    void reset() {
        recorder.reset();
    }

    @Test
    @Order(1)
    void healthIsUpWithTheWebhooksDetails() throws Exception {
        HttpResponse<String> overall = Webhook.get(port, "/actuator/health");
        assertThat(overall.statusCode()).isEqualTo(200);
        JsonObject postcall = json(overall).getJsonObject("components").getJsonObject("postcall");
        assertThat(postcall.getString("status")).isEqualTo("UP");

        HttpResponse<String> own = Webhook.get(port, "/actuator/health/postcall");
        assertThat(own.statusCode()).isEqualTo(200);
        JsonObject health = json(own);
        assertThat(health.getString("status")).isEqualTo("UP");
        JsonObject details = health.getJsonObject("details");
        assertThat(details.getInt("secrets")).isEqualTo(1);
        assertThat(details.getString("inbox")).isEqualTo(INBOX.toAbsolutePath().toString());
        assertThat(details.getInt("inboxFailed")).isZero();
        assertThat(details.containsKey("problem")).isFalse();
        assertThat(details.containsKey("warning")).isFalse();
        assertThat(own.body()).doesNotContain(Webhook.SECRET);
    }

    @Test
    @Order(2)
    void deliveriesAndRejectionsAreMetersOfTheApplicationsRegistry() throws Exception {
        Map<String, Double> before = deliveries();
        double forgedBefore = count("postcall.rejections", "reason:signature-mismatch");

        for (int i = 0; i < 3; i++) {
            assertThat(Webhook.postSigned(port, Fixtures.withIds("transcription-minimal.json", "agent_m",
                    "conv_meter_" + i)).statusCode()).isEqualTo(200);
        }
        byte[] body = Fixtures.withIds("transcription-minimal.json", "agent_m", "conv_meter_forged");
        for (int i = 0; i < 2; i++) {
            String forged = WebhookSigner.header(body, "wsec_not_the_secret_0123456789abcdef", Instant.now());
            assertThat(Webhook.post(port, body, forged).statusCode()).isEqualTo(401);
        }

        HttpResponse<String> all = Webhook.get(port, "/actuator/metrics/postcall.deliveries");
        assertThat(all.statusCode()).isEqualTo(200);
        JsonObject meter = json(all);
        assertThat(meter.getJsonArray("availableTags").stream()
                .map(tag -> tag.asJsonObject().getString("tag"))).contains("type", "outcome");
        assertThat(count("postcall.deliveries", "type:post_call_transcription", "outcome:handled")
                - before.get("handled")).isEqualTo(3.0);
        assertThat(count("postcall.rejections", "reason:signature-mismatch") - forgedBefore).isEqualTo(2.0);
        assertThat(Webhook.get(port, "/actuator/metrics/postcall.inbox.failed").statusCode()).isEqualTo(200);
        assertThat(Webhook.get(port, "/actuator/metrics/postcall.handling").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void aDeliveryKeptInFailedIsAWarningWithItsCount() throws Exception {
        recorder.failWith = new IllegalStateException("the listener failed");
        try {
            assertThat(Webhook.postSigned(port, Fixtures.withIds("transcription-minimal.json", "agent_m",
                    "conv_kept")).statusCode()).isEqualTo(200);
        } finally {
            recorder.failWith = null;
        }

        // the delivery was kept before it was answered, and the health counts failed/ afresh on every call (the
        // gauge then reads that count): no waiting
        HttpResponse<String> own = Webhook.get(port, "/actuator/health/postcall");
        assertThat(own.statusCode()).isEqualTo(200);
        JsonObject health = json(own);
        assertThat(health.getString("status")).isEqualTo("UP");
        JsonObject details = health.getJsonObject("details");
        assertThat(details.getInt("inboxFailed")).isEqualTo(1);
        assertThat(details.getString("warning")).contains("1 delivery waits").contains("failed");
        assertThat(count("postcall.inbox.failed")).isEqualTo(1.0);
        assertThat(count("postcall.deliveries", "type:post_call_transcription", "outcome:kept")).isEqualTo(1.0);
    }

    @Test
    @Order(4)
    void anInboxMadeUnwritableIsDownWith503() throws Exception {
        Path staging = INBOX.resolve("tmp");
        Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Assumptions.assumeFalse(Files.isWritable(staging), "running as a user who can write read-only"
                    + " directories (root): chmod cannot make the inbox unwritable; the next test breaks it another way");
            assertDown();
        } finally {
            Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwx------"));
        }
        assertThat(Webhook.get(port, "/actuator/health/postcall").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(5)
    void anInboxWhoseStagingAreaIsBrokenIsDownWith503() throws Exception {
        // the failure a full disk or a read-only mount gives, reproducible as root too
        Path staging = INBOX.resolve("tmp");
        try (Stream<Path> left = Files.list(staging)) {
            assertThat(left).isEmpty();
        }
        Files.delete(staging);
        Files.writeString(staging, "not a directory");
        try {
            assertDown();
            assertThat(Webhook.postSigned(port, Fixtures.withIds("transcription-minimal.json", "agent_m",
                    "conv_down")).statusCode()).isEqualTo(503);
        } finally {
            restoreStaging();
        }
        assertThat(Webhook.get(port, "/actuator/health/postcall").statusCode()).isEqualTo(200);
        assertThat(Webhook.get(port, "/actuator/health").statusCode()).isEqualTo(200);
    }

    private void assertDown() throws Exception {
        HttpResponse<String> own = Webhook.get(port, "/actuator/health/postcall");
        assertThat(own.statusCode()).isEqualTo(503);
        JsonObject health = json(own);
        assertThat(health.getString("status")).isEqualTo("DOWN");
        assertThat(health.getJsonObject("details").getString("problem")).contains("cannot be written");
        HttpResponse<String> overall = Webhook.get(port, "/actuator/health");
        assertThat(overall.statusCode()).isEqualTo(503);
        assertThat(json(overall).getString("status")).isEqualTo("DOWN");
    }

    private static void restoreStaging() throws IOException {
        Path staging = INBOX.resolve("tmp");
        if (Files.isRegularFile(staging)) {
            Files.delete(staging);
        }
        if (Files.notExists(staging)) {
            Files.createDirectory(staging);
        }
        Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwx------"));
    }

    /** The handled count before, per outcome, so the test counts its own deliveries. */
    private Map<String, Double> deliveries() throws Exception {
        Map<String, Double> counts = new HashMap<>();
        counts.put("handled", count("postcall.deliveries", "type:post_call_transcription", "outcome:handled"));
        return counts;
    }

    /** The meter's {@code COUNT} or {@code VALUE} measurement, for the tags given as {@code name:value}. */
    private double count(String meter, String... tags) throws Exception {
        StringBuilder path = new StringBuilder("/actuator/metrics/").append(meter);
        for (int i = 0; i < tags.length; i++) {
            path.append(i == 0 ? '?' : '&').append("tag=").append(tags[i]);
        }
        HttpResponse<String> response = Webhook.get(port, path.toString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        JsonArray measurements = json(response).getJsonArray("measurements");
        for (JsonValue measurement : measurements) {
            String statistic = measurement.asJsonObject().getString("statistic");
            if (statistic.equals("COUNT") || statistic.equals("VALUE")) {
                return measurement.asJsonObject().getJsonNumber("value").doubleValue();
            }
        }
        throw new AssertionError(path + " has no COUNT or VALUE: " + response.body());
    }

    private static JsonObject json(HttpResponse<String> response) {
        return Json.createReader(new StringReader(response.body())).readObject();
    }
}
