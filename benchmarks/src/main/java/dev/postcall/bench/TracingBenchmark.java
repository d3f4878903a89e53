package dev.postcall.bench;

import dev.postcall.BodySource;
import dev.postcall.EventParser;
import dev.postcall.PostCallEvent;
import dev.postcall.internal.delivery.DeliveryTracer;
import dev.postcall.internal.delivery.Dispatcher;
import dev.postcall.internal.delivery.HandlerRunner;
import dev.postcall.internal.delivery.MemoryStore;
import dev.postcall.internal.monitoring.Tracing;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a span per delivery costs the dispatcher, without HTTP: one parsed 5 KB transcription delivered through
 * {@link Dispatcher#deliver} to a handler that reads its conversation id, over a store that records nothing (so every
 * call dispatches). {@code off}: no tracer, the servlet's state without OpenTelemetry; {@code on}: the OpenTelemetry
 * SDK with the load server's batch processor and counting exporter, the span's attributes and scope included.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TracingBenchmark {

    @Param({"off", "on"})
    public String tracing;

    private OpenTelemetrySdk sdk;
    private Dispatcher dispatcher;
    private PostCallEvent event;
    private HandlerRunner handlers;

    @Setup
    public void setUp() throws Exception {
        event = new EventParser().parse(BodySource.ofBytes(Payloads.transcription("5k")));
        handlers = new HandlerRunner(List.of(List.of(e -> e.conversationId().length())));
        DeliveryTracer tracer = null;
        if ("on".equals(tracing)) {
            sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                    .addSpanProcessor(BatchSpanProcessor.builder(new LoadServer.CountingExporter()).build()).build())
                    .build();
            tracer = Tracing.choose(null, sdk, "the benchmark", getClass().getClassLoader()).tracer();
        }
        dispatcher = new Dispatcher(MemoryStore.unrecorded(), Duration.ofSeconds(30), tracer);
    }

    @TearDown
    public void tearDown() {
        if (sdk != null) {
            sdk.close();
        }
    }

    @Benchmark
    public Dispatcher.Result deliver() {
        return dispatcher.deliver(event, 1761400005L, "application/json", handlers);
    }
}
