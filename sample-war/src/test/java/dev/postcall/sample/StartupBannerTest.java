package dev.postcall.sample;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class StartupBannerTest {

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private URI serve(int... statuses) throws Exception {
        AtomicInteger asked = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            int i = asked.getAndIncrement();
            exchange.sendResponseHeaders(statuses[Math.min(i, statuses.length - 1)], -1);
            exchange.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/calls");
    }

    @Test
    void theBannerNamesThePageAndTheWebhookInAFrame() {
        String text = StartupBanner.text("http://127.0.0.1:8080/", true);

        assertThat(text.lines()).containsExactly("",
                "  " + "=".repeat(72),
                "    postcall sample is running: open http://127.0.0.1:8080/",
                "    webhook: http://127.0.0.1:8080/elevenlabs/webhook",
                "    Ctrl-C stops it",
                "  " + "=".repeat(72));
    }

    @Test
    void withoutASecretTheBannerWarnsThatEveryWebhookWillBeRefused() {
        assertThat(StartupBanner.text("http://127.0.0.1:8080/", false))
                .contains("    WARNING: ELEVENLABS_WEBHOOK_SECRET is not set: every webhook will be refused\n");
    }

    @Test
    void waitsUntilTheSampleAnswers200() throws Exception {
        URI probe = serve(503, 503, 200);

        assertThat(StartupBanner.awaitAnswer(probe, Duration.ofSeconds(30))).isTrue();
    }

    @Test
    void givesUpWhenNothingAnswers() throws Exception {
        URI probe = serve(404);

        assertThat(StartupBanner.awaitAnswer(probe, Duration.ofMillis(600))).isFalse();
    }
}
