package dev.postcall;

import dev.postcall.internal.json.BodyJson;
import dev.postcall.internal.json.Envelope;
import dev.postcall.internal.json.JsonFormatException;
import dev.postcall.internal.json.ModelJson;
import dev.postcall.internal.report.ReportParts;
import dev.postcall.model.TranscriptionData;
import java.util.concurrent.CompletionStage;

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
 * and then shared by every caller (thread-safe), so an event nobody reads costs no binding. {@link #report()} binds
 * only what it reads ({@code metadata}, {@code analysis}, {@code conversation_initiation_client_data} and the ids)
 * and counts the transcript's turns without binding them, which on a long call is most of the work saved (a
 * transcript the webhook left out is no count at all: {@link CallReport#transcriptSent()}). When the
 * part of {@code data} a method reads does not fit the model, it throws {@link MalformedDataException}, every time.
 */
public final class TranscriptionEvent extends EnvelopeEvent implements PostCallEvent {

    /** Longer user ids (never seen) are left to the whole binding. */
    private static final int MAX_USER_ID_BYTES = 64 * 1024;

    private final ModelJson json;
    /** A {@link TranscriptionData}, or the {@link MalformedEventException} binding it gave; null until asked for. */
    private volatile Object data;
    /** A {@link CallReport}, or the {@link MalformedEventException} building it gave; null until asked for. */
    private volatile Object report;

    TranscriptionEvent(Envelope envelope, BodyBytes bytes, BodySource body, CompletionStage<Void> answered,
            boolean backfilled, ModelJson json) {
        super(envelope, bytes, body, answered, backfilled);
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
                        d = json.read(bytes, envelope.dataStart(), envelope.dataEnd(), TranscriptionData.class);
                    } catch (JsonFormatException e) {
                        d = BodyBytes.malformed(e);
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
     * Everything about the call in one flat record, built on first call and then shared. It binds only the members
     * it reads; the transcript's turns are counted, not bound, so a transcript that does not fit the model does not
     * stop the report (it does stop {@link #data()}).
     *
     * @throws MalformedDataException when {@code metadata}, {@code analysis},
     *                                {@code conversation_initiation_client_data} or the ids do not fit the model
     */
    public CallReport report() {
        Object r = report;
        if (r == null) {
            // building twice in a race is harmless: both results are equal
            r = buildReport();
            report = r;
        }
        if (r instanceof MalformedEventException) {
            throw new MalformedDataException((MalformedEventException) r);
        }
        return (CallReport) r;
    }

    /** The report, or the exception that says why there is none. */
    private Object buildReport() {
        Envelope.DataParts parts = envelope.parts();
        // bound data already at hand is reused; a data() that failed says nothing about the parts a report reads
        if (!(data instanceof TranscriptionData) && parts.plain()) {
            try {
                String userId = null;
                if (parts.userIdStart() >= 0) {
                    userId = BodyJson.readStringAt(bytes, parts.userIdStart(), MAX_USER_ID_BYTES);
                }
                if (userId != null || parts.userIdStart() < 0) {
                    ReportParts read = ReportParts.read(json, bytes, parts);
                    return CallReports.of(envelope.agentId(), envelope.conversationId(), userId,
                            read.metadata() == null ? null : read.metadata().toModel(), read.analysis(),
                            read.conversationInitiationClientData() == null
                                    ? null : read.conversationInitiationClientData().toModel(),
                            parts.transcriptSent() ? parts.turnCount() : null);
                }
            } catch (JsonFormatException e) {
                // the whole binding below gives the answer the model gives, whatever it is
            }
        }
        try {
            return CallReports.of(data(), envelope.agentId(), envelope.conversationId());
        } catch (MalformedDataException e) {
            return e.getCause();
        }
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
