package dev.postcall;

import dev.postcall.internal.json.BodyJson;
import dev.postcall.internal.json.Envelope;
import dev.postcall.internal.json.JsonFormatException;
import dev.postcall.internal.json.ModelJson;
import dev.postcall.model.CallInitiationFailureData;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Parses a verified webhook body into its typed {@link PostCallEvent}. Thread-safe; create one and share it.
 *
 * <pre>{@code
 * PostCallEvent event = new EventParser().parse(BodySource.ofBytes(body));
 * }</pre>
 *
 * <p>{@link #parse} reads the body once as a stream of bytes, checks that it is one well-formed JSON object and
 * picks out the envelope; it never builds the body's large strings (an audio body of any size is fine) and never
 * hands the whole body to JSON-P or JSON-B. The typed content is bound with JSON-B when first asked for.
 */
public final class EventParser {

    /** The {@code type} of a transcription webhook. */
    public static final String TRANSCRIPTION = "post_call_transcription";
    /** The {@code type} of an audio webhook. */
    public static final String AUDIO = "post_call_audio";
    /** The {@code type} of a call initiation failure webhook. */
    public static final String CALL_INITIATION_FAILURE = "call_initiation_failure";

    private static final CompletionStage<Void> NO_ANSWER = CompletableFuture.<Void>completedFuture(null)
            .minimalCompletionStage();

    private final ModelJson json = new ModelJson();

    /** Creates a parser (its JSON-B instance is built lazily, once). */
    public EventParser() {
    }

    /**
     * Reads the envelope ({@code type}, {@code event_timestamp}, {@code data}) with a streaming read and returns the
     * typed event. A transcription's content is bound when first asked for ({@link TranscriptionEvent#data()});
     * a call initiation failure's, which is small, here. An absent or null {@code event_timestamp} reads as 0; a
     * {@code type} postcall does not model gives an {@link UnknownEvent}.
     *
     * <p>A body postcall's backfill built from ElevenLabs' Conversations API carries the top-level member
     * {@code "postcall_backfilled": true}, which makes the event's {@link PostCallEvent#backfilled()} true: so a
     * backfilled delivery kept by a store and replayed later says so too, from its body alone. The vendor's webhooks
     * never carry that member (a signed body that does was signed by someone holding your webhook secret).
     *
     * @throws MalformedEventException when the body is not JSON, not an object, or lacks {@code type} or {@code data};
     *                                 when an audio event has no {@code data.full_audio} string; when a failure
     *                                 event's {@code data} does not fit the model
     * @throws IllegalStateException   when no JSON-B implementation is available (a deployment problem)
     */
    public PostCallEvent parse(BodySource body) throws MalformedEventException {
        return read(body, NO_ANSWER);
    }

    /**
     * {@link #parse(BodySource)} for a delivery whose answer is still to be sent: the event's
     * {@link PostCallEvent#answered()} is {@code answered}. For an integration that answers the sender itself and
     * completes {@code answered} once it has.
     *
     * @throws MalformedEventException as {@link #parse(BodySource)} does
     */
    public PostCallEvent parse(BodySource body, CompletionStage<Void> answered) throws MalformedEventException {
        Objects.requireNonNull(answered, "answered");
        return read(body, answered);
    }

    private PostCallEvent read(BodySource body, CompletionStage<Void> answered) throws MalformedEventException {
        Objects.requireNonNull(body, "body");
        BodyBytes bytes = new BodyBytes(body);
        Envelope envelope;
        try {
            envelope = BodyJson.readEnvelope(bytes);
        } catch (JsonFormatException e) {
            throw BodyBytes.malformed(e);
        } catch (RuntimeException e) {
            throw new MalformedEventException("could not read the envelope", e);
        }
        boolean backfilled = envelope.backfilled();
        switch (envelope.type()) {
            case TRANSCRIPTION:
                return new TranscriptionEvent(envelope, bytes, body, answered, backfilled, json);
            case AUDIO:
                if (envelope.audioStart() < 0) {
                    throw new MalformedEventException("a post_call_audio event without a 'data.full_audio' string");
                }
                return new AudioEvent(envelope, bytes, body, answered, backfilled);
            case CALL_INITIATION_FAILURE:
                try {
                    return new CallInitiationFailureEvent(envelope, bytes, body, answered, backfilled,
                            json.read(bytes, envelope.dataStart(), envelope.dataEnd(),
                                    CallInitiationFailureData.class));
                } catch (JsonFormatException e) {
                    throw BodyBytes.malformed(e);
                }
            default:
                return new UnknownEvent(envelope, bytes, body, answered, backfilled);
        }
    }
}
