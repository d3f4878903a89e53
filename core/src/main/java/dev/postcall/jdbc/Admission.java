package dev.postcall.jdbc;

/**
 * The answer to {@link WriteAheadLedger#admit}: dispatch it (this node now holds the stored delivery), or not, and
 * why. The request path answers {@link AlreadyDone} with 200 without dispatching and {@link InProgress} with 503.
 */
sealed interface Admission permits Admission.Dispatch, Admission.AlreadyDone, Admission.InProgress {

    /**
     * Dispatch it: the delivery is stored and committed, and this node holds its claim until it reports back.
     *
     * @param delivery the claim, to report the outcome to
     */
    record Dispatch(HeldDelivery delivery) implements Admission { }

    /** An earlier delivery of the same key was handled: do not dispatch it again. */
    record AlreadyDone() implements Admission { }

    /** Another delivery of the same key is being handled and did not finish within the wait. */
    record InProgress() implements Admission { }
}
