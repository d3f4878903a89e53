package dev.postcall.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.postcall.signature.WebhookSigner;

/** One test per way a request is turned down: the status, the problem type, and that no handler ran. */
class RejectionTest {
    private static final byte[] BODY = ("{\"type\":\"post_call_audio\",\"event_timestamp\":1761400000,\"data\":"
            + "{\"agent_id\":\"agent_01\",\"conversation_id\":\"conv_01\",\"full_audio\":\"SUQz\"}}")
            .getBytes(StandardCharsets.UTF_8);

    private TestServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private void assertRejected(HttpResponse<String> response, int status, String slug) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonObject problem = TestServer.problem(response);
        assertThat(problem.getString("type")).isEqualTo("https://postcall.dev/problems/" + slug);
        assertThat(problem.getInt("status")).isEqualTo(status);
        assertThat(problem.getString("title")).isNotBlank();
        assertThat(problem.getString("detail")).isNotBlank();
        assertThat(response.body()).doesNotContain(TestServer.SECRET).doesNotContain("conv_01")
                .doesNotContain("Exception");
        assertThat(server.handler.events()).isEmpty();
    }

    @Test
    void rejectsAnAddressOutsideTheAllowlistWith403() throws Exception {
        server = TestServer.builder().param("ip-allowlist", "elevenlabs, 10.0.0.0/8").start();
        assertRejected(server.postSigned(BODY), 403, "address-not-allowed");
    }

    @Test
    void rejectsGetWith405AndAllowPost() throws Exception {
        server = TestServer.start();
        HttpResponse<String> response = TestServer.send(HttpRequest.newBuilder(server.uri()).GET().build());
        assertRejected(response, 405, "method-not-allowed");
        assertThat(response.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void rejectsPutWith405EvenWhenSigned() throws Exception {
        server = TestServer.start();
        HttpResponse<String> response = TestServer.send(HttpRequest.newBuilder(server.uri())
                .header(PostCallWebhookFilter.SIGNATURE_HEADER, WebhookSigner.header(BODY, TestServer.SECRET,
                        Instant.now()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(BODY)).build());
        assertRejected(response, 405, "method-not-allowed");
    }

    @Test
    void rejectsAMissingSignatureHeaderWith401() throws Exception {
        server = TestServer.start();
        HttpResponse<String> response = server.post(BODY, null, Map.of());
        assertRejected(response, 401, "signature-header-missing");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("ElevenLabs-Signature");
    }

    @Test
    void aRefusedHeaderWithABodyOverTheDrainLimitClosesTheConnectionWithoutReadingIt() throws Exception {
        server = TestServer.start();
        // the body is declared and never sent: the answer must come without it (a client that is still writing a
        // large body when the server closes may see the connection reset before it reads the answer, so the
        // answer is read here without racing a body)
        String refused = "POST " + server.uri().getRawPath() + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + (PostCallWebhookFilter.DRAIN_LIMIT + 1)
                + "\r\n" + PostCallWebhookFilter.SIGNATURE_HEADER + ": t=1,v0=" + "0".repeat(64) + "\r\n\r\n";
        try (java.net.Socket socket = new java.net.Socket(server.uri().getHost(), server.uri().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(refused.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            java.io.InputStream in = socket.getInputStream();
            String response = readResponse(in);
            assertThat(response).startsWith("HTTP/1.1 401").containsIgnoringCase("connection: close")
                    .containsIgnoringCase("content-type: application/problem+json");
            JsonObject problem = jakarta.json.Json.createReader(new java.io.StringReader(
                    response.substring(response.indexOf("\r\n\r\n") + 4))).readObject();
            assertThat(problem.getString("type")).isEqualTo("https://postcall.dev/problems/timestamp-too-old");
            assertThat(problem.getInt("status")).isEqualTo(401);
            assertThat(problem.getString("title")).isNotBlank();
            assertThat(problem.getString("detail")).isNotBlank();
            assertThat(in.read()).as("the connection closed, the body left unread").isEqualTo(-1);
        }
        assertThat(server.handler.events()).isEmpty();
    }

    @Test
    void aRefusedHeaderWithASmallBodyKeepsTheConnectionForTheNextRequest() throws Exception {
        server = TestServer.start();
        String stale = "POST " + server.uri().getRawPath() + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + BODY.length + "\r\n"
                + PostCallWebhookFilter.SIGNATURE_HEADER + ": t=1,v0=" + "0".repeat(64) + "\r\n\r\n";
        String get = "GET " + server.uri().getRawPath() + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
        try (java.net.Socket socket = new java.net.Socket(server.uri().getHost(), server.uri().getPort())) {
            socket.setSoTimeout(10_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(stale.getBytes(StandardCharsets.US_ASCII));
            out.write(BODY);
            out.flush();
            java.io.InputStream in = socket.getInputStream();
            String first = readResponse(in);
            assertThat(first).startsWith("HTTP/1.1 401").doesNotContainIgnoringCase("connection: close")
                    .contains("timestamp-too-old");
            out.write(get.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readResponse(in)).as("the second request, on the same connection").startsWith("HTTP/1.1 405");
        }
        assertThat(server.handler.events()).isEmpty();
    }

    @Test
    void anAddressOutsideTheAllowlistIsRefusedWithoutReadingItsBody() throws Exception {
        server = TestServer.builder().param("ip-allowlist", "elevenlabs").start();
        HttpResponse<String> response = server.postSigned(BODY);
        assertRejected(response, 403, "address-not-allowed");
        assertThat(response.headers().firstValue("Connection")).hasValue("close");
    }

    /** One HTTP/1.1 response with a Content-Length body, read byte by byte so nothing of the next one is taken. */
    private static String readResponse(java.io.InputStream in) throws java.io.IOException {
        java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException("the connection closed: " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(headers);
        int size = length.find() ? Integer.parseInt(length.group(1)) : 0;
        return headers + new String(in.readNBytes(size), StandardCharsets.UTF_8);
    }

    @Test
    void aRejectionWithoutABodyKeepsTheConnection() throws Exception {
        server = TestServer.start();
        HttpResponse<String> response = TestServer.send(HttpRequest.newBuilder(server.uri()).GET().build());
        assertRejected(response, 405, "method-not-allowed");
        assertThat(response.headers().firstValue("Connection")).isEmpty();
    }

    @Test
    void rejectsANonNumericTimestampWith401NotA500() throws Exception {
        server = TestServer.start();
        String good = WebhookSigner.header(BODY, TestServer.SECRET, Instant.now());
        String bad = "t=abc," + good.substring(good.indexOf("v0="));
        assertRejected(server.post(BODY, bad, Map.of()), 401, "signature-header-malformed");
    }

    @Test
    void rejectsAHeaderWithoutV0With401() throws Exception {
        server = TestServer.start();
        assertRejected(server.post(BODY, "t=" + Instant.now().getEpochSecond(), Map.of()), 401,
                "signature-header-malformed");
    }

    @Test
    void rejectsATimestampOlderThanToleranceWith401() throws Exception {
        server = TestServer.builder().param("tolerance", "10m").start();
        String header = WebhookSigner.header(BODY, TestServer.SECRET, Instant.now().minusSeconds(11 * 60));
        assertRejected(server.post(BODY, header, Map.of()), 401, "timestamp-too-old");
    }

    @Test
    void rejectsATimestampBeyondTheFutureSkewWith401() throws Exception {
        server = TestServer.builder().param("future-skew", "PT1M").start();
        String header = WebhookSigner.header(BODY, TestServer.SECRET, Instant.now().plusSeconds(5 * 60));
        assertRejected(server.post(BODY, header, Map.of()), 401, "timestamp-in-future");
    }

    @Test
    void rejectsADeclaredContentLengthOverTheLimitWith413() throws Exception {
        server = TestServer.builder().param("max-body-size", "100").start();
        assertRejected(server.postSigned(BODY), 413, "body-too-large");
    }

    @Test
    void aDeclaredContentLengthOverTheLimitIsJudgedOnlyAfterTheSignatureHeaderAndTimestamp() throws Exception {
        server = TestServer.builder().param("max-body-size", "100").param("tolerance", "10m").start();
        assertRejected(server.post(BODY, null, Map.of()), 401, "signature-header-missing");
        String stale = WebhookSigner.header(BODY, TestServer.SECRET, Instant.now().minusSeconds(11 * 60));
        assertRejected(server.post(BODY, stale, Map.of()), 401, "timestamp-too-old");
        assertRejected(server.postSigned(BODY), 413, "body-too-large");
    }

    @Test
    void rejectsAChunkedBodyOverTheLimitWith413() throws Exception {
        server = TestServer.builder().param("max-body-size", "100").start();
        HttpResponse<String> response = server.postChunked(new ByteArrayInputStream(BODY),
                WebhookSigner.header(BODY, TestServer.SECRET, Instant.now()));
        assertRejected(response, 413, "body-too-large");
    }

    @Test
    void rejectsABodySignedWithAnotherSecretWith401() throws Exception {
        server = TestServer.start();
        String header = WebhookSigner.header(BODY, "wsec_another", Instant.now());
        assertRejected(server.post(BODY, header, Map.of()), 401, "signature-mismatch");
    }

    @Test
    void rejectsATamperedBodyWith401() throws Exception {
        server = TestServer.start();
        String header = WebhookSigner.header(BODY, TestServer.SECRET, Instant.now());
        byte[] tampered = BODY.clone();
        tampered[tampered.length - 3] = 'x';
        assertRejected(server.post(tampered, header, Map.of()), 401, "signature-mismatch");
    }

    @Test
    void rejectsAVerifiedBodyThatIsNotAnEventWith400() throws Exception {
        server = TestServer.start();
        assertRejected(server.postSigned("not json at all".getBytes(StandardCharsets.UTF_8)), 400,
                "malformed-event");
        assertRejected(server.postSigned("{\"data\":{}}".getBytes(StandardCharsets.UTF_8)), 400, "malformed-event");
    }

    @Test
    void answers500WhenAHandlerThrows() throws Exception {
        server = TestServer.start();
        server.handler.failing(true);
        HttpResponse<String> response = server.postSigned(BODY);
        assertThat(response.statusCode()).isEqualTo(500);
        JsonObject problem = TestServer.problem(response);
        assertThat(problem.getString("type")).isEqualTo("https://postcall.dev/problems/handler-failed");
        assertThat(problem.containsKey("kept")).as("no inbox keeps it").isFalse();
        assertThat(response.body()).doesNotContain("told to fail").doesNotContain("conv_01");
        assertThat(server.handler.events()).hasSize(1);
    }

    @Test
    void servletWithoutTheFilterFailsClosedWith500() throws Exception {
        server = TestServer.builder().withoutFilter().start();
        assertRejected(server.postSigned(BODY), 500, "filter-missing");
    }

    @Test
    void acceptsAGoodDeliveryWithExactly200AndATinyJsonBody() throws Exception {
        server = TestServer.start();
        HttpResponse<String> response = server.postSigned(BODY);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(response.body()).isEqualTo("{\"received\":true}");
        assertThat(server.handler.events()).singleElement()
                .satisfies(e -> assertThat(e.conversationId()).isEqualTo("conv_01"));
    }
}
