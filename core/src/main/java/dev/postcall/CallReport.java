package dev.postcall;

/**
 * Everything people ask of a call, in one flat record built from a transcription.
 * CONTRACT STUB: the model issue gives it its components (caller/called number, direction, user id, start time,
 * duration, cost, termination reason, success, score, summary, title, turn count, collected data, evaluation
 * results, language, agent and conversation ids).
 */
public record CallReport(String agentId, String conversationId) {
}
