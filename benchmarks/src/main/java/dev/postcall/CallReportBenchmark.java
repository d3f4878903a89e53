package dev.postcall;

import dev.postcall.bench.Payloads;
import dev.postcall.model.TranscriptionData;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Building a {@link CallReport} from an already bound model, alone. In package {@code dev.postcall} because the
 * builder, {@code CallReports}, is package-private; the benchmarks jar is on the same class path as core.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CallReportBenchmark {

    @Param({"5k", "50k"})
    public String size;

    private TranscriptionData data;
    private String agentId;
    private String conversationId;

    @Setup
    public void setUp() throws Exception {
        TranscriptionEvent event = (TranscriptionEvent) new EventParser()
                .parse(BodySource.ofBytes(Payloads.transcription(size)));
        data = event.data();
        agentId = event.agentId();
        conversationId = event.conversationId();
    }

    @Benchmark
    public CallReport callReport() {
        return CallReports.of(data, agentId, conversationId);
    }
}
