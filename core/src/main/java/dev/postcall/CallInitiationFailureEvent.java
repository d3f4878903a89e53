package dev.postcall;

/**
 * A {@code call_initiation_failure} webhook: an outbound call that never connected (busy, no answer), with the
 * SIP or Twilio details the provider gave.
 */
public final class CallInitiationFailureEvent implements PostCallEvent {
    // CONTRACT STUB: the model issue fills this in (reason(), sip(), twilio(), data()).
    private CallInitiationFailureEvent() { throw new UnsupportedOperationException("not built yet"); }
    @Override public String type() { throw new UnsupportedOperationException(); }
    @Override public long eventTimestamp() { throw new UnsupportedOperationException(); }
    @Override public String agentId() { throw new UnsupportedOperationException(); }
    @Override public String conversationId() { throw new UnsupportedOperationException(); }
    @Override public BodySource body() { throw new UnsupportedOperationException(); }
    /** {@code data.failure_reason} exactly as sent ({@code busy}, {@code no-answer}, {@code unknown}, or newer values). */
    public String failureReason() { throw new UnsupportedOperationException(); }
    /** {@code data.metadata.type} ({@code sip}, {@code twilio}, ...), or {@code null} when there is no metadata. */
    public String provider() { throw new UnsupportedOperationException(); }
    /** The SIP status code: {@code sip_status_code} for SIP, {@code SipResponseCode} for Twilio; {@code null} if none. */
    public Integer sipStatusCode() { throw new UnsupportedOperationException(); }
}
