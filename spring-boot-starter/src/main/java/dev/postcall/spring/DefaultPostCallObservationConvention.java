package dev.postcall.spring;

import io.micrometer.common.KeyValues;

import dev.postcall.internal.monitoring.DeliveryType;

/**
 * The observation {@value #NAME} of each delivery, following OpenTelemetry's messaging conventions (v1.44.0) for a
 * push-based consumer's "process" span: contextual name (the span's) {@code process <event type>}.
 *
 * <table>
 *   <caption>Key values</caption>
 *   <tr><th>key</th><th>value</th><th>cardinality</th></tr>
 *   <tr><td>{@code messaging.system}</td><td>{@code elevenlabs}</td><td>low</td></tr>
 *   <tr><td>{@code messaging.operation.name}, {@code messaging.operation.type}</td><td>{@code process}</td>
 *       <td>low</td></tr>
 *   <tr><td>{@code messaging.destination.name}</td><td>the event type ({@code post_call_transcription},
 *       {@code post_call_audio}, {@code call_initiation_failure}); {@code other} for a type postcall does not model,
 *       {@code none} for a body that is not an event, so the tag stays bounded</td><td>low</td></tr>
 *   <tr><td>{@code postcall.delivery.origin}</td><td>{@code webhook}, {@code replay}, {@code backfill}</td>
 *       <td>low</td></tr>
 *   <tr><td>{@code postcall.delivery.outcome}</td><td>{@code handled}, {@code duplicate}, {@code kept},
 *       {@code failed}, {@code malformed}, {@code no-handler}, {@code in-progress}, {@code inbox-unavailable},
 *       {@code unrecorded}</td><td>low</td></tr>
 *   <tr><td>{@code error.type}</td><td>the problem type of a delivery that failed ({@code handler-failed},
 *       {@code malformed-event}, ...), {@code none} otherwise: a timer's series all carry the same keys</td>
 *       <td>low</td></tr>
 *   <tr><td>{@code messaging.message.conversation_id}</td><td>the conversation id, when there is one</td>
 *       <td>high</td></tr>
 *   <tr><td>{@code messaging.message.body.size}</td><td>the body's length in bytes</td><td>high</td></tr>
 * </table>
 *
 * <pre>{@code
 * @Bean
 * PostCallObservationConvention postCallObservationConvention() {
 *     return new DefaultPostCallObservationConvention() {
 *         @Override
 *         public String getContextualName(PostCallObservationContext context) {
 *             return "webhook " + context.getEventType();
 *         }
 *     };
 * }
 * }</pre>
 */
public class DefaultPostCallObservationConvention implements PostCallObservationConvention {

    /** The observation's name, and so the timer's. */
    public static final String NAME = "postcall.delivery";

    /** Created by the starter, or by an application that extends it. */
    public DefaultPostCallObservationConvention() {
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(PostCallObservationContext context) {
        return context.getEventType() == null ? "process" : "process " + context.getEventType();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(PostCallObservationContext context) {
        String outcome = context.getOutcome();
        String errorType = context.getErrorType();
        return KeyValues.of(
                "messaging.system", "elevenlabs",
                "messaging.operation.name", "process",
                "messaging.operation.type", "process",
                "messaging.destination.name", DeliveryType.of(context.getEventType()).label,
                "postcall.delivery.origin", context.getOrigin(),
                "postcall.delivery.outcome", outcome == null ? "unknown" : outcome,
                "error.type", errorType == null ? "none" : errorType);
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(PostCallObservationContext context) {
        KeyValues values = KeyValues.of("messaging.message.body.size", Long.toString(context.getBodySize()));
        return context.getConversationId() == null ? values
                : values.and("messaging.message.conversation_id", context.getConversationId());
    }
}
