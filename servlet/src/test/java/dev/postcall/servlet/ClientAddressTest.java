package dev.postcall.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.postcall.signature.WebhookSigner;

/** Which address the filter judges a request to come from, and the allowlist over real HTTP. */
class ClientAddressTest {
    private static final byte[] BODY = ("{\"type\":\"conversation_escalated\",\"event_timestamp\":1,\"data\":"
            + "{\"conversation_id\":\"conv_x\"}}").getBytes(StandardCharsets.UTF_8);

    private static HttpResponse<String> postWithForwardedFor(TestServer server, String... xff) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri())
                .header(PostCallWebhookFilter.SIGNATURE_HEADER, WebhookSigner.header(BODY, TestServer.SECRET,
                        Instant.now()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(BODY));
        for (String line : xff) {
            request.header("X-Forwarded-For", line);
        }
        return TestServer.send(request.build());
    }

    @Test
    void ignoresForwardedForFromAnUntrustedPeer() throws Exception {
        try (TestServer server = TestServer.builder().param("ip-allowlist", "elevenlabs")
                .param("trusted-proxies", "10.0.0.0/8").start()) {
            assertThat(postWithForwardedFor(server, "34.67.146.145").statusCode()).isEqualTo(403);
            assertThat(server.handler.events()).isEmpty();
        }
        try (TestServer server = TestServer.builder().param("ip-allowlist", "127.0.0.1").start()) {
            assertThat(postWithForwardedFor(server, "203.0.113.9").statusCode()).isEqualTo(200);
            assertThat(server.handler.events()).hasSize(1);
        }
    }

    @Test
    void believesForwardedForFromATrustedProxyReadingFromTheRight() throws Exception {
        try (TestServer server = TestServer.builder().param("ip-allowlist", "elevenlabs")
                .param("trusted-proxies", "127.0.0.1, 10.0.0.0/8").start()) {
            assertThat(postWithForwardedFor(server, "34.67.146.145").statusCode()).isEqualTo(200);
            assertThat(postWithForwardedFor(server, "203.0.113.9").statusCode()).isEqualTo(403);
            // the client forged the left part; the first untrusted hop from the right is the real sender
            assertThat(postWithForwardedFor(server, "34.67.146.145, 203.0.113.9").statusCode()).isEqualTo(403);
            assertThat(postWithForwardedFor(server, "203.0.113.9, 34.67.146.145, 10.1.1.1").statusCode())
                    .isEqualTo(200);
            // several header lines are one list, first line leftmost
            assertThat(postWithForwardedFor(server, "34.67.146.145", "10.1.1.1").statusCode()).isEqualTo(200);
            assertThat(postWithForwardedFor(server, "34.67.146.145", "203.0.113.9").statusCode()).isEqualTo(403);
            // a name is never looked up: the sender is unknown, so not allowed
            assertThat(postWithForwardedFor(server, "api.elevenlabs.io").statusCode()).isEqualTo(403);
            assertThat(postWithForwardedFor(server, "[::ffff:34.59.11.47]:4711").statusCode()).isEqualTo(200);
            assertThat(server.handler.events()).hasSize(4);
        }
    }

    @Test
    void theVerifiedDeliveryCarriesTheJudgedClientAddress() throws Exception {
        try (TestServer server = TestServer.builder().param("trusted-proxies", "127.0.0.1").servlet(
                new jakarta.servlet.http.HttpServlet() {
                    @Override
                    protected void doPost(jakarta.servlet.http.HttpServletRequest req,
                                          jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                        InetAddress client = VerifiedDelivery.of(req).clientAddress();
                        resp.getWriter().print(client == null ? "unknown" : client.getHostAddress());
                    }
                }).start()) {
            assertThat(postWithForwardedFor(server, "198.51.100.7").body()).isEqualTo("198.51.100.7");
            assertThat(postWithForwardedFor(server).body()).isEqualTo("127.0.0.1");
            assertThat(postWithForwardedFor(server, "not-an-address").body()).isEqualTo("unknown");
        }
    }

    @Test
    void servesIpv6Loopback() throws Exception {
        boolean ipv6 = true;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            probe.getLocalPort();
        } catch (Exception e) {
            ipv6 = false;
        }
        assumeTrue(ipv6, "no IPv6 loopback on this machine");
        try (TestServer server = TestServer.builder().host("::1").param("ip-allowlist", "::1/128").start()) {
            assertThat(server.uri().getHost()).isEqualTo("[::1]");
            assertThat(server.postSigned(BODY).statusCode()).isEqualTo(200);
        }
        try (TestServer server = TestServer.builder().host("::1").param("ip-allowlist", "127.0.0.0/8").start()) {
            assertThat(server.postSigned(BODY).statusCode()).isEqualTo(403);
            assertThat(server.handler.events()).isEmpty();
        }
    }

    @ParameterizedTest
    @CsvSource({
            "34.67.146.145, 22439291",
            "' 34.67.146.145 ', 22439291",
            "34.67.146.145:8080, 22439291",
            "[2001:db8::1], 20010db8000000000000000000000001",
            "[2001:db8::1]:443, 20010db8000000000000000000000001",
            "2001:db8::1, 20010db8000000000000000000000001",
            "0:0:0:0:0:0:0:1, 00000000000000000000000000000001",
            "[fe80::1%eth0], fe800000000000000000000000000001",
    })
    void readsTheAddressFormsContainersAndProxiesWrite(String text, String hex) {
        assertThat(ClientAddress.host(text, 0, text.length())).isEqualTo(HexFormat.of().parseHex(hex));
    }

    @ParameterizedTest
    @CsvSource({"unknown", "''", "[34.67.146.145]", "34.67.146.145:", "34.67.146.145:http", "[::1", "[::1]x",
            "[::1]:1234567", "_hidden", "localhost:80"})
    void treatsAnythingElseAsUnknown(String text) {
        assertThat(ClientAddress.host(text, 0, text.length())).isNull();
    }

}
