package dev.postcall.internal.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postcall.BodySource;
import dev.postcall.EventParser;
import dev.postcall.PostCallEvent;
import dev.postcall.internal.delivery.DeliveryTracer;
import dev.postcall.internal.delivery.Dispatcher;
import dev.postcall.internal.delivery.HandlerRunner;
import dev.postcall.internal.delivery.MemoryStore;
import dev.postcall.spi.PostCallEventHandler;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The spans the {@link Dispatcher} opens through {@link OpenTelemetryTracer}, below the servlet: a backfilled event
 * (what backfill's sink hands the dispatcher), a tracing back-end that throws, and where {@link Tracing} finds an
 * OpenTelemetry. The servlet's {@code DeliverySpanTest} has deliveries and replays over HTTP.
 */
class DispatcherSpanTest {

    private static final AttributeKey<String> ORIGIN = AttributeKey.stringKey("postcall.delivery.origin");

    private final InMemorySpanExporter exported = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exported))
                    .build())
            .build();
    private final AtomicInteger handled = new AtomicInteger();

    @AfterEach
    void close() {
        sdk.close();
        GlobalOpenTelemetry.resetForTest();
    }

    private static byte[] body(String conversationId, long eventTimestamp) {
        return ("{\"type\":\"post_call_transcription\",\"event_timestamp\":" + eventTimestamp + ",\"data\":"
                + "{\"agent_id\":\"agent_1\",\"conversation_id\":\"" + conversationId + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static Dispatcher.Result deliver(Dispatcher dispatcher, PostCallEvent event,
            PostCallEventHandler handler) {
        return dispatcher.deliver(event, 1761400005L, "application/json",
                new HandlerRunner(List.of(List.of(handler))));
    }

    /**
     * A conversation whose webhook failed without being kept, fetched again by backfill (with the API's own
     * {@code event_timestamp}): the backfilled delivery's span says so and links to the webhook's span, the one
     * earlier attempt this process knows.
     */
    @Test
    void aBackfilledEventIsABackfillSpanLinkedToTheFailedWebhookOfItsConversation() throws Exception {
        Dispatcher dispatcher = new Dispatcher(MemoryStore.create(), Duration.ofSeconds(5),
                OpenTelemetryTracer.of(sdk));
        PostCallEvent webhook = new EventParser().parse(BodySource.ofBytes(body("conv_backfilled", 1761400000)));
        assertThat(deliver(dispatcher, webhook, event -> {
            throw new IllegalStateException("down");
        }).outcome()).isEqualTo(Dispatcher.Outcome.FAILED);
        SpanData failed = exported.getFinishedSpanItems().get(0);
        assertThat(failed.getAttributes().get(ORIGIN)).isEqualTo("webhook");
        exported.reset();

        // a body backfill built: its envelope carries the member that marks it
        PostCallEvent backfilled = new EventParser().parse(BodySource.ofBytes(new String(
                body("conv_backfilled", 1761400999), StandardCharsets.UTF_8)
                .replace("\"data\":", "\"postcall_backfilled\":true,\"data\":").getBytes(StandardCharsets.UTF_8)));
        assertThat(backfilled.backfilled()).isTrue();
        assertThat(deliver(dispatcher, backfilled, event -> handled.incrementAndGet()).outcome())
                .isEqualTo(Dispatcher.Outcome.HANDLED);

        assertThat(exported.getFinishedSpanItems()).singleElement().satisfies(span -> {
            assertThat(span.getName()).isEqualTo("process post_call_transcription");
            assertThat(span.getAttributes().get(ORIGIN)).isEqualTo("backfill");
            assertThat(span.getLinks()).singleElement()
                    .satisfies(link -> assertThat(link.getSpanContext()).isEqualTo(failed.getSpanContext()));
        });
        assertThat(handled).hasValue(1);
    }

    /** A back-end whose span builder throws: no span, and the delivery is handled as without tracing. */
    @Test
    void aTracingBackEndThatThrowsCostsNoDelivery() throws Exception {
        Tracer throwingTracer = spanName -> {
            throw new IllegalStateException("the exporter's queue is broken");
        };
        TracerProvider throwing = new TracerProvider() {
            @Override
            public Tracer get(String name) {
                return throwingTracer;
            }

            @Override
            public Tracer get(String name, String version) {
                return throwingTracer;
            }
        };
        OpenTelemetry broken = new OpenTelemetry() {
            @Override
            public TracerProvider getTracerProvider() {
                return throwing;
            }

            @Override
            public ContextPropagators getPropagators() {
                return ContextPropagators.noop();
            }
        };
        Dispatcher dispatcher = new Dispatcher(MemoryStore.create(), Duration.ofSeconds(5),
                OpenTelemetryTracer.of(broken));

        PostCallEvent event = new EventParser().parse(BodySource.ofBytes(body("conv_broken_tracer", 1761400000)));
        assertThat(deliver(dispatcher, event, e -> handled.incrementAndGet()).outcome())
                .isEqualTo(Dispatcher.Outcome.HANDLED);
        assertThat(handled).hasValue(1);
    }

    /**
     * Without an OpenTelemetry handed to the servlet or a container's, {@code GlobalOpenTelemetry} is taken only once
     * something set it (the Java agent does before the application starts): asking its {@code get()} first would fix a
     * no-op global for good, and an application setting it later would fail.
     */
    @Test
    void globalOpenTelemetryIsTakenOnlyOnceSomethingSetIt() {
        ClassLoader loader = getClass().getClassLoader();
        Tracing.Choice unset = Tracing.choose(null, null, "attribute X", loader);
        assertThat(unset.tracer()).isNull();
        assertThat(unset.description()).startsWith("off (OpenTelemetry's API is here, but no OpenTelemetry");
        assertThat(GlobalOpenTelemetry.isSet()).as("choosing did not set the global").isFalse();

        GlobalOpenTelemetry.set(sdk);
        Tracing.Choice set = Tracing.choose(null, null, "attribute X", loader);

        assertThat(set.description()).isEqualTo("OpenTelemetry (GlobalOpenTelemetry)");
        DeliveryTracer.OpenSpan span = set.tracer().start("post_call_audio", "conv_global", 10,
                DeliveryTracer.Origin.WEBHOOK);
        span.end(new Dispatcher.Result(Dispatcher.Outcome.HANDLED, null, null));
        assertThat(exported.getFinishedSpanItems()).extracting(SpanData::getName)
                .containsExactly("process post_call_audio");
    }

    /** An integration's own tracer (the Spring Boot starter's) wins over an OpenTelemetry handed to the servlet. */
    @Test
    void anIntegrationsTracerWins() {
        DeliveryTracer own = (type, conversationId, bytes, origin) -> result -> { };
        Tracing.Choice choice = Tracing.choose(own, sdk, "attribute X", getClass().getClassLoader());
        assertThat(choice.tracer()).isSameAs(own);
    }
}
