package dev.postcall.internal.monitoring;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A webhook's numbers as Micrometer meters, read from its adders when the registry publishes (nothing is added to the
 * request path). The only class that names Micrometer types: {@link Webhook} loads it only when Micrometer is on the
 * class path. Every meter is tagged {@code webhook} (the name) and {@code application} (the context path).
 */
final class MicrometerMeters {

    private MicrometerMeters() {
    }

    /** A registered set of meters, to remove again. */
    private record Bound(MeterRegistry registry, List<Meter> meters) {
    }

    /**
     * Registers the meters of {@code webhook} in {@code registry}, or in {@link Metrics#globalRegistry} when it is
     * {@code null} or not a {@link MeterRegistry}.
     */
    static Object bind(Webhook webhook, Object registry) {
        MeterRegistry target = registry instanceof MeterRegistry r ? r : Metrics.globalRegistry;
        Tags tags = Tags.of("webhook", webhook.name(), "application", webhook.application());
        List<Meter> meters = new ArrayList<>();
        for (DeliveryType type : DeliveryType.values()) {
            for (DeliveryOutcome outcome : DeliveryOutcome.values()) {
                meters.add(FunctionCounter.builder("postcall.deliveries", webhook, w -> w.deliveries(type, outcome))
                        .tags(tags).tag("type", type.label).tag("outcome", outcome.label)
                        .description("verified webhook deliveries by event type and outcome")
                        .register(target));
            }
        }
        for (int i = 0; i < webhook.reasons().size(); i++) {
            int index = i;
            meters.add(FunctionCounter.builder("postcall.rejections", webhook, w -> w.rejections(index))
                    .tags(tags).tag("reason", webhook.reasons().get(i))
                    .description("requests the filter turned down, by problem type")
                    .register(target));
        }
        meters.add(FunctionCounter.builder("postcall.handler.failures", webhook, Webhook::handlerFailures)
                .tags(tags).description("deliveries a handler threw on").register(target));
        meters.add(Gauge.builder("postcall.inbox.failed", webhook, Webhook::inboxFailed)
                .tags(tags).description("entries in the inbox's failed/ waiting for replay").register(target));
        meters.add(Gauge.builder("postcall.consecutive.failures", webhook, w -> w.streak().length())
                .tags(tags).description("non-200 answers to verified deliveries since the last 200; ElevenLabs"
                        + " disables the endpoint at 10").register(target));
        meters.add(FunctionTimer.builder("postcall.handling", webhook, w -> w.times().count(),
                        w -> w.times().totalNanos(), TimeUnit.NANOSECONDS)
                .tags(tags).description("from the servlet receiving a verified delivery to its answer")
                .register(target));
        meters.add(TimeGauge.builder("postcall.handling.max", webhook, TimeUnit.NANOSECONDS,
                        w -> w.times().maxNanos())
                .tags(tags).description("the longest handling time since start").register(target));
        return new Bound(target, meters);
    }

    /**
     * Registers backfill's meters beside {@code webhookMeters} (what {@link #bind} returned), with the same tags; no
     * conversation id in any tag. Each reads the webhook's backfill as the registry publishes, and reads 0 (NaN for
     * the watermark's age) once it stopped.
     */
    static Object bindBackfill(Webhook webhook, Object webhookMeters) {
        MeterRegistry target = ((Bound) webhookMeters).registry();
        Tags tags = Tags.of("webhook", webhook.name(), "application", webhook.application());
        List<Meter> meters = new ArrayList<>();
        for (DeliveryOutcome outcome : DeliveryOutcome.values()) {
            meters.add(FunctionCounter.builder("postcall.backfill.deliveries", webhook, w -> w.backfillCount(outcome))
                    .tags(tags).tag("outcome", outcome.label)
                    .description("conversations backfill fetched from ElevenLabs' API and dispatched, by outcome"
                            + " (counted in postcall.deliveries too)")
                    .register(target));
        }
        meters.add(Gauge.builder("postcall.backfill.key.rejected", webhook,
                        w -> w.backfiller() != null && w.backfiller().keyRejected().isPresent() ? 1 : 0)
                .tags(tags).description("1 when ElevenLabs refused the API key: backfill and the watch stopped")
                .register(target));
        meters.add(TimeGauge.builder("postcall.backfill.watermark.age", webhook, TimeUnit.SECONDS,
                        MicrometerMeters::watermarkAge)
                .tags(tags).description("how far behind now backfill's watermark is; grows while runs fail")
                .register(target));
        meters.add(Gauge.builder("postcall.elevenlabs.webhooks.off", webhook, w -> off(w, true))
                .tags(tags).tag("reason", "auto-disabled")
                .description("webhooks ElevenLabs switched off after failed deliveries").register(target));
        meters.add(Gauge.builder("postcall.elevenlabs.webhooks.off", webhook, w -> off(w, false))
                .tags(tags).tag("reason", "disabled")
                .description("webhooks a user switched off at ElevenLabs").register(target));
        meters.add(Gauge.builder("postcall.elevenlabs.webhook.last.failure", webhook, MicrometerMeters::lastFailure)
                .tags(tags).baseUnit("seconds")
                .description("when ElevenLabs last failed to deliver to a webhook, in unix seconds; 0 for never")
                .register(target));
        return new Bound(target, meters);
    }

    private static double watermarkAge(Webhook webhook) {
        Webhook.Backfiller backfiller = webhook.backfiller();
        if (backfiller == null) {
            return Double.NaN;
        }
        return backfiller.lastWatermark().map(w -> (double) (System.currentTimeMillis() - w.toEpochMilli()) / 1000)
                .orElse(Double.NaN);
    }

    private static double off(Webhook webhook, boolean auto) {
        Webhook.Backfiller backfiller = webhook.backfiller();
        if (backfiller == null) {
            return 0;
        }
        return auto ? backfiller.watch().autoDisabled() : backfiller.watch().disabled();
    }

    private static double lastFailure(Webhook webhook) {
        Webhook.Backfiller backfiller = webhook.backfiller();
        java.time.Instant at = backfiller == null ? null : backfiller.watch().lastFailureAt();
        return at == null ? 0 : at.getEpochSecond();
    }

    static void unbind(Object bound) {
        Bound b = (Bound) bound;
        for (Meter meter : b.meters()) {
            b.registry().remove(meter);
        }
    }
}
