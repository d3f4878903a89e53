package dev.postcall.internal.delivery;

import dev.postcall.MalformedDataException;
import dev.postcall.PostCallEvent;
import dev.postcall.spi.PostCallEventHandler;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;

/**
 * Runs every handler of a web application on an event, in order: the service-loaded ones, then the registered
 * ones (a live list). A handler that throws (an {@code Error} too) does not stop the others; its failure is logged
 * here, once, and the first failure is classified here, once: the event's data not fitting the model, or the
 * handler's own failure.
 */
public final class HandlerRunner {

    private static final System.Logger LOG = System.getLogger("dev.postcall.delivery");

    /** What became of one event in the handlers. */
    public enum Result {
        /** Every handler returned. */
        HANDLED,
        /** The first handler that failed threw on its own account. */
        FAILED,
        /**
         * The first handler that failed did so because the event's {@code data} does not fit the model (its
         * {@code report()} or {@code data()} threw {@link MalformedDataException}).
         */
        MALFORMED
    }

    private final List<List<PostCallEventHandler>> groups;

    /** @param groups the handlers, group by group; each list is read afresh for every event */
    public HandlerRunner(List<List<PostCallEventHandler>> groups) {
        this.groups = List.copyOf(groups);
    }

    /** How many handlers there are right now. */
    public int size() {
        int size = 0;
        for (List<PostCallEventHandler> group : groups) {
            size += group.size();
        }
        return size;
    }

    /** Whether there is no handler at all right now. */
    public boolean isEmpty() {
        for (List<PostCallEventHandler> group : groups) {
            if (!group.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /**
     * How the handlers did on one event.
     *
     * @param result       the classification
     * @param firstFailure what the first failing handler threw, or {@code null} when every one returned
     */
    public record Attempt(Result result, Throwable firstFailure) { }

    /** Hands {@code event} to every handler and says how it went and, when one failed, with what. */
    public Attempt attempt(PostCallEvent event) {
        Objects.requireNonNull(event, "event");
        Result result = Result.HANDLED;
        Throwable first = null;
        for (List<PostCallEventHandler> group : groups) {
            for (PostCallEventHandler handler : group) {
                try {
                    handler.handle(event);
                } catch (Throwable e) {
                    // every failure, an Error too (a StackOverflowError, say): the delivery must still be finished
                    boolean malformed = malformed(e);
                    logFailure(handler, event, malformed, e);
                    if (result == Result.HANDLED) {
                        result = malformed ? Result.MALFORMED : Result.FAILED;
                        first = e;
                    }
                }
            }
        }
        return new Attempt(result, first);
    }

    /**
     * Logs a handler's failure. The logging back end is the application's: one that throws (an {@code Error} too) is
     * ignored, so that the other handlers still run and the delivery is still finished as failed.
     */
    private static void logFailure(PostCallEventHandler handler, PostCallEvent event, boolean malformed,
                                   Throwable failure) {
        try {
            LOG.log(Level.ERROR, "handler " + handler.getClass().getName() + " failed on a " + event.type()
                    + " event of conversation " + event.conversationId()
                    + (malformed ? ": its data does not fit the model" : ""), failure);
        } catch (Throwable e) {
            // the failure is still recorded in the attempt; only its line is lost
        }
    }

    /** Whether a handler failed because the event's data does not fit the model, rather than on its own account. */
    private static boolean malformed(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MalformedDataException) {
                return true;
            }
        }
        return false;
    }
}
