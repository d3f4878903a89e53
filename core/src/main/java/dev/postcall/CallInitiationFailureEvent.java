package dev.postcall;

import dev.postcall.json.Envelope;

/**
 * A {@code call_initiation_failure} webhook: an outbound call that never connected (busy, no answer), with the
 * SIP or Twilio details the provider gave.
 */
public final class CallInitiationFailureEvent implements PostCallEvent {

    private final Envelope envelope;
    private final BodySource body;

    CallInitiationFailureEvent(Envelope envelope, BodySource body) {
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

    /** {@code data.failure_reason} exactly as sent ({@code busy}, {@code no-answer}, {@code unknown}, or newer values). */
    public String failureReason() {
        throw new UnsupportedOperationException("typed failure model not built yet");
    }

    /** {@code data.metadata.type} ({@code sip}, {@code twilio}, ...), or {@code null} when there is no metadata. */
    public String provider() {
        throw new UnsupportedOperationException("typed failure model not built yet");
    }

    /** The SIP status code: {@code sip_status_code} for SIP, {@code SipResponseCode} for Twilio; {@code null} if none. */
    public Integer sipStatusCode() {
        throw new UnsupportedOperationException("typed failure model not built yet");
    }

    /** The type, conversation and timestamp; never payload content. */
    @Override
    public String toString() {
        return "CallInitiationFailureEvent[conversationId=" + conversationId() + ", eventTimestamp="
                + eventTimestamp() + "]";
    }
}
