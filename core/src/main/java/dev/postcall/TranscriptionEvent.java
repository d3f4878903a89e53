package dev.postcall;

import dev.postcall.json.Envelope;
import dev.postcall.json.ModelJson;
import dev.postcall.model.TranscriptionData;

/**
 * A {@code post_call_transcription} webhook: the whole conversation (transcript, metadata, analysis, collected
 * data). {@link #report()} gives the answers people usually want in one flat record; {@link #data()} the whole
 * typed payload.
 *
 * <pre>{@code
 * void onCall(@Observes TranscriptionEvent call) {
 *     CallReport r = call.report();
 *     crm.save(r.callerNumber(), r.duration(), r.cost(), r.summary(), r.collected());
 * }
 * }</pre>
 *
 * <p>The typed content is bound with JSON-B the first time {@link #data()} or {@link #report()} is called, once,
 * and then shared by every caller (thread-safe), so an event nobody reads costs no binding. When {@code data} does
 * not fit the model, both methods throw {@link MalformedDataException}, every time.
 */
public final class TranscriptionEvent extends EnvelopeEvent implements PostCallEvent {

    private final ModelJson json;
    /** A {@link TranscriptionData}, or the {@link MalformedEventException} binding it gave; null until asked for. */
    private volatile Object data;
    private volatile CallReport report;

    TranscriptionEvent(Envelope envelope, BodySource body, ModelJson json) {
        super(envelope, body);
        this.json = json;
    }

    /**
     * The whole typed payload, bound on first call and then shared.
     *
     * @throws MalformedDataException when {@code data} does not fit the model
     */
    public TranscriptionData data() {
        Object d = data;
        if (d == null) {
            synchronized (this) {
                d = data;
                if (d == null) {
                    try {
                        d = json.read(body, envelope.dataStart(), envelope.dataEnd(), TranscriptionData.class);
                    } catch (MalformedEventException e) {
                        d = e;
                    }
                    data = d;
                }
            }
        }
        if (d instanceof MalformedEventException) {
            throw new MalformedDataException((MalformedEventException) d);
        }
        return (TranscriptionData) d;
    }

    /**
     * Everything about the call in one flat record, built on first call and then shared.
     *
     * @throws MalformedDataException when {@code data} does not fit the model
     */
    public CallReport report() {
        CallReport r = report;
        if (r == null) {
            // building twice in a race is harmless: both results are equal
            r = CallReports.of(data(), envelope.agentId(), envelope.conversationId());
            report = r;
        }
        return r;
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
}
