package dev.postcall.bench;

import dev.postcall.BodySource;
import dev.postcall.CallReport;
import dev.postcall.EventParser;
import dev.postcall.MalformedEventException;
import dev.postcall.PostCallEvent;
import dev.postcall.TranscriptionEvent;
import dev.postcall.model.ConversationAnalysis;
import dev.postcall.model.ConversationInitiationClientData;
import dev.postcall.model.ConversationMetadata;
import dev.postcall.model.TranscriptionData;
import dev.postcall.signature.SignatureException;
import dev.postcall.signature.SignatureVerifier;
import dev.postcall.signature.WebhookSigner;
import jakarta.json.Json;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.config.PropertyNamingStrategy;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
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
import org.openjdk.jmh.infra.Blackhole;

import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Parsing a transcription: postcall's envelope scan, the typed model, the report, and the isolated baselines the
 * goals are stated against (JSON-B into a {@code Map}, JSON-B into the same records from the whole body, JSON-P
 * tokenization alone).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ParseBenchmark {

    /** The whole body bound at once, as an application without postcall would. */
    public record Delivery(String type, Long eventTimestamp, TranscriptionData data) {
    }

    /**
     * An option under the JSON-B API: bind only what {@code CallReport} reads, letting Yasson skip the transcript
     * (the bulk of a large body); the turn count would come from postcall's scanner.
     */
    public record ReportView(String agentId, String conversationId, String userId, ConversationMetadata metadata,
                             ConversationAnalysis analysis,
                             ConversationInitiationClientData conversationInitiationClientData) {
    }

    @Param({"5k", "50k"})
    public String size;

    private byte[] body;
    private String header;
    private EventParser parser;
    private SignatureVerifier verifier;
    private Jsonb plain;
    private Jsonb snakeCase;
    private JsonParserFactory tokens;
    private jakarta.json.JsonReaderFactory readers;
    private int dataStart;
    private int dataEnd;

    @Setup
    public void setUp() throws Exception {
        body = Payloads.transcription(size);
        header = WebhookSigner.header(body, SignatureBenchmark.SECRET, SignatureBenchmark.NOW);
        verifier = SignatureVerifier.builder().secrets(List.of(SignatureBenchmark.SECRET))
                .clock(Clock.fixed(SignatureBenchmark.NOW, java.time.ZoneOffset.UTC)).build();
        parser = new EventParser();
        plain = JsonbBuilder.create();
        snakeCase = JsonbBuilder.create(new JsonbConfig()
                .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES));
        tokens = Json.createParserFactory(Map.of());
        readers = Json.createReaderFactory(Map.of());
        dev.postcall.internal.json.Envelope envelope = dev.postcall.internal.json.BodyJson.readEnvelope(
                dev.postcall.internal.json.JsonBytes.of(body));
        dataStart = (int) envelope.dataStart();
        dataEnd = (int) envelope.dataEnd();
        if (yassonReportView().metadata() == null) {
            throw new IllegalStateException("the report view did not bind");
        }
        // a body that does not parse would make every number below meaningless
        if (report().callerNumber() == null && size.equals("50k")) {
            throw new IllegalStateException("the 50k payload lost its caller number");
        }
    }

    @TearDown
    public void tearDown() throws Exception {
        plain.close();
        snakeCase.close();
    }

    /** The servlet's part before dispatch: one streaming pass that finds type, timestamp, ids and data's range. */
    @Benchmark
    public PostCallEvent envelope() throws MalformedEventException {
        return parser.parse(BodySource.ofBytes(body));
    }

    /** Envelope plus the typed model bound with JSON-B over {@code data}'s bytes. */
    @Benchmark
    public TranscriptionData data() throws MalformedEventException {
        return ((TranscriptionEvent) parser.parse(BodySource.ofBytes(body))).data();
    }

    /**
     * The isolated reference of the CPU goal as the issue words it: signature verified, then the body parsed into
     * the whole model.
     */
    @Benchmark
    public TranscriptionData verifyAndData() throws MalformedEventException, SignatureException {
        verifier.verify(header, body);
        return ((TranscriptionEvent) parser.parse(BodySource.ofBytes(body))).data();
    }

    /** What an observer calling {@code report()} pays: envelope, the parts the report reads, the report. */
    @Benchmark
    public CallReport report() throws MalformedEventException {
        return ((TranscriptionEvent) parser.parse(BodySource.ofBytes(body))).report();
    }

    /** The same work as the server's report path, in isolation: signature verified, envelope, report. */
    @Benchmark
    public CallReport verifyAndReport() throws MalformedEventException, SignatureException {
        verifier.verify(header, body);
        return ((TranscriptionEvent) parser.parse(BodySource.ofBytes(body))).report();
    }

    /** Baseline: Yasson into a {@code Map}, as the naive receiver does. */
    @Benchmark
    public Object yassonMap() {
        return plain.fromJson(new ByteArrayInputStream(body), Map.class);
    }

    /** Baseline: Yasson into postcall's records from the whole body, no envelope scan. */
    @Benchmark
    public Delivery yassonRecords() {
        return snakeCase.fromJson(new ByteArrayInputStream(body), Delivery.class);
    }

    /** The report-only option: {@code data}'s bytes bound to {@link ReportView}. */
    @Benchmark
    public ReportView yassonReportView() {
        return snakeCase.fromJson(new ByteArrayInputStream(body, dataStart, dataEnd - dataStart), ReportView.class);
    }

    /** An option under the JSON-B/JSON-P APIs: Parsson's tree of {@code data}, which records could be built from. */
    @Benchmark
    public Object jsonpTree() {
        try (jakarta.json.JsonReader reader = readers.createReader(new ByteArrayInputStream(body))) {
            return reader.readObject();
        }
    }

    /** Baseline: Parsson's tokenizer alone, every event pulled and every string and number value read. */
    @Benchmark
    public void parssonTokens(Blackhole hole) {
        try (JsonParser p = tokens.createParser(new ByteArrayInputStream(body))) {
            while (p.hasNext()) {
                JsonParser.Event e = p.next();
                if (e == JsonParser.Event.VALUE_STRING || e == JsonParser.Event.KEY_NAME
                        || e == JsonParser.Event.VALUE_NUMBER) {
                    hole.consume(p.getString());
                } else {
                    hole.consume(e);
                }
            }
        }
    }
}
