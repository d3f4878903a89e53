package dev.postcall.bench;

import dev.postcall.AudioEvent;
import dev.postcall.BodySource;
import dev.postcall.EventParser;
import dev.postcall.MalformedEventException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * An audio body of 10 MB held in memory: the envelope scan (which walks the whole base64 value) and the decoding
 * of the value, against the JDK's own base64 decoder over the same characters.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AudioBenchmark {

    private byte[] body;
    private byte[] base64;
    private AudioEvent event;
    private final EventParser parser = new EventParser();
    private final byte[] sink = new byte[8192];
    private final byte[] largeSink = new byte[192 * 1024];

    @Setup
    public void setUp() throws Exception {
        byte[] audio = new byte[7_500_000];
        new Random(1).nextBytes(audio);
        base64 = Base64.getEncoder().encode(audio);
        body = ("{\"type\":\"post_call_audio\",\"event_timestamp\":1761490000,\"data\":{\"agent_id\":\"agent_bench\","
                + "\"conversation_id\":\"conv_bench\",\"full_audio\":\"" + new String(base64, StandardCharsets.US_ASCII)
                + "\"}}").getBytes(StandardCharsets.US_ASCII);
        event = (AudioEvent) parser.parse(BodySource.ofBytes(body));
    }

    /** The envelope of a 10 MB audio body: one pass over every byte of the value. */
    @Benchmark
    public Object envelope() throws MalformedEventException {
        return parser.parse(BodySource.ofBytes(body));
    }

    /** The audio decoded out of the body into 8 KB reads, as {@code saveTo} does. */
    @Benchmark
    public long decode() throws IOException {
        try (InputStream in = event.openStream()) {
            return in.transferTo(OutputStream.nullOutputStream());
        }
    }

    /** The audio decoded out of the body in 192 KB reads, as {@code saveTo} does for a large body. */
    @Benchmark
    public long decodeLargeReads() throws IOException {
        long total = 0;
        try (InputStream in = event.openStream()) {
            int n;
            while ((n = in.read(largeSink, 0, largeSink.length)) >= 0) {
                total += n;
            }
        }
        return total;
    }

    /** Baseline: the JDK decoder over the bare base64 characters, at once. */
    @Benchmark
    public byte[] jdkDecode() {
        return Base64.getDecoder().decode(base64);
    }
}
