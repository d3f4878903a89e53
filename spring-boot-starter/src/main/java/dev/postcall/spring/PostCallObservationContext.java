package dev.postcall.spring;

import java.util.Map;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;

/**
 * What an observation of one delivery knows, for a {@link PostCallObservationConvention}: the event type, its
 * conversation id, the body's size and how it came (a webhook, a replay, backfill) from the start; what became of it
 * and its problem type once it has ended. A {@link ReceiverContext} of kind {@link Kind#CONSUMER}, so that Micrometer
 * Tracing makes its span a CONSUMER span, as OpenTelemetry's messaging conventions describe a "process" span. The
 * webhook carries no trace context of the sender's, so the carrier is empty and the span's parent is the observation
 * current when the delivery started (the server's {@code http.server.requests}).
 *
 * <pre>{@code
 * @Override
 * public KeyValues getHighCardinalityKeyValues(PostCallObservationContext context) {
 *     return super.getHighCardinalityKeyValues(context).and("postcall.origin", context.getOrigin());
 * }
 * }</pre>
 */
public final class PostCallObservationContext extends ReceiverContext<Map<String, String>> {

    private final String eventType;
    private final String conversationId;
    private final long bodySize;
    private final String origin;
    private volatile String outcome;
    private volatile String errorType;

    /**
     * @param eventType      the envelope's {@code type}, or {@code null} for a verified body that is not an event
     * @param conversationId {@code data.conversation_id}, or {@code null}
     * @param bodySize       the verified body's length in bytes
     * @param origin         {@code webhook}, {@code replay} or {@code backfill}
     */
    public PostCallObservationContext(String eventType, String conversationId, long bodySize, String origin) {
        super((carrier, key) -> carrier.get(key), Kind.CONSUMER);
        setCarrier(Map.of());
        this.eventType = eventType;
        this.conversationId = conversationId;
        this.bodySize = bodySize;
        this.origin = origin;
    }

    /** The envelope's {@code type} ({@code post_call_transcription}, ...), or {@code null} when the body is none. */
    public String getEventType() {
        return eventType;
    }

    /** {@code data.conversation_id}, or {@code null}. */
    public String getConversationId() {
        return conversationId;
    }

    /** The verified body's length in bytes. */
    public long getBodySize() {
        return bodySize;
    }

    /** How the delivery came: {@code webhook}, {@code replay} or {@code backfill}. */
    public String getOrigin() {
        return origin;
    }

    /**
     * What became of it, as the webhook's statistics count it ({@code handled}, {@code duplicate}, {@code kept},
     * {@code failed}, {@code malformed}, ...), or {@code null} until it has ended.
     */
    public String getOutcome() {
        return outcome;
    }

    /**
     * The problem type of a delivery that failed (the slug after {@code https://postcall.dev/problems/}:
     * {@code handler-failed}, {@code malformed-event}, ...), also when a store that keeps bodies made the answer a
     * 200; {@code null} while it runs and when it did not fail.
     */
    public String getErrorType() {
        return errorType;
    }

    /** The delivery ended: called once, before the observation stops. */
    void ended(String outcome, String errorType) {
        this.outcome = outcome;
        this.errorType = errorType;
    }
}
