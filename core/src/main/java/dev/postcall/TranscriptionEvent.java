package dev.postcall;

import dev.postcall.json.Envelope;

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

    private final Envelope envelope;
    private final BodySource body;

    TranscriptionEvent(Envelope envelope, BodySource body) {
        this.envelope = envelope;
        this.body = body;
    }

    @Override
    public String type() {
        return envelope.type();
    }

    @Override
    public long eventTimestamp() {
        return envelope.eventTimestamp();
    }

    @Override
    public String agentId() {
        return envelope.agentId();
    }

    @Override
    public String conversationId() {
        return envelope.conversationId();
    }

    @Override
    public BodySource body() {
        return body;
    }

    /** Everything about the call in one flat record. */
    public CallReport report() {
        throw new UnsupportedOperationException("typed transcription model not built yet");
    }

    /** The type, conversation and timestamp; never payload content. */
    @Override
    public String toString() {
        return "TranscriptionEvent[conversationId=" + conversationId() + ", eventTimestamp=" + eventTimestamp() + "]";
    }
}
