package dev.postcall.jdbc;

import dev.postcall.BodySource;
import java.sql.SQLException;
import java.time.Duration;

/**
 * What the request path calls before dispatching a delivery: one call that is both the inbox's write-ahead record
 * and the ledger's cluster-wide claim of the delivery's key. The integration with the servlet implements the
 * delivery-ledger and inbox SPIs over this.
 */
interface WriteAheadLedger {

    /**
     * Stores and claims a delivery, committed before this returns, so the handlers run only on a delivery that
     * survives this node. A key seen before is answered by its row: {@code done} is not dispatched again;
     * {@code failed} is claimed and dispatched again (its stored body is kept: a retry carries the same payload); one
     * being dispatched by another request is waited for (polling, at most {@code maxWait}), then answered by its
     * outcome, or taken over when its claim is older than the take-over age (its node died).
     *
     * @param body the verified body, streamed into the table; {@code null} for a ledger-only claim that keeps none
     * @throws SQLException         when the database cannot store it: the delivery must not be dispatched (503);
     *                              the message names the statement and SQLState, never a value
     * @throws InterruptedException when the thread is interrupted while waiting
     */
    Admission admit(Arrival arrival, BodySource body, Duration maxWait) throws SQLException, InterruptedException;
}
