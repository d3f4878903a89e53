package dev.postcall.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.postcall.signature.WebhookSigner;
import dev.postcall.testsupport.LogCapture;

/**
 * Rejections over real HTTP: each reason logged at WARNING with its problem type and the client's address, and a
 * flood of 1,000 forged requests logged in one line per 10 s, the next one saying how many were left out.
 */
class RejectionLogTest {
    static final String MARKER = "numbat-transcript-8J3Q";
    static final byte[] BODY = ("{\"type\":\"post_call_transcription\",\"event_timestamp\":1761400000,\"data\":{"
            + "\"conversation_id\":\"conv_r\",\"transcript\":[{\"role\":\"user\",\"message\":\"" + MARKER + "\"}]}}")
            .getBytes(StandardCharsets.UTF_8);
    private static final Pattern MORE = Pattern.compile("\\((\\d+) more signature-mismatch rejections since");

    private LogCapture logs;
    private final Set<String> signatures = new HashSet<>();

    @BeforeEach
    void capture() {
        logs = LogCapture.install();
    }

    @AfterEach
    void release() {
        logs.uninstall();
        String text = logs.text();
        assertThat(text).doesNotContain(MARKER, TestServer.SECRET, TestServer.SECRET.substring(5));
        for (String signature : signatures) {
            assertThat(text).doesNotContain(signature);
        }
    }

    private String signed(long t) {
        String header = WebhookSigner.header(BODY, TestServer.SECRET, Instant.ofEpochSecond(t));
        signatures.add(header.substring(header.indexOf("v0=") + 3));
        return header;
    }

    @Test
    void logsEachReasonAtWarningWithTheClientAddress() throws Exception {
        try (TestServer server = TestServer.builder().param("max-body-size", "64").start()) {
            long now = Instant.now().getEpochSecond();
            assertThat(TestServer.send(HttpRequest.newBuilder(server.uri()).GET().build()).statusCode())
                    .isEqualTo(405);
            assertThat(server.post(BODY, null, Map.of()).statusCode()).isEqualTo(401);
            assertThat(server.post(BODY, "t=abc,v0=zz", Map.of()).statusCode()).isEqualTo(401);
            assertThat(server.post(BODY, signed(now - 3600), Map.of()).statusCode()).isEqualTo(401);
            assertThat(server.post(BODY, signed(now + 3600), Map.of()).statusCode()).isEqualTo(401);
            assertThat(server.post(BODY, signed(now), Map.of()).statusCode()).as("over 64 bytes").isEqualTo(413);
            byte[] small = "{\"type\":\"x\",\"data\":{}}".getBytes(StandardCharsets.UTF_8);
            assertThat(server.post(small, "t=" + now + ",v0=" + "ab".repeat(32), Map.of()).statusCode())
                    .isEqualTo(401);
            bodyStopsHalfway(server, now);

            String from = " from 127.0.0.1: ";
            assertThat(logs.records("WARNING", "rejected GET /webhook" + from + "405 method-not-allowed")).hasSize(1);
            for (String reason : List.of("401 signature-header-missing", "401 signature-header-malformed",
                    "401 timestamp-too-old", "401 timestamp-in-future", "413 body-too-large",
                    "401 signature-mismatch", "400 body-incomplete")) {
                assertThat(logs.records("WARNING", "rejected POST /webhook" + from + reason)).as(reason).hasSize(1);
            }
            assertThat(server.webhook().statistics().rejections()).containsEntry("method-not-allowed", 1L)
                    .containsEntry("signature-mismatch", 1L).containsEntry("body-incomplete", 1L)
                    .containsEntry("address-not-allowed", 0L);
        }
        try (TestServer server = TestServer.builder().param("ip-allowlist", "10.0.0.0/8")
                .param("trusted-proxies", "127.0.0.1").start()) {
            HttpResponse<String> response = server.post(BODY, signed(Instant.now().getEpochSecond()),
                    Map.of("X-Forwarded-For", "203.0.113.9"));
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(logs.records("WARNING", "rejected POST /webhook from 203.0.113.9 (via 127.0.0.1): 403"
                    + " address-not-allowed")).hasSize(1);
        }
    }

    /** Declares more than it sends, then stops sending: the filter cannot read the whole body. */
    private void bodyStopsHalfway(TestServer server, long now) throws Exception {
        byte[] small = "{\"type\":\"x\"".getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(server.uri().getHost(), server.uri().getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /webhook HTTP/1.1\r\nHost: localhost\r\nContent-Length: 60\r\n"
                    + "ElevenLabs-Signature: t=" + now + ",v0=" + "cd".repeat(32) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(small);
            out.flush();
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            in.readAllBytes(); // whatever answer, until the server closes
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (logs.records("WARNING", "400 body-incomplete").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @Test
    void aThousandForgedRequestsMakeOneLinePerTenSecondsAndTheNextSaysHowManyWereLeftOut() throws Exception {
        AtomicLong ticker = new AtomicLong(1_000_000_000L);
        try (TestServer server = TestServer.builder().filterTicker(ticker::get).start()) {
            String forged = "t=" + Instant.now().getEpochSecond() + ",v0=" + "e".repeat(64);
            for (int i = 0; i < 1000; i++) {
                assertThat(server.post(BODY, forged, Map.of()).statusCode()).isEqualTo(401);
                ticker.addAndGet(RejectionLog.WINDOW_SECONDS * 1_000_000_000L / 1000 - 1); // 9.99 s in all
            }
            assertThat(logs.records("WARNING", "401 signature-mismatch")).as("one line in the window").hasSize(1);

            ticker.addAndGet(RejectionLog.WINDOW_SECONDS * 1_000_000_000L);
            assertThat(server.post(BODY, forged, Map.of()).statusCode()).isEqualTo(401);

            List<String> lines = logs.records("WARNING", "401 signature-mismatch");
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).doesNotContain("more");
            Matcher more = MORE.matcher(lines.get(1));
            assertThat(more.find()).isTrue();
            assertThat(Long.parseLong(more.group(1))).as("the ones left out, counted").isEqualTo(999);
            assertThat(lines.get(1)).contains("more signature-mismatch rejections since the last such"
                    + " line were not logged; at most one line per reason per 10 s");
            assertThat(logs.records("FINE", "401 signature-mismatch")).as("at DEBUG, the ones left out")
                    .hasSize(999);
            assertThat(server.webhook().statistics().rejections()).containsEntry("signature-mismatch", 1001L);
        }
    }

    @Test
    void whatTheWindowHeldBackIsCountedInOneLineWhenTheFilterStops() throws Exception {
        try (TestServer server = TestServer.start()) {
            String forged = "t=" + Instant.now().getEpochSecond() + ",v0=" + "e".repeat(64);
            for (int i = 0; i < 3; i++) {
                assertThat(server.post(BODY, forged, Map.of()).statusCode()).isEqualTo(401);
            }
        }

        assertThat(logs.records("WARNING", "401 signature-mismatch")).as("one line in the window").hasSize(1);
        assertThat(logs.records("WARNING", "2 more signature-mismatch rejections by webhook '")).singleElement()
                .asString().contains("were not logged before it stopped").doesNotContain("e".repeat(64));
    }
}
