package dev.postcall;

/**
 * One verified ElevenLabs post-call webhook. Observe this type to see every delivery, unknown types included;
 * observe a subtype to see one kind.
 *
 * <pre>{@code
 * void onAnything(@Observes PostCallEvent event) {
 *     log.info(event.type() + " for " + event.conversationId());
 * }
 * }</pre>
 */
public sealed interface PostCallEvent
        permits TranscriptionEvent, AudioEvent, CallInitiationFailureEvent, UnknownEvent {

    /** The envelope's {@code type}, exactly as sent (for example {@code post_call_transcription}). */
    String type();

    /**
     * The envelope's {@code event_timestamp} in unix seconds (sent as a number or a numeric string); 0 when the
     * envelope has none or it is {@code null}.
     */
    long eventTimestamp();

    /** {@code data.agent_id}, or {@code null} when the payload has none. */
    String agentId();

    /** {@code data.conversation_id}, or {@code null} when the payload has none. */
    String conversationId();

    /** The verified body, byte for byte as received; re-readable. */
    BodySource body();
}
