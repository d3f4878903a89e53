package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import dev.postcall.signature.WebhookSigner;

/**
 * Every way a request is turned down, through Spring Boot's embedded server: the status, an
 * {@code application/problem+json} body of the right type, and no listener called. The settings come in Spring's
 * forms ({@code 1m}, {@code 1KB}, a list for the allowlist).
 */
class RejectionTest {
    static final byte[] BODY = Fixtures.withIds("transcription-minimal.json", "agent_r", "conv_rejected");

    static void assertRejected(HttpResponse<String> response, int status, String slug, Recorder recorder) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonObject problem = Webhook.problem(response);
        assertThat(problem.getString("type")).isEqualTo("https://postcall.dev/problems/" + slug);
        assertThat(problem.getInt("status")).isEqualTo(status);
        assertThat(response.body()).doesNotContain(Webhook.SECRET).doesNotContain("conv_rejected");
        assertThat(recorder.seen).isEmpty();
    }

    @Nested
    @SpringBootTest(classes = ListenerApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {"postcall.secret=" + Webhook.SECRET, "postcall.tolerance=1m", "postcall.max-body-size=1KB"})
    class WithSmallLimits {
        @Value("${local.server.port}")
        int port;

        @Autowired
        Recorder recorder;

        @BeforeEach
        void reset() {
            recorder.reset();
        }

        @Test
        void noSignatureHeaderIs401() throws Exception {
            byte[] small = "{\"type\":\"x\",\"data\":{}}".getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> response = Webhook.post(port, small, null);
            assertRejected(response, 401, "signature-header-missing", recorder);
        }

        @Test
        void anotherSecretsSignatureIs401() throws Exception {
            byte[] small = "{\"type\":\"x\",\"data\":{}}".getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> response = Webhook.post(port, small,
                    WebhookSigner.header(small, "wsec_someone_else", Instant.now()));
            assertRejected(response, 401, "signature-mismatch", recorder);
        }

        @Test
        void aSignatureOlderThanTheToleranceIs401() throws Exception {
            byte[] small = "{\"type\":\"x\",\"data\":{}}".getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> response = Webhook.post(port, small,
                    WebhookSigner.header(small, Webhook.SECRET, Instant.now().minusSeconds(120)));
            assertRejected(response, 401, "timestamp-too-old", recorder);
        }

        @Test
        void getIs405WithAllowPost() throws Exception {
            HttpResponse<String> response = Webhook.get(port, Webhook.PATH);
            assertRejected(response, 405, "method-not-allowed", recorder);
            assertThat(response.headers().firstValue("Allow")).hasValue("POST");
        }

        @Test
        void aBodyOverMaxBodySizeIs413DeclaredOrChunked() throws Exception {
            byte[] large = new byte[2048];
            Arrays.fill(large, (byte) ' ');
            System.arraycopy(BODY, 0, large, 0, Math.min(BODY.length, 100));
            String signature = WebhookSigner.header(large, Webhook.SECRET, Instant.now());
            assertRejected(Webhook.post(port, large, signature), 413, "body-too-large", recorder);

            HttpResponse<String> chunked = Webhook.send(HttpRequest.newBuilder(Webhook.uri(port))
                    .header("ElevenLabs-Signature", signature)
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(large)))
                    .build());
            assertRejected(chunked, 413, "body-too-large", recorder);
        }
    }

    @Nested
    @SpringBootTest(classes = ListenerApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {"postcall.secret=" + Webhook.SECRET, "postcall.ip-allowlist=elevenlabs, 10.0.0.0/8"})
    class WithAnAllowlist {
        @Value("${local.server.port}")
        int port;

        @Autowired
        Recorder recorder;

        @Test
        void aSenderOutsideTheAllowlistIs403() throws Exception {
            recorder.reset();
            assertRejected(Webhook.postSigned(port, BODY), 403, "address-not-allowed", recorder);
        }
    }
}
