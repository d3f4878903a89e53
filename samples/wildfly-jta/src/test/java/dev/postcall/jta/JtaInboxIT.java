package dev.postcall.jta;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.postcall.signature.WebhookSigner;

/**
 * On a real WildFly, the application's JTA transaction is open around the webhook and rolled back after it: the
 * database inbox over a {@code jta="false"} datasource keeps the delivery all the same (committed on its own
 * connection before the handler ran); over a JTA-bound datasource the store cannot commit, so the delivery is
 * answered 503 and never dispatched.
 */
class JtaInboxIT {
    private static final String BASE = System.getProperty("postcall.baseUrl", "http://localhost:19180");
    private static final String SECRET = System.getProperty("postcall.jta.secret");
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private static HttpResponse<String> deliver(String path, String conversation) throws Exception {
        byte[] body = ("{\"type\":\"post_call_transcription\",\"event_timestamp\":1761400000,\"data\":{\"agent_id\":"
                + "\"a1\",\"conversation_id\":\"" + conversation + "\",\"status\":\"done\",\"transcript\":[]}}")
                .getBytes(StandardCharsets.UTF_8);
        return CLIENT.send(HttpRequest.newBuilder(URI.create(BASE + path))
                .header("ElevenLabs-Signature", WebhookSigner.header(body, SECRET, Instant.now()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String rows(String dataSource) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(BASE + "/rows?ds=" + dataSource)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void overANonJtaDataSourceTheDeliveryIsKeptThoughTheApplicationsTransactionRolledBack() throws Exception {
        HttpResponse<String> response = deliver("/webhook", "conv_jta_false");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(rows("java:jboss/datasources/PostcallInbox")).isEqualTo("failed 1\n");
    }

    @Test
    void overAJtaBoundDataSourceTheStoreCannotCommitSoTheDeliveryIsAnswered503() throws Exception {
        HttpResponse<String> response = deliver("/webhook-jta", "conv_jta_true");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.body()).contains("inbox-unavailable");
        assertThat(rows("java:jboss/datasources/PostcallInboxJta")).isEmpty();
    }
}
