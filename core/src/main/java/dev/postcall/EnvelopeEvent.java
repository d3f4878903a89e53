package dev.postcall;

import dev.postcall.internal.json.Envelope;

import java.util.concurrent.CompletionStage;

/**
 * What every event holds: the envelope read by the streaming scan and the verified body. The four public event
 * classes extend it, so the accessors of {@link PostCallEvent} are written once.
 */
abstract class EnvelopeEvent {

    final Envelope envelope;
    final BodySource body;
    /** The body as the JSON internals read it. */
    final BodyBytes bytes;
    private final CompletionStage<Void> answered;
    private final boolean backfilled;

    EnvelopeEvent(Envelope envelope, BodyBytes bytes, BodySource body, CompletionStage<Void> answered,
            boolean backfilled) {
        this.envelope = envelope;
        this.bytes = bytes;
        this.body = body;
        this.answered = answered;
        this.backfilled = backfilled;
    }

    /** The envelope's {@code type}, exactly as sent. */
    public String type() {
        return envelope.type();
    }

    /** The envelope's {@code event_timestamp} in unix seconds; 0 when absent or null. */
    public long eventTimestamp() {
        return envelope.eventTimestamp();
    }

    /** {@code data.agent_id}, or {@code null}. */
    public String agentId() {
        return envelope.agentId();
    }

    /** {@code data.conversation_id}, or {@code null}. */
    public String conversationId() {
        return envelope.conversationId();
    }

    /** The verified body, byte for byte as received; re-readable. */
    public BodySource body() {
        return body;
    }

    /** Keeps the body readable until the lease is closed; see {@link PostCallEvent#retain()}. */
    public BodySource.Lease retain() {
        return body.retain();
    }

    /** Completes once the delivery's answer was sent; see {@link PostCallEvent#answered()}. */
    public CompletionStage<Void> answered() {
        return answered;
    }

    /** Whether backfill fetched it from the Conversations API; see {@link PostCallEvent#backfilled()}. */
    public boolean backfilled() {
        return backfilled;
    }

    /** The class, type, conversation and timestamp (and whether it was backfilled); never payload content. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "[type=" + type() + ", conversationId=" + conversationId()
                + ", eventTimestamp=" + eventTimestamp() + (backfilled ? ", backfilled" : "") + "]";
    }
}
