package dev.postcall.internal.monitoring;

import dev.postcall.internal.delivery.Dispatcher;

/** What became of a verified delivery, as statistics and meters count it (the log line says more). */
public enum DeliveryOutcome {
    HANDLED("handled"),
    DUPLICATE("duplicate"),
    KEPT("kept"),
    FAILED("failed"),
    MALFORMED("malformed"),
    NO_HANDLER("no-handler"),
    IN_PROGRESS("in-progress"),
    INBOX_UNAVAILABLE("inbox-unavailable"),
    UNRECORDED("unrecorded");

    /** The label in statistics and meters. */
    public final String label;

    DeliveryOutcome(String label) {
        this.label = label;
    }

    /** The outcome of a dispatched delivery. */
    public static DeliveryOutcome of(Dispatcher.Outcome outcome) {
        return switch (outcome) {
            case HANDLED -> HANDLED;
            case DUPLICATE -> DUPLICATE;
            case FAILED_KEPT, MALFORMED_KEPT -> KEPT;
            case FAILED -> FAILED;
            case MALFORMED -> MALFORMED;
            case NO_HANDLER -> NO_HANDLER;
            case IN_PROGRESS -> IN_PROGRESS;
            case STORE_UNAVAILABLE -> INBOX_UNAVAILABLE;
            case HANDLED_UNRECORDED, FAILED_UNRECORDED -> UNRECORDED;
        };
    }

    /**
     * Whether a handler threw on a parsed event (or the data did not fit the model while a handler read it); for a
     * body that is not an event no handler ran, whatever the outcome.
     */
    public static boolean handlerFailed(Dispatcher.Outcome outcome) {
        return switch (outcome) {
            case FAILED_KEPT, MALFORMED_KEPT, FAILED, MALFORMED, FAILED_UNRECORDED -> true;
            case HANDLED, HANDLED_UNRECORDED, DUPLICATE, NO_HANDLER, IN_PROGRESS, STORE_UNAVAILABLE -> false;
        };
    }
}
