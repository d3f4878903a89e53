package dev.postcall.internal.monitoring;

import dev.postcall.internal.delivery.Dispatcher;

/** What became of a verified delivery, as logs, statistics and meters name it. */
public enum DeliveryOutcome {
    HANDLED("handled", "handled"),
    DUPLICATE("duplicate", "already handled, not dispatched again"),
    KEPT("kept", "not handled, kept in the inbox for replay"),
    FAILED("failed", "not handled and not kept (no inbox)"),
    MALFORMED("malformed", "rejected as malformed"),
    IN_PROGRESS("in-progress", "not handled: the same event is being handled by another request"),
    INBOX_UNAVAILABLE("inbox-unavailable", "not handled: the inbox cannot store it");

    /** The label in statistics and meters. */
    public final String label;
    /** How the log line says it. */
    public final String phrase;

    DeliveryOutcome(String label, String phrase) {
        this.label = label;
        this.phrase = phrase;
    }

    /** The outcome of a dispatched delivery. */
    public static DeliveryOutcome of(Dispatcher.Outcome outcome) {
        return switch (outcome) {
            case HANDLED -> HANDLED;
            case DUPLICATE -> DUPLICATE;
            case FAILED_KEPT, MALFORMED_KEPT -> KEPT;
            case FAILED -> FAILED;
            case MALFORMED -> MALFORMED;
            case IN_PROGRESS -> IN_PROGRESS;
            case INBOX_UNAVAILABLE -> INBOX_UNAVAILABLE;
        };
    }

    /** Whether a handler threw on the delivery (or the data did not fit the model while a handler read it). */
    public static boolean handlerFailed(Dispatcher.Outcome outcome) {
        return switch (outcome) {
            case FAILED_KEPT, MALFORMED_KEPT, FAILED, MALFORMED -> true;
            case HANDLED, DUPLICATE, IN_PROGRESS, INBOX_UNAVAILABLE -> false;
        };
    }
}
