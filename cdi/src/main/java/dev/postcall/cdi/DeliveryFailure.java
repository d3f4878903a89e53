package dev.postcall.cdi;

/**
 * Fired (synchronously, as a CDI event) when an {@code @ObservesAsync} observer of a post-call event throws. The
 * webhook was already answered by then, so this is the application's chance to record or retry the work.
 *
 * <pre>{@code
 * void onLostWork(@Observes DeliveryFailure failure) {
 *     alerts.raise("async handling failed for " + failure.conversationId(), failure.failure());
 * }
 * }</pre>
 *
 * <p>It is fired once for each observer that failed, on the thread that completed the asynchronous delivery. An
 * exception thrown by an observer of this event is logged and otherwise ignored.
 *
 * @param type the event's {@code type}, for example {@code post_call_transcription}
 * @param conversationId {@code data.conversation_id}, or {@code null} when the payload has none
 * @param agentId {@code data.agent_id}, or {@code null} when the payload has none
 * @param eventTimestamp the envelope's {@code event_timestamp} in unix seconds; with the type and conversation id it
 *     names one delivery
 * @param failure what the observer threw
 */
public record DeliveryFailure(String type, String conversationId, String agentId, long eventTimestamp,
                              Throwable failure) {
}
