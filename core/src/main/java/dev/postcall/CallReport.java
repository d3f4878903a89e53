package dev.postcall;

import dev.postcall.model.CallResult;
import dev.postcall.model.OpenEnum;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything people ask of a call, in one flat record built from a transcription: who called whom, when and how
 * long, what it cost, how it ended, what was said, what was collected and how it was judged.
 *
 * <p>Absent values are {@code null} (numbers included, boxed); maps are never {@code null}. A call whose webhook
 * left the transcript out (its {@code exclude_transcript} setting) has a {@code null} {@link #turnCount()}, not 0:
 *
 * <pre>{@code
 * String turns = r.transcriptSent() ? r.turnCount() + " turns" : "transcript not sent";
 * String customer = r.customerNumber();   // the other party, whatever the direction
 * }</pre>
 *
 * @param agentId           {@code data.agent_id}
 * @param conversationId    {@code data.conversation_id}
 * @param userId            {@code data.user_id}: the end-user id passed when the conversation started
 * @param callerNumber      who called: the external number on inbound calls, the agent's number on outbound ones;
 *                          {@code null} for web and app conversations and when the direction is
 *                          {@link Direction#UNKNOWN}
 * @param calledNumber      who was called: the agent's number on inbound calls, the external number on outbound
 *                          ones; {@code null} when {@code callerNumber} is
 * @param customerNumber    the other party's number ({@code metadata.phone_call.external_number}), whatever the
 *                          direction, unknown ones too; {@code null} for web and app conversations
 * @param agentNumber       the agent's number ({@code metadata.phone_call.agent_number}), whatever the direction;
 *                          {@code null} for web and app conversations
 * @param direction         inbound or outbound phone call; {@link Direction#NONE} for web and app conversations
 * @param startTime         {@code metadata.start_time_unix_secs}; {@code null} when absent or beyond what
 *                          {@link Instant} holds
 * @param duration          {@code metadata.call_duration_secs}
 * @param queueWait         {@code metadata.queue_wait_secs}: how long the caller waited in the queue before the
 *                          agent took the call, not part of {@code duration}; {@code null} when never queued (or
 *                          beyond what {@link Duration} holds)
 * @param cost              {@code metadata.cost}, in credits
 * @param costUsd           {@code metadata.cost_fiat}, in US dollars, when sent
 * @param terminationReason {@code metadata.termination_reason}; {@code null} when absent or empty
 * @param callResult        {@code metadata.phone_call.call_result}: answered, voicemail, busy, no answer or failed;
 *                          {@code null} when not sent
 * @param outcome           {@code analysis.call_successful}
 * @param successScore      {@code analysis.call_success_score}
 * @param summary           {@code analysis.transcript_summary}
 * @param title             {@code analysis.call_summary_title}
 * @param turnCount         the number of transcript turns; {@code null} when the webhook sent no transcript
 * @param collected         data collection results, id to value (a String, Number, Boolean, or {@code null} for a
 *                          JSON null; objects and arrays as {@link jakarta.json.JsonValue}), in payload order;
 *                          unmodifiable
 * @param evaluations       evaluation criteria results, id to outcome, in payload order; unmodifiable
 * @param dynamicVariables  {@code conversation_initiation_client_data.dynamic_variables}, {@code system__*} ones
 *                          included, name to value: a String, Boolean, Long, Double ({@code BigDecimal} beyond a
 *                          double's range), {@code null} for a JSON null, and objects and arrays as
 *                          {@link jakarta.json.JsonValue} (whose {@code toString()} is their JSON); in payload order;
 *                          unmodifiable
 * @param language          {@code metadata.main_language}
 */
public record CallReport(
        String agentId,
        String conversationId,
        String userId,
        String callerNumber,
        String calledNumber,
        String customerNumber,
        String agentNumber,
        Direction direction,
        Instant startTime,
        Duration duration,
        Duration queueWait,
        Long cost,
        Double costUsd,
        String terminationReason,
        OpenEnum<CallResult> callResult,
        Outcome outcome,
        Double successScore,
        String summary,
        String title,
        Integer turnCount,
        Map<String, Object> collected,
        Map<String, Outcome> evaluations,
        Map<String, Object> dynamicVariables,
        String language) {

    /** Makes the maps unmodifiable copies (keeping order and {@code null} values); absent maps become empty. */
    public CallReport {
        collected = copy(collected);
        evaluations = copy(evaluations);
        dynamicVariables = copy(dynamicVariables);
    }

    private static <V> Map<String, V> copy(Map<String, V> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /**
     * Whether the webhook sent the transcript: {@code false} when the webhook's {@code exclude_transcript} setting
     * left it out, and then {@link #turnCount()} is {@code null}.
     */
    public boolean transcriptSent() {
        return turnCount != null;
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
