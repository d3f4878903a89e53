package dev.postcall.spi;

import java.time.Duration;

/**
 * Remembers which deliveries were handled, so that a retried or replayed webhook is not dispatched twice. A key is
 * marked done only after the handlers succeeded; a failed attempt releases it so the next delivery dispatches again.
 * Two concurrent deliveries of one key dispatch once: the second waits for the first's outcome.
 *
 * <p>postcall ships one kept in memory (one node, the servlet's {@code delivery-ledger=memory}) and one kept in a
 * JSR-107 cache ({@code delivery-ledger=jcache:<cache name>}, a cluster).
 */
public interface DeliveryLedger {

    /**
     * Claims a delivery. Waits while another delivery of the same key is being dispatched (at most
     * {@code maxWait}), then answers by that one's outcome.
     *
     * @return a claim: {@link Claim#shouldDispatch()} is false when the key is already done
     * @throws DeliveryInProgressException when the other delivery is still being dispatched after {@code maxWait}
     * @throws InterruptedException when the waiting thread is interrupted
     */
    Claim claim(DeliveryKey key, Duration maxWait) throws DeliveryInProgressException, InterruptedException;

    /** The outcome of {@link #claim}: dispatch and report back, or skip. */
    interface Claim {

        /** For a delivery with no key (no conversation id): dispatched, nothing recorded. */
        Claim UNTRACKED = new Claim() {
            @Override public boolean shouldDispatch() { return true; }
            @Override public void done() { }
            @Override public void failed() { }
        };

        /** For a key that is done already: not dispatched again. */
        Claim ALREADY_DONE = new Claim() {
            @Override public boolean shouldDispatch() { return false; }
            @Override public void done() { }
            @Override public void failed() { }
        };

        /** Whether this delivery must be dispatched; {@code false} when an earlier one was handled. */
        boolean shouldDispatch();

        /** The handlers succeeded: the key is done for the ledger's retention. */
        void done();

        /** The handlers failed: the key is released, and the next delivery of it dispatches again. */
        void failed();
    }

    /** Another delivery of the same key is still being dispatched. */
    final class DeliveryInProgressException extends Exception {
        private static final long serialVersionUID = 1L;

        /** With a message naming the key's type and conversation. */
        public DeliveryInProgressException(DeliveryKey key) {
            super("a delivery of " + key.type() + " for conversation " + key.conversationId()
                    + " is being handled right now");
        }
    }
}
