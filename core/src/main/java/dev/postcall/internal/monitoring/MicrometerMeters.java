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

    static void unbind(Object bound) {
        Bound b = (Bound) bound;
        for (Meter meter : b.meters()) {
            b.registry().remove(meter);
        }
    }
}
