package dev.postcall;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything people ask of a call, in one flat record built from a transcription: who called whom, when and how
 * long, what it cost, how it ended, what was said, what was collected and how it was judged.
 *
 * <p>Absent values are {@code null} (numbers included, boxed); maps are never {@code null}.
 *
 * @param agentId           {@code data.agent_id}
 * @param conversationId    {@code data.conversation_id}
 * @param userId            {@code data.user_id}: the end-user id passed when the conversation started
 * @param callerNumber      who called: the external number on inbound calls, the agent's number on outbound ones;
 *                          {@code null} for web and app conversations
 * @param calledNumber      who was called: the agent's number on inbound calls, the external number on outbound ones
 * @param direction         inbound or outbound phone call; {@link Direction#NONE} for web and app conversations
 * @param startTime         {@code metadata.start_time_unix_secs}; {@code null} when absent or beyond what
 *                          {@link Instant} holds
 * @param duration          {@code metadata.call_duration_secs}
 * @param cost              {@code metadata.cost}, in credits
 * @param costUsd           {@code metadata.cost_fiat}, in US dollars, when sent
 * @param terminationReason {@code metadata.termination_reason}; {@code null} when absent or empty
 * @param outcome           {@code analysis.call_successful}
 * @param successScore      {@code analysis.call_success_score}
 * @param summary           {@code analysis.transcript_summary}
 * @param title             {@code analysis.call_summary_title}
 * @param turnCount         the number of transcript turns
 * @param collected         data collection results, id to value (a String, Number, Boolean, or {@code null} for a
 *                          JSON null), in payload order; unmodifiable
 * @param evaluations       evaluation criteria results, id to outcome, in payload order; unmodifiable
 * @param language          {@code metadata.main_language}
 */
public record CallReport(
        String agentId,
        String conversationId,
        String userId,
        String callerNumber,
        String calledNumber,
        Direction direction,
        Instant startTime,
        Duration duration,
        Long cost,
        Double costUsd,
        String terminationReason,
        Outcome outcome,
        Double successScore,
        String summary,
        String title,
        int turnCount,
        Map<String, Object> collected,
        Map<String, Outcome> evaluations,
        String language) {

    /** Makes the maps unmodifiable copies (keeping order and {@code null} values); absent maps become empty. */
    public CallReport {
        collected = collected == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(collected));
        evaluations = evaluations == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(evaluations));
    }

    /** Which way a phone call went. */
    public enum Direction {
        /** The external party called the agent. */
        INBOUND,
        /** The agent called the external party. */
        OUTBOUND,
        /** Not a phone call (web, app or widget conversation). */
        NONE,
        /** A phone call whose direction the sender gave as something postcall does not know. */
        UNKNOWN
    }

    /** How an evaluation (or the whole call) was judged: the sender's {@code success}/{@code failure}/{@code unknown}. */
    public enum Outcome {
        /** {@code success} */
        SUCCESS,
        /** {@code failure} */
        FAILURE,
        /** {@code unknown}, absent, or a value postcall does not know */
        UNKNOWN
    }
}
