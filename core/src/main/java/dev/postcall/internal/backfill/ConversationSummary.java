package dev.postcall.internal.backfill;

import jakarta.json.JsonObject;

import java.time.Instant;

/**
 * One conversation of a page of {@code GET /v1/convai/conversations} (the SDK's
 * {@code ConversationSummaryResponseModel}), the members backfill reads; the rest are ignored.
 *
 * @param conversationId    {@code conversation_id}
 * @param agentId           {@code agent_id}
 * @param startTimeUnixSecs {@code start_time_unix_secs}
 * @param callDurationSecs  {@code call_duration_secs}
 * @param status            {@code status}: {@code initiated}, {@code in-progress}, {@code processing}, {@code done}
 *                          or {@code failed} (a value the SDK does not know yet is kept as sent)
 */
public record ConversationSummary(String conversationId, String agentId, long startTimeUnixSecs,
                                  long callDurationSecs, String status) {

    /** The statuses of a conversation whose post-call processing is over: nothing about it changes any more. */
    public boolean finished() {
        return "done".equals(status) || "failed".equals(status);
    }

    /** When the call started. */
    public Instant started() {
        return Instant.ofEpochSecond(startTimeUnixSecs);
    }

    /**
     * The {@code event_timestamp} a backfilled event of this conversation carries: the call's end, start plus
     * duration. The webhook's own timestamp (when the sender built it, after the analysis) is not in the API; this
     * one is the same on every fetch, so a conversation backfilled twice is the same delivery to the store.
     */
    public long eventTimestamp() {
        return startTimeUnixSecs + callDurationSecs;
    }

    static ConversationSummary of(JsonObject json) {
        return new ConversationSummary(Wire.string(json, "conversation_id"), Wire.string(json, "agent_id"),
                Wire.count(json, "start_time_unix_secs"), Wire.count(json, "call_duration_secs"),
                Wire.string(json, "status"));
    }
}
