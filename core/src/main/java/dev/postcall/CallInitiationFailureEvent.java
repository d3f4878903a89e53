package dev.postcall;

import dev.postcall.internal.json.Envelope;
import dev.postcall.model.CallInitiationFailureData;
import dev.postcall.model.CallInitiationFailureData.FailureMetadata;
import dev.postcall.model.FailureReason;
import java.util.concurrent.CompletionStage;

/**
 * A {@code call_initiation_failure} webhook: an outbound call that never connected (busy, no answer), with the
 * SIP or Twilio details the provider gave.
 *
 * <pre>{@code
 * void onFailure(@Observes CallInitiationFailureEvent failure) {
 *     if (failure.reason() == FailureReason.BUSY) {
 *         retryLater(failure.conversationId(), failure.sipStatusCode());
 *     }
 *     CallInitiationFailureData.Twilio twilio = failure.twilio();   // null unless the provider is Twilio
 * }
 * }</pre>
 *
 * <p>These events are small and rare, so their typed content is bound while parsing: a {@code data} that does not
 * fit makes {@link EventParser#parse} throw, and the accessors here never do.
 */
public final class CallInitiationFailureEvent extends EnvelopeEvent implements PostCallEvent {

    private final CallInitiationFailureData data;

    CallInitiationFailureEvent(Envelope envelope, BodyBytes bytes, BodySource body, CompletionStage<Void> answered,
            boolean backfilled, CallInitiationFailureData data) {
        super(envelope, bytes, body, answered, backfilled);
        this.data = data;
    }

    /** The whole typed payload. */
    public CallInitiationFailureData data() {
        return data;
    }

    /**
     * {@code data.failure_reason} exactly as sent ({@code busy}, {@code no-answer}, {@code unknown}, or newer values).
     */
    public String failureReason() {
        return data.failureReason() == null ? null : data.failureReason().raw();
    }

    /** {@code data.failure_reason} as a constant; {@link FailureReason#UNKNOWN} when absent or not known. */
    public FailureReason reason() {
        return data.failureReason() == null ? FailureReason.UNKNOWN : data.failureReason().value();
    }

    /** {@code data.metadata.type} ({@code sip}, {@code twilio}, ...), or {@code null} when there is no metadata. */
    public String provider() {
        return data.metadata() == null ? null : data.metadata().type();
    }

    /**
     * The SIP status code: {@code sip_status_code} for SIP, {@code SipResponseCode} for Twilio; {@code null} if none.
     */
    public Integer sipStatusCode() {
        return data.metadata() == null ? null : data.metadata().sipStatusCode();
    }

    /** The SIP trunk's details when the provider is SIP, else {@code null}. */
    public CallInitiationFailureData.Sip sip() {
        FailureMetadata m = data.metadata();
        return m instanceof CallInitiationFailureData.Sip ? (CallInitiationFailureData.Sip) m : null;
    }

    /** Twilio's status callback when the provider is Twilio, else {@code null}. */
    public CallInitiationFailureData.Twilio twilio() {
        FailureMetadata m = data.metadata();
        return m instanceof CallInitiationFailureData.Twilio ? (CallInitiationFailureData.Twilio) m : null;
    }

    /**
     * The whole body as a JSON-P object, parsed on each call with the JSON-P implementation the application has: for
     * members the typed model does not cover (the sender adds fields over time).
     *
     * @throws java.io.UncheckedIOException when the body cannot be read
     * @throws jakarta.json.JsonException   when JSON-P refuses the body (for example a number it cannot represent)
     */
    public jakarta.json.JsonObject json() {
        return RawJson.read(body);
    }

    /** The type, conversation and timestamp; never payload content. */
    @Override
    public String toString() {
        return "CallInitiationFailureEvent[conversationId=" + conversationId() + ", eventTimestamp="
                + eventTimestamp() + ", reason=" + failureReason() + "]";
    }
}
