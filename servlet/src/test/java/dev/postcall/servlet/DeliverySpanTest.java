package dev.postcall.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import jakarta.servlet.Filter;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postcall.internal.delivery.DeliveryTracer;
import dev.postcall.internal.delivery.Dispatcher;
import dev.postcall.monitoring.ReplayReport;
import dev.postcall.signature.WebhookSigner;
import dev.postcall.testsupport.LogCapture;

/**
 * A span per delivery through OpenTelemetry's API, over real HTTP: the application hands the servlet an SDK whose
 * spans go to the in-memory exporter, and a filter in front of postcall's opens a SERVER span around each request, as
 * a container's HTTP instrumentation does.
 */
class DeliverySpanTest {

    private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    private static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
    private static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    private static final AttributeKey<String> CONVERSATION =
            AttributeKey.stringKey("messaging.message.conversation_id");
    private static final AttributeKey<Long> BODY_SIZE = AttributeKey.longKey("messaging.message.body.size");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    private static final AttributeKey<String> ORIGIN = AttributeKey.stringKey("postcall.delivery.origin");
    private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("postcall.delivery.outcome");

    private final InMemorySpanExporter exported = InMemorySpanExporter.create();
    private final OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exported))
                    .build())
            .build();
    /** The SERVER spans the container's stand-in opened, in request order. */
    private final Queue<SpanContext> httpSpans = new ConcurrentLinkedQueue<>();

    @TempDir
    Path inbox;

    @AfterEach
    void closeSdk() {
        openTelemetry.close();
    }

    @Test
    void aHandledDeliveryIsOneConsumerSpanUnderTheHttpSpanAndCurrentWhileTheHandlersRun() throws Exception {
        byte[] body = DeliveryLogTest.transcription("conv_handled");
        Queue<SpanContext> inHandler = new ConcurrentLinkedQueue<>();
        try (LogCapture logs = LogCapture.install(); TestServer server = traced().start()) {
            server.handler.onEvent(event -> inHandler.add(Span.current().getSpanContext()));

            assertThat(server.postSigned(body).statusCode()).isEqualTo(200);

            SpanData span = deliverySpan();
            assertThat(span.getName()).isEqualTo("process post_call_transcription");
            assertThat(span.getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(span.getAttributes().asMap()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    SYSTEM, "elevenlabs",
                    OPERATION_NAME, "process",
                    OPERATION_TYPE, "process",
                    DESTINATION, "post_call_transcription",
                    CONVERSATION, "conv_handled",
                    BODY_SIZE, (long) body.length,
                    ORIGIN, "webhook",
                    OUTCOME, "handled"));
            assertThat(span.getParentSpanContext()).isEqualTo(httpSpans.peek());
            assertThat(span.getTraceId()).isEqualTo(httpSpans.peek().getTraceId());
            assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
            assertThat(span.getLinks()).isEmpty();
            assertThat(span.getInstrumentationScopeInfo().getName()).isEqualTo("dev.postcall");
            assertThat(inHandler).containsExactly(span.getSpanContext());
            assertThat(logs.records("INFO", "ready")).singleElement().asString()
                    .contains("traces=OpenTelemetry (the servlet-context attribute " + PostCallWebhookServlet
                            .OPEN_TELEMETRY + ")");
        }
    }

    /**
     * A request the filter turns down is no delivery: nothing was verified, so nothing was received. Its answer is on
     * the container's HTTP span; postcall adds no span, so unsigned traffic cannot make spans of its own choosing.
     * A verified body that is not an event is a delivery rejected with 400: it has a span, with the problem type.
     */
    @Test
    void aRequestTheFilterRejectsHasNoDeliverySpanAndAVerifiedBodyThatIsNoEventIsAnErrorSpan() throws Exception {
        byte[] notAnEvent = "{\"not\":\"an event\"}".getBytes(StandardCharsets.UTF_8);
        try (TestServer server = traced().start()) {
            byte[] body = DeliveryLogTest.transcription("conv_forged");
            HttpResponse<String> forged = server.post(body,
                    WebhookSigner.header(body, "wsec_not_the_secret", Instant.now()), Map.of());
            assertThat(forged.statusCode()).isEqualTo(401);

            assertThat(server.postSigned(notAnEvent).statusCode()).isEqualTo(400);

            // the rejected request came first: had it made a span, the exporter would have it by now
            SpanData span = deliverySpan();
            assertThat(span.getName()).isEqualTo("process");
            assertThat(span.getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(span.getAttributes().get(DESTINATION)).isNull();
            assertThat(span.getAttributes().get(CONVERSATION)).isNull();
            assertThat(span.getAttributes().get(BODY_SIZE)).isEqualTo(notAnEvent.length);
            assertThat(span.getAttributes().get(ERROR_TYPE)).isEqualTo("malformed-event");
            assertThat(span.getAttributes().get(OUTCOME)).isEqualTo("malformed");
            assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(span.getParentSpanContext()).isEqualTo(List.copyOf(httpSpans).get(1));
        }
    }

    @Test
    void aFailedDeliveryIsAnErrorSpanWithTheProblemTypeAndTheFailuresClassNeverItsMessage() throws Exception {
        try (TestServer server = traced().start()) {
            server.handler.failing(true);

            HttpResponse<String> response = server.postSigned(DeliveryLogTest.transcription("conv_failed"));

            assertThat(response.statusCode()).isEqualTo(500);
            SpanData span = deliverySpan();
            assertThat(span.getName()).isEqualTo("process post_call_transcription");
            assertThat(span.getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(span.getAttributes().get(ERROR_TYPE)).isEqualTo("handler-failed");
            assertThat(span.getAttributes().get(OUTCOME)).isEqualTo("failed");
            assertThat(span.getAttributes().get(CONVERSATION)).isEqualTo("conv_failed");
            assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(span.getStatus().getDescription()).isEqualTo(IllegalStateException.class.getName());
            assertThat(span.getEvents()).isEmpty();
            assertThat(span.toString()).doesNotContain("told to fail", DeliveryLogTest.MARKER);
            assertThat(span.getParentSpanContext()).isEqualTo(httpSpans.peek());
        }
    }

    /**
     * A delivery kept for replay was answered 200 and still failed: its span says so. Its replay (here from the
     * monitor, on a thread without a span) is a root span of its own that links to the failed attempt's span.
     */
    @Test
    void aReplayedDeliveryLinksToTheSpanOfTheAttemptThatFailed() throws Exception {
        byte[] body = DeliveryLogTest.transcription("conv_replayed");
        try (TestServer server = traced().servletParam("inbox-dir", inbox.toString()).start()) {
            server.handler.failing(true);
            assertThat(server.postSigned(body).statusCode()).as("kept, so answered 200").isEqualTo(200);
            SpanData failed = deliverySpan();
            assertThat(failed.getAttributes().get(ERROR_TYPE)).isEqualTo("handler-failed");
            assertThat(failed.getAttributes().get(OUTCOME)).isEqualTo("kept");
            assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            exported.reset();

            server.handler.failing(false);
            ReplayReport report = server.webhook().replayFailed();

            assertThat(report.replayed()).isEqualTo(1);
            SpanData replayed = deliverySpan();
            assertThat(replayed.getName()).isEqualTo("process post_call_transcription");
            assertThat(replayed.getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(replayed.getAttributes().get(ORIGIN)).isEqualTo("replay");
            assertThat(replayed.getAttributes().get(OUTCOME)).isEqualTo("handled");
            assertThat(replayed.getAttributes().get(CONVERSATION)).isEqualTo("conv_replayed");
            assertThat(replayed.getAttributes().get(BODY_SIZE)).isEqualTo(body.length);
            assertThat(replayed.getAttributes().get(ERROR_TYPE)).isNull();
            assertThat(replayed.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
            assertThat(replayed.getParentSpanContext().isValid()).as("no span was current on the replaying thread")
                    .isFalse();
            assertThat(replayed.getLinks()).singleElement().satisfies(link -> {
                assertThat(link.getSpanContext()).isEqualTo(failed.getSpanContext());
                assertThat(link.getAttributes()).isEqualTo(Attributes.of(AttributeKey.stringKey("postcall.link"),
                        "earlier-attempt"));
            });
        }
    }

    @Test
    void theSendersRetryOfAFailedDeliveryLinksToItAndAHandledOneEndsTheChain() throws Exception {
        byte[] body = DeliveryLogTest.transcription("conv_retried");
        try (TestServer server = traced().start()) {
            server.handler.failing(true);
            assertThat(server.postSigned(body).statusCode()).isEqualTo(500);
            SpanData first = deliverySpan();
            exported.reset();

            server.handler.failing(false);
            assertThat(server.postSigned(body).statusCode()).isEqualTo(200);
            SpanData retry = deliverySpan();
            exported.reset();
            assertThat(server.postSigned(body).statusCode()).as("a duplicate now").isEqualTo(200);
            SpanData duplicate = deliverySpan();

            assertThat(retry.getParentSpanContext()).as("the retry's own HTTP span")
                    .isEqualTo(List.copyOf(httpSpans).get(1));
            assertThat(retry.getLinks()).singleElement()
                    .satisfies(link -> assertThat(link.getSpanContext()).isEqualTo(first.getSpanContext()));
            assertThat(duplicate.getAttributes().get(OUTCOME)).isEqualTo("duplicate");
            assertThat(duplicate.getAttributes().get(ERROR_TYPE)).isNull();
            assertThat(duplicate.getLinks()).isEmpty();
        }
    }

    /** The span's {@code error.type} is the type of the problem the servlet answers for the same outcome. */
    @Test
    void everyErrorTypeIsTheSlugOfTheProblemAnsweredForItsOutcome() {
        for (Dispatcher.Outcome outcome : Dispatcher.Outcome.values()) {
            String errorType = DeliveryTracer.errorType(new Dispatcher.Result(outcome, null, null));
            Problem answered = Problem.of(outcome, true);
            if (answered != null) {
                assertThat(errorType).as(outcome.name()).isEqualTo(answered.slug);
            } else if (errorType != null) {
                assertThat(List.of(Problem.values())).as(outcome.name()).extracting(p -> p.slug).contains(errorType);
            }
        }
        assertThat(DeliveryTracer.errorType(new Dispatcher.Result(Dispatcher.Outcome.HANDLED, null, null))).isNull();
        assertThat(DeliveryTracer.errorType(new Dispatcher.Result(Dispatcher.Outcome.DUPLICATE, null, null))).isNull();
        assertThat(DeliveryTracer.errorType(null)).isEqualTo("_OTHER");
    }

    @Test
    void anOpenTelemetryAttributeOfAnotherTypeFailsTheStartNamingIt() {
        try (LogCapture logs = LogCapture.install()) {
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> TestServer.builder()
                    .contextAttribute(PostCallWebhookServlet.OPEN_TELEMETRY, "not an OpenTelemetry").start()
                    .close())).isNotNull();
            assertThat(logs.text()).contains(PostCallWebhookServlet.OPEN_TELEMETRY + " holds a java.lang.String");
        }
    }

    /** The server with the SDK handed to the servlet and the container's HTTP span in front of postcall's filter. */
    private TestServer.Builder traced() {
        Tracer container = openTelemetry.getTracer("the container");
        Filter httpSpans = (request, response, chain) -> {
            Span span = container.spanBuilder("POST /webhook").setSpanKind(SpanKind.SERVER).startSpan();
            this.httpSpans.add(span.getSpanContext());
            try (Scope scope = span.makeCurrent()) {
                chain.doFilter(request, response);
            } finally {
                span.end();
            }
        };
        return TestServer.builder().contextAttribute(PostCallWebhookServlet.OPEN_TELEMETRY, openTelemetry)
                .outerFilter(httpSpans);
    }

    /** The one delivery span exported so far (it ends before the answer is written, so it is there by now). */
    private SpanData deliverySpan() {
        List<SpanData> consumers = exported.getFinishedSpanItems().stream()
                .filter(span -> span.getKind() == SpanKind.CONSUMER).toList();
        assertThat(consumers).hasSize(1);
        return consumers.get(0);
    }
}
