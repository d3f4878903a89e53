package dev.postcall.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
    void backfillsMetersCountWhatItDispatchedAndShowTheWebhookElevenLabsDisabledWithoutAConversationInATag()
            throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        long now = Instant.now().getEpochSecond();
        try (dev.postcall.testsupport.ElevenLabsApiStandIn api = dev.postcall.testsupport.ElevenLabsApiStandIn
                .start(BackfillEndToEndTest.KEY)) {
            api.conversation("conv_meter_backfill", "agent_1", now - 600, 30);
            api.webhook("wh_1", "postcall").autoDisabled(true).failed(502, now - 60);
            try (TestServer server = TestServer.builder()
                    .contextAttribute(PostCallWebhookFilter.METER_REGISTRY, registry)
                    .servletParam("inbox-dir", dir.resolve("inbox").toString())
                    .servletParam("backfill-api-key", BackfillEndToEndTest.KEY)
                    .servletParam("backfill-base-url", api.baseUrl().toString())
                    .servletParam("backfill-interval", "1h").start()) {
                BackfillEndToEndTest.firstRun(server);

                assertThat(registry.get("postcall.backfill.deliveries").tag("outcome", "handled").functionCounter()
                        .count()).isEqualTo(1);
                assertThat(deliveries(registry, "post_call_transcription", "handled")).isEqualTo(1);
                assertThat(registry.get("postcall.elevenlabs.webhooks.off").tag("reason", "auto-disabled").gauge()
                        .value()).isEqualTo(1);
                assertThat(registry.get("postcall.elevenlabs.webhook.last.failure").gauge().value())
                        .isEqualTo(now - 60);
                assertThat(registry.get("postcall.backfill.key.rejected").gauge().value()).isZero();
                assertThat(registry.get("postcall.backfill.watermark.age").timeGauge().value(TimeUnit.SECONDS))
                        .isBetween(0.0, 60.0);
                assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTags().toString())
                        .doesNotContain("conv_"));
            }
            assertThat(registry.find("postcall.backfill.deliveries").meters()).as("removed with the webhook")
                    .isEmpty();
        }
    }

    @Test
    void theMetersOfTheRegistryInTheServletContextCountRealDeliveries() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (TestServer server = TestServer.builder().contextAttribute(PostCallWebhookFilter.METER_REGISTRY, registry)
                .servletParam("inbox-dir", dir.resolve("inbox").toString()).start()) {
            AtomicLong ticker = new AtomicLong(System.nanoTime());
            server.webhook().ticker(ticker::get);
            assertThat(registry.get("postcall.inbox.failed").gauge().value()).isZero(); // counted now
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
            assertThat(registry.get("postcall.inbox.failed").gauge().value()).as("counted at most once a second")
                    .isZero();
            ticker.addAndGet(TimeUnit.SECONDS.toNanos(1) + 1);
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
