package dev.postcall.internal.delivery;

/**
 * A trace of each delivery the {@link Dispatcher} handles: one span (OpenTelemetry) or observation (Micrometer) from
 * before the store admits it to its {@link Dispatcher.Result}, current on the dispatching thread while the handlers
 * run, so the application's own spans inside a handler are its children. A dispatcher without one (the default)
 * checks one field for {@code null} per delivery and does nothing else.
 *
 * <p>Implementations never throw from either method: a tracing back-end that fails must not cost the sender its
 * answer or a delivery its claim.
 */
public interface DeliveryTracer {

    /**
     * The servlet-context attribute under which an integration (the Spring Boot starter) hands the servlet its own
     * tracer, before the servlet starts. It wins over OpenTelemetry.
     */
    String ATTRIBUTE = "dev.postcall.internal.delivery.DeliveryTracer";

    /** How a delivery reached the dispatcher. */
    enum Origin {
        /** A webhook request (the first or a retry of the sender's). */
        WEBHOOK("webhook"),
        /** A replay of a delivery the store kept as failed. */
        REPLAY("replay"),
        /** Fetched from ElevenLabs' Conversations API by backfill ({@code PostCallEvent.backfilled()}). */
        BACKFILL("backfill");

        /** The value spans and observations carry. */
        public final String label;

        Origin(String label) {
            this.label = label;
        }
    }

    /**
     * Opens the span of one delivery and makes it current on this thread until {@link OpenSpan#end}.
     *
     * @param type           the envelope's {@code type}, or {@code null} for a verified body that is not an event
     * @param conversationId {@code data.conversation_id}, or {@code null}
     * @param bodyBytes      the verified body's length
     * @param origin         how it came
     * @return the open span, never {@code null}
     */
    OpenSpan start(String type, String conversationId, long bodyBytes, Origin origin);

    /**
     * The {@code error.type} of a delivery that failed: the slug of the problem type the servlet answers for it
     * (after {@code https://postcall.dev/problems/}), also when a store that keeps bodies made the answer a 200;
     * {@code null} when it did not fail (handled, or a duplicate of one handled). A delivery whose handlers ran but
     * whose store could not record it is {@code inbox-unavailable}: it may be handed out again.
     *
     * @param result the delivery's result, or {@code null} when the dispatcher itself threw ({@code _OTHER}, the
     *               conventions' fallback)
     */
    static String errorType(Dispatcher.Result result) {
        if (result == null) {
            return "_OTHER";
        }
        return switch (result.outcome()) {
            case HANDLED, DUPLICATE -> null;
            case FAILED_KEPT, FAILED, FAILED_UNRECORDED ->
                    result.cause() instanceof Dispatcher.NoHandlerException ? "no-handler" : "handler-failed";
            case MALFORMED_KEPT, MALFORMED -> "malformed-event";
            case NO_HANDLER -> "no-handler";
            case IN_PROGRESS -> "delivery-in-progress";
            case HANDLED_UNRECORDED, STORE_UNAVAILABLE -> "inbox-unavailable";
        };
    }

    /** A delivery's span, open and current on the thread that started it. */
    interface OpenSpan {
        /**
         * Records the outcome, ends the span and makes the span that was current before it current again; once, on
         * the thread that started it.
         *
         * @param result what became of the delivery, or {@code null} when the dispatcher itself threw
         */
        void end(Dispatcher.Result result);
    }
}
