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

    /**
     * Whether postcall fetched this conversation from ElevenLabs' Conversations API because no webhook for it had
     * arrived ("backfill"), instead of receiving it as a webhook. {@code false} for every webhook and every replay
     * of one; {@code true} for an event that backfill fetched and for every replay of it.
     *
     * <p>A backfilled event's body is {@code {"type":…,"event_timestamp":…,"postcall_backfilled":true,"data":…}}
     * around the conversation exactly as the API returned it (for an {@link AudioEvent}, the recording in
     * {@code data.full_audio}), so it reads like the webhook would have; the member {@code postcall_backfilled} is
     * what makes this method answer {@code true}, also when a store keeps the delivery and replays it later. Two
     * things differ from a webhook: {@link #eventTimestamp()} is the call's end
     * ({@code start_time_unix_secs + call_duration_secs} of the API's conversation summary), not a time the sender
     * chose, and the same for every fetch of that conversation; {@link #answered()} is complete already, since no
     * sender waits for an answer.
     *
     * <pre>{@code
     * void onCall(@Observes TranscriptionEvent call) {
     *     crm.save(call.report(), call.backfilled() ? "recovered from the API" : "webhook");
     * }
     * }</pre>
     */
    boolean backfilled();

    /**
     * Keeps this event's body readable until the returned lease is closed, for work that goes on after the handler
     * returned (another thread, after the answer). A body postcall's servlet buffered in a temp file is otherwise
     * deleted when the request ends. Call it while the event is being handled, on that thread; then close the lease
     * where the work ends, once (closing it again does nothing). Same as {@code body().retain()}.
     *
     * <pre>{@code
     * public void handle(PostCallEvent event) {
     *     BodySource.Lease lease = event.retain();
     *     executor.execute(() -> {
     *         try (lease) {
     *             event.answered().toCompletableFuture().join();   // optional: after the sender has its answer
     *             archive(event);
     *         }
     *     });
     * }
     * }</pre>
     *
     * @throws IllegalStateException when the body was released already (the request ended before the call)
     */
    BodySource.Lease retain();

    /**
     * Completes once the answer to the delivery that carried this event has been sent: when postcall's servlet
     * has written its response, whatever its status. An event you parsed yourself with
     * {@link EventParser#parse(BodySource)} has no answer to wait for: the stage is complete already. Never
     * completes exceptionally.
     */
    java.util.concurrent.CompletionStage<Void> answered();
}
