package dev.postcall.internal.monitoring;

import dev.postcall.internal.delivery.DeliveryTracer;
import dev.postcall.internal.delivery.Dispatcher;
import dev.postcall.internal.delivery.EarlierAttempts;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.lang.System.Logger.Level;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * One CONSUMER span per delivery through OpenTelemetry's API, as its messaging conventions (v1.44.0) describe a
 * "process" span of a push-based consumer: named {@code process <event type>}, a child of the span current on the
 * dispatching thread (the container's HTTP server span), current itself while the handlers run. The only class that
 * names OpenTelemetry's types: {@link Tracing} loads it only when the API is on the class path.
 *
 * <p>Attributes: {@code messaging.system=elevenlabs}, {@code messaging.operation.name} and
 * {@code messaging.operation.type} {@code process}, {@code messaging.destination.name} (the event type),
 * {@code messaging.message.conversation_id}, {@code messaging.message.body.size}, {@code postcall.delivery.origin}
 * ({@code webhook}, {@code replay}, {@code backfill}) and, at the end, {@code postcall.delivery.outcome}; a delivery
 * that failed has {@code error.type} (the problem type's slug, {@link DeliveryTracer#errorType}) and status ERROR,
 * described by the failure's class name (never its message, which may quote the payload). The next attempt of a
 * delivery that failed in this process (the sender's retry, a replay, a backfilled fetch) links to its span. The
 * deprecated {@code messaging.operation} is not set: v1.44.0 lists it under deprecated attributes.
 */
final class OpenTelemetryTracer implements DeliveryTracer {

    private static final System.Logger LOG = System.getLogger("dev.postcall.monitoring");
    static final String SCHEMA_URL = "https://opentelemetry.io/schemas/1.44.0";
    /** How many failed attempts a tracer remembers for the next one to link to. */
    static final int REMEMBERED = 1024;

    private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    private static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
    private static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    private static final AttributeKey<String> CONVERSATION_ID =
            AttributeKey.stringKey("messaging.message.conversation_id");
    private static final AttributeKey<Long> BODY_SIZE = AttributeKey.longKey("messaging.message.body.size");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    private static final AttributeKey<String> ORIGIN = AttributeKey.stringKey("postcall.delivery.origin");
    private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("postcall.delivery.outcome");
    /** On a link: why the span links there. */
    private static final AttributeKey<String> LINK = AttributeKey.stringKey("postcall.link");
    private static final Attributes EARLIER_ATTEMPT = Attributes.of(LINK, "earlier-attempt");

    /** What a tracer back-end that throws leaves open: nothing. */
    private static final OpenSpan NOTHING = result -> { };

    private final Tracer tracer;
    private final EarlierAttempts<SpanContext> earlier = new EarlierAttempts<>(REMEMBERED);

    private OpenTelemetryTracer(Tracer tracer) {
        this.tracer = tracer;
    }

    /** The tracer of {@code openTelemetry}, an {@code io.opentelemetry.api.OpenTelemetry}. */
    static OpenTelemetryTracer of(Object openTelemetry) {
        var builder = ((OpenTelemetry) openTelemetry).tracerBuilder("dev.postcall").setSchemaUrl(SCHEMA_URL);
        String version = OpenTelemetryTracer.class.getPackage().getImplementationVersion();
        if (version != null) {
            builder.setInstrumentationVersion(version);
        }
        return new OpenTelemetryTracer(builder.build());
    }

    /** {@link Tracing#choose} where OpenTelemetry's API is on the class path. */
    static Tracing.Choice choose(Object given, String attribute, ClassLoader loader) {
        if (given != null) {
            if (!(given instanceof OpenTelemetry)) {
                throw new IllegalArgumentException(attribute + " holds a " + given.getClass().getName() + ", not an"
                        + " io.opentelemetry.api.OpenTelemetry of the API postcall sees (" + OpenTelemetry.class
                        + " from " + OpenTelemetry.class.getClassLoader() + ")");
            }
            return new Tracing.Choice(of(given), "OpenTelemetry (" + attribute + ")");
        }
        try {
            for (OpenTelemetrySource source : ServiceLoader.load(OpenTelemetrySource.class, loader)) {
                Object found = source.openTelemetry();
                if (found instanceof OpenTelemetry) {
                    return new Tracing.Choice(of(found), "OpenTelemetry (" + source.description() + ")");
                }
            }
        } catch (ServiceConfigurationError e) {
            LOG.log(Level.WARNING, "an OpenTelemetrySource listed in META-INF/services cannot be loaded ({0});"
                    + " looking at GlobalOpenTelemetry instead", e.getMessage());
        }
        try {
            if (GlobalOpenTelemetry.isSet()) {
                return new Tracing.Choice(of(GlobalOpenTelemetry.get()), "OpenTelemetry (GlobalOpenTelemetry)");
            }
        } catch (NoSuchMethodError e) {
            // get() would fix a no-op global for good when nothing set one yet: an application setting it later
            // would then fail, so an API without isSet() (before 1.57) is not asked
            return new Tracing.Choice(null, "off (the OpenTelemetry API on the class path is older than 1.57:"
                    + " GlobalOpenTelemetry is not asked; hand the servlet an OpenTelemetry in " + attribute + ")");
        }
        return new Tracing.Choice(null, "off (OpenTelemetry's API is here, but no OpenTelemetry: none in " + attribute
                + ", no container bean, GlobalOpenTelemetry not set)");
    }

    @Override
    public OpenSpan start(String type, String conversationId, long bodyBytes, Origin origin) {
        try {
            SpanBuilder builder = tracer.spanBuilder(type == null ? "process" : "process " + type)
                    .setSpanKind(SpanKind.CONSUMER)
                    .setAttribute(SYSTEM, "elevenlabs")
                    .setAttribute(OPERATION_NAME, "process")
                    .setAttribute(OPERATION_TYPE, "process")
                    .setAttribute(BODY_SIZE, bodyBytes)
                    .setAttribute(ORIGIN, origin.label);
            if (type != null) {
                builder.setAttribute(DESTINATION, type);
            }
            if (conversationId != null) {
                builder.setAttribute(CONVERSATION_ID, conversationId);
            }
            SpanContext before = earlier.before(type, conversationId);
            if (before != null) {
                builder.addLink(before, EARLIER_ATTEMPT);
            }
            Span span = builder.startSpan();
            return new Open(span, span.makeCurrent(), type, conversationId);
        } catch (RuntimeException | LinkageError e) {
            // a back-end that throws, or an API older than the one postcall was built with: no span, same delivery
            return NOTHING;
        }
    }

    @Override
    public String toString() {
        return "OpenTelemetry";
    }

    /** A delivery's span and the scope that makes it current. */
    private final class Open implements OpenSpan {
        private final Span span;
        private final Scope scope;
        private final String type;
        private final String conversationId;

        Open(Span span, Scope scope, String type, String conversationId) {
            this.span = span;
            this.scope = scope;
            this.type = type;
            this.conversationId = conversationId;
        }

        @Override
        public void end(Dispatcher.Result result) {
            try {
                String error = DeliveryTracer.errorType(result);
                if (result != null) {
                    span.setAttribute(OUTCOME, DeliveryOutcome.of(result.outcome()).label);
                }
                if (error != null) {
                    span.setAttribute(ERROR_TYPE, error);
                    Throwable why = result == null ? null : result.cause() != null ? result.cause() : result.store();
                    span.setStatus(StatusCode.ERROR, why == null ? "" : why.getClass().getName());
                }
                earlier.ended(type, conversationId, error != null, span.getSpanContext());
            } catch (RuntimeException | LinkageError e) {
                // the span is ended below all the same
            } finally {
                closeQuietly();
            }
        }

        private void closeQuietly() {
            try {
                scope.close();
            } catch (RuntimeException e) {
                // a context storage that throws: the span still ends
            }
            try {
                span.end();
            } catch (RuntimeException e) {
                // nothing more to do for it
            }
        }
    }
}
