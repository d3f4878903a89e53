package dev.postcall;

/**
 * A {@code post_call_transcription} webhook: the whole conversation (transcript, metadata, analysis, collected
 * data). {@link #report()} gives the answers people usually want in one flat record.
 *
 * <pre>{@code
 * void onCall(@Observes TranscriptionEvent call) {
 *     CallReport r = call.report();
 *     crm.save(r.callerNumber(), r.duration(), r.cost(), r.summary(), r.collected());
 * }
 * }</pre>
 */
public final class TranscriptionEvent implements PostCallEvent {
    // CONTRACT STUB: the model issue fills this in (lazily parsed, memoized data(); report()).
    private TranscriptionEvent() { throw new UnsupportedOperationException("not built yet"); }
    @Override public String type() { throw new UnsupportedOperationException(); }
    @Override public long eventTimestamp() { throw new UnsupportedOperationException(); }
    @Override public String agentId() { throw new UnsupportedOperationException(); }
    @Override public String conversationId() { throw new UnsupportedOperationException(); }
    @Override public BodySource body() { throw new UnsupportedOperationException(); }
    /** Everything about the call in one flat record. */
    public CallReport report() { throw new UnsupportedOperationException(); }
}
