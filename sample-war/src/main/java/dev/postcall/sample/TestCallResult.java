package dev.postcall.sample;

/**
 * What {@code POST /api/test-call} answers: which sample was sent for which conversation, and the status the
 * application's own webhook answered (200 when the whole verified path ran).
 *
 * @param sample         the sample's name
 * @param conversationId the conversation id the sample was sent with
 * @param webhookStatus  the webhook's HTTP status
 */
public record TestCallResult(String sample, String conversationId, int webhookStatus) {
}
