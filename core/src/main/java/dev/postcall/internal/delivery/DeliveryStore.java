package dev.postcall.internal.delivery;

import dev.postcall.PostCallEvent;
import java.time.Duration;

/**
 * The inbox and the ledger in one: one call keeps a verified delivery (committed before the handlers run) and claims
 * its key, for every node sharing the store. The database store is one
 * ({@link dev.postcall.jdbc.JdbcDeliveryStore#requestPath()}); the file inbox and a {@link
 * dev.postcall.spi.DeliveryLedger} are two things {@link Dispatcher} combines itself.
 */
public interface DeliveryStore {

    /**
     * Keeps and claims a delivery: {@link Dispatch} when this node must run the handlers (the delivery is stored),
     * {@link Duplicate} when an earlier delivery of the key was handled, {@link InProgress} when another one is still
     * being handled after {@code maxWait}.
     *
     * @param signatureTimestamp the signature header's {@code t}, kept for a replay
     * @param contentType        the request's content type, kept for a replay; may be {@code null}
     * @throws UnavailableException when the store cannot keep it: it must not be dispatched
     * @throws InterruptedException when the thread is interrupted while waiting
     */
    Admitted admit(PostCallEvent event, long signatureTimestamp, String contentType, Duration maxWait)
            throws UnavailableException, InterruptedException;

    /** How many deliveries wait for a replay. */
    int failedCount() throws UnavailableException;

    /** Where deliveries are kept, for the log and the health: never a password. */
    String description();

    /** The answer to {@link #admit}. */
    sealed interface Admitted permits Dispatch, Duplicate, InProgress { }

    /**
     * Run the handlers, then report the outcome to {@code held}, once.
     *
     * @param held the stored delivery this node now holds
     */
    record Dispatch(Held held) implements Admitted { }

    /** An earlier delivery of the same key was handled: do not dispatch it again. */
    record Duplicate() implements Admitted { }

    /** Another delivery of the same key is still being handled. */
    record InProgress() implements Admitted { }

    /** A stored delivery this node dispatches; exactly one of the two methods is called, once. Neither throws. */
    interface Held {

        /** The handlers succeeded: the key is done, the body dropped. */
        void handled();

        /** A handler failed with {@code failure}: the delivery is kept for replay, its key released. */
        void failed(Throwable failure);
    }

    /** The store cannot keep or look up deliveries right now; the message names no value of a delivery. */
    final class UnavailableException extends Exception {
        private static final long serialVersionUID = 1L;

        /** With the store's message and the cause. */
        public UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
