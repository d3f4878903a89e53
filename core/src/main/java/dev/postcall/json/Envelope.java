package dev.postcall.json;

/**
 * What a streaming read of a webhook body found: the envelope's members, {@code data}'s ids, and where
 * {@code data} and {@code data.full_audio} sit in the body. Internal to postcall; not API.
 *
 * @param type           the envelope's {@code type}
 * @param eventTimestamp the envelope's {@code event_timestamp} in unix seconds; 0 when absent or null
 * @param agentId        {@code data.agent_id} when it is a string, else {@code null}
 * @param conversationId {@code data.conversation_id} when it is a string, else {@code null}
 * @param dataStart      offset of the {@code data} object's opening brace
 * @param dataEnd        offset just past the {@code data} object's closing brace
 * @param audioStart     offset of the first character inside the {@code data.full_audio} string, or -1 when
 *                       {@code full_audio} is absent or not a string
 */
public record Envelope(
        String type,
        long eventTimestamp,
        String agentId,
        String conversationId,
        long dataStart,
        long dataEnd,
        long audioStart) {
}
