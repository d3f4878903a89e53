package dev.postcall.jdbc;

import dev.postcall.BodySource;

/**
 * A stored delivery this node has claimed, until it reports the outcome: {@link #markDone()} after the handlers
 * succeeded, {@link #markFailed(Throwable)} after one threw. Exactly one of them is called, once.
 */
interface HeldDelivery {

    /** The row's id, unique in the table. */
    long id();

    /** Which dispatch this is: 1 for the first, more after failures, take-overs and replays. */
    int attempt();

    /**
     * The stored body, read back from the database chunk by chunk; {@code null} when the claim keeps no body (a
     * ledger-only claim).
     */
    BodySource body();

    /**
     * The handlers succeeded: the row becomes {@code done} and its body is dropped; the row stays as the ledger's
     * memory of the key until the retention has passed. Never throws: a failure to record it is logged.
     *
     * @return whether it was recorded; {@code false} when the database failed or another node took the claim over
     *         meanwhile (the delivery may then be dispatched twice)
     */
    boolean markDone();

    /**
     * A handler failed: the row becomes {@code failed}, keeping its body, the failure's class name (never its
     * message, which could hold payload text) and the attempt count, and the key is released, so the next delivery
     * or a replay of it dispatches again. A ledger-only claim (no body) is deleted instead. Never throws.
     *
     * @return whether it was recorded, as for {@link #markDone()}
     */
    boolean markFailed(Throwable failure);
}
