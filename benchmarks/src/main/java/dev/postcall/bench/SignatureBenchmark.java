package dev.postcall.bench;

import dev.postcall.signature.SignatureException;
import dev.postcall.signature.SignatureVerifier;
import dev.postcall.signature.WebhookSigner;
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

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The signature header parsed and the body verified, against the HMAC-SHA256 of the same bytes alone (the floor:
 * nothing can verify without computing it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SignatureBenchmark {

    static final String SECRET = "wsec_bench_0123456789abcdef0123456789abcdef0123456789abcdef01234567";
    static final Instant NOW = Instant.ofEpochSecond(1_760_000_000L);

    @Param({"5k", "50k", "1m"})
    public String size;

    private byte[] body;
    private String header;
    private SignatureVerifier verifier;
    private Mac prototype;
    private byte[] prefix;

    @Setup
    public void setUp() throws Exception {
        body = Payloads.transcription(size);
        header = WebhookSigner.header(body, SECRET, NOW);
        verifier = SignatureVerifier.builder().secrets(List.of(SECRET))
                .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
        prototype = Mac.getInstance("HmacSHA256");
        prototype.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        prefix = (NOW.getEpochSecond() + ".").getBytes(StandardCharsets.US_ASCII);
        verifier.verify(header, body);
    }

    /** What the filter does per request, minus reading the socket: header, timestamp, HMAC, constant-time compare. */
    @Benchmark
    public long headerParseAndVerify() throws SignatureException {
        SignatureVerifier.Verification v = verifier.begin(header);
        v.update(body, 0, body.length);
        return v.finish();
    }

    /** The baseline: HMAC-SHA256 of {@code t.body} with a cloned, keyed {@link Mac}. */
    @Benchmark
    public byte[] hmacAlone() throws CloneNotSupportedException {
        Mac mac = (Mac) prototype.clone();
        mac.update(prefix);
        return mac.doFinal(body);
    }

    /** The header and timestamp checks alone: what a request with a bad header costs before it is refused. */
    @Benchmark
    public Object headerOnly() throws SignatureException {
        return verifier.begin(header);
    }
}
