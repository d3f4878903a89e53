package dev.postcall.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook's numbers as Micrometer meters after real deliveries: in the registry the application put under
 * {@link PostCallWebhookFilter#METER_REGISTRY}, else in {@code Metrics.globalRegistry}; removed when it stops.
 */
class MicrometerMetersTest {

    @TempDir Path dir;

    private static double deliveries(MeterRegistry registry, String type, String outcome) {
        return registry.get("postcall.deliveries").tag("webhook", "postcall").tag("type", type)
                .tag("outcome", outcome).functionCounter().count();
    }

    @Test
    void theMetersOfTheRegistryInTheServletContextCountRealDeliveries() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (TestServer server = TestServer.builder().contextAttribute(PostCallWebhookFilter.METER_REGISTRY, registry)
                .servletParam("inbox-dir", dir.resolve("inbox").toString()).start()) {
            assertThat(server.postSigned(DeliveryLogTest.transcription("conv_mm1")).statusCode()).isEqualTo(200);
            assertThat(server.postSigned(DeliveryLogTest.transcription("conv_mm1")).statusCode()).isEqualTo(200);
            server.handler.failing(true);
            assertThat(server.postSigned(DeliveryLogTest.transcription("conv_mm2")).statusCode()).isEqualTo(200);
            for (int i = 0; i < 3; i++) {
                server.post(DeliveryLogTest.transcription("conv_forged"), "t=" + Instant.now().getEpochSecond()
                        + ",v0=" + "1".repeat(64), Map.of());
            }

            assertThat(deliveries(registry, "post_call_transcription", "handled")).isEqualTo(1);
            assertThat(deliveries(registry, "post_call_transcription", "duplicate")).isEqualTo(1);
            assertThat(deliveries(registry, "post_call_transcription", "kept")).isEqualTo(1);
            assertThat(deliveries(registry, "post_call_audio", "handled")).isZero();
            assertThat(registry.get("postcall.rejections").tag("reason", "signature-mismatch").functionCounter()
                    .count()).isEqualTo(3);
            assertThat(registry.get("postcall.handler.failures").functionCounter().count()).isEqualTo(1);
            Thread.sleep(1100); // the failed/ count is taken at most once a second
            assertThat(registry.get("postcall.inbox.failed").gauge().value()).isEqualTo(1);
            assertThat(registry.get("postcall.consecutive.failures").gauge().value()).isZero();
            FunctionTimer handling = registry.get("postcall.handling").tag("application", "/").functionTimer();
            assertThat(handling.count()).isEqualTo(3);
            assertThat(handling.totalTime(TimeUnit.NANOSECONDS)).isPositive();
            assertThat(registry.get("postcall.handling.max").timeGauge().value(TimeUnit.NANOSECONDS)).isPositive();
        }
        assertThat(registry.find("postcall.deliveries").meters()).as("removed when the webhook stopped").isEmpty();
    }

    @Test
    void withoutARegistryInTheContextTheMetersGoToTheGlobalRegistry() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Metrics.globalRegistry.add(registry);
        try (TestServer server = TestServer.start()) {
            assertThat(server.postSigned(DeliveryLogTest.transcription("conv_global")).statusCode()).isEqualTo(200);
            assertThat(deliveries(registry, "post_call_transcription", "handled")).isEqualTo(1);
            assertThat(deliveries(Metrics.globalRegistry, "post_call_transcription", "handled")).isEqualTo(1);
        } finally {
            Metrics.globalRegistry.remove(registry);
        }
        assertThat(Metrics.globalRegistry.find("postcall.deliveries").meters()).isEmpty();
    }
}
