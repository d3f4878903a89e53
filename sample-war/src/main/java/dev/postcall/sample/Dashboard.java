package dev.postcall.sample;

import dev.postcall.CallReport;
import dev.postcall.monitoring.WebhookMonitor;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What {@code GET /api/calls} answers and the page shows: the analytics first, then every call (with its
 * transcript), every failed initiation and every event of a type postcall does not model, newest first. Times are
 * ISO-8601 instants, durations whole seconds, costs in credits (and US dollars when the sender gave them); absent
 * values are left out of the JSON.
 *
 * @param analytics  the numbers at the top of the page
 * @param calls      one entry per received call, newest first
 * @param failures   one entry per failed call initiation, newest first
 * @param others     one entry per event of a type postcall does not model, newest first
 * @param elevenLabs backfill's state and the webhooks as ElevenLabs reports them; {@code null} when backfill is off
 *                   (no {@code ELEVENLABS_API_KEY})
 */
public record Dashboard(Analytics analytics, List<CallView> calls, List<FailureView> failures,
                        List<OtherView> others, ElevenLabsView elevenLabs) {

    /**
     * Totals over the calls held.
     *
     * @param callsReceived       calls held (at most {@value ReceivedCalls#LIMIT})
     * @param totalDurationSecs   their summed duration
     * @param averageDurationSecs the mean duration of the calls that gave one, rounded; {@code null} without any
     * @param totalCost           summed cost in credits
     * @param totalCostUsd        summed cost in US dollars, over the calls that gave it; {@code null} without any
     * @param successRate         successful calls over calls judged successful or failed, 0 to 1; {@code null} when
     *                            none was judged
     * @param outcomes            how many calls per outcome ({@code SUCCESS}, {@code FAILURE}, {@code UNKNOWN})
     * @param failedInitiations   failed initiations held
     * @param failuresByReason    failed initiations per reason, as the sender named it
     */
    public record Analytics(int callsReceived, long totalDurationSecs, Long averageDurationSecs, long totalCost,
                            Double totalCostUsd, Double successRate, Map<String, Integer> outcomes,
                            int failedInitiations, Map<String, Integer> failuresByReason) {
    }

    /**
     * One call, flattened from its {@link CallReport}.
     *
     * @param conversationId    the conversation id
     * @param agentId           the agent id
     * @param callerNumber      who called (left out when the direction is unknown)
     * @param calledNumber      who was called (likewise)
     * @param customerNumber    the other party's number, whatever the direction
     * @param agentNumber       the agent's number, whatever the direction
     * @param direction         {@code INBOUND}, {@code OUTBOUND}, {@code NONE} (web or app) or {@code UNKNOWN}
     * @param startedAt         when the call started
     * @param receivedAt        when the webhook arrived here
     * @param durationSecs      how long it lasted
     * @param queueWaitSecs     how long the caller waited in the queue first, when queued
     * @param cost              what it cost, in credits
     * @param costUsd           what it cost in US dollars, when sent
     * @param callResult        the phone call's result as the sender named it ({@code answered}, {@code voicemail},
     *                          {@code busy}, {@code no_answer}, {@code failed} or a newer value), when sent
     * @param outcome           {@code SUCCESS}, {@code FAILURE} or {@code UNKNOWN}
     * @param successScore      the sender's success score, when sent
     * @param title             the summary's title
     * @param summary           the summary
     * @param terminationReason why the call ended
     * @param transcriptSent    whether the webhook sent the transcript (its {@code exclude_transcript} setting may
     *                          leave it out)
     * @param turnCount         transcript turns, as the sender counted them; left out when no transcript was sent
     * @param transcript        the turns, in order: who spoke, when, what, which tools were called (empty when the
     *                          transcript was not sent or did not fit the model)
     * @param language          the main language
     * @param collected         data collection results, id to value
     * @param evaluations       evaluation results, id to outcome
     * @param audioUrl          the MP3's address relative to the application, once the audio arrived
     * @param receivedBy        {@code webhook}, or {@code backfill} when postcall fetched it from ElevenLabs'
     *                          Conversations API because no webhook brought it
     */
    public record CallView(String conversationId, String agentId, String callerNumber, String calledNumber,
                           String customerNumber, String agentNumber, String direction, String startedAt,
                           String receivedAt, Long durationSecs, Double queueWaitSecs, Long cost, Double costUsd,
                           String callResult, String outcome, Double successScore, String title, String summary,
                           String terminationReason, boolean transcriptSent, Integer turnCount,
                           List<ReceivedCalls.Turn> transcript, String language, Map<String, Object> collected,
                           Map<String, String> evaluations, String audioUrl, String receivedBy) {
    }

    /**
     * What backfill knows and what ElevenLabs last said of the workspace's webhooks.
     *
     * @param state        {@code on}, or why backfill stopped (ElevenLabs refused the API key)
     * @param lastRun      the last backfill run in a line; {@code null} before the first
     * @param checkedAt    when ElevenLabs was last asked about the webhooks; {@code null} before
     * @param webhooks     each webhook that may carry post-call events
     * @param watchProblem why the last question failed; {@code null} when it did not
     */
    public record ElevenLabsView(String state, String lastRun, String checkedAt, List<WebhookView> webhooks,
                                 String watchProblem) {
    }

    /**
     * One webhook of the workspace as ElevenLabs reports it.
     *
     * @param name          its name
     * @param state         {@code enabled}, {@code disabled} (by a user) or {@code auto-disabled} (by ElevenLabs,
     *                      after failed deliveries: it sends nothing until it is enabled again)
     * @param lastFailure   its last failed delivery ({@code HTTP 502 at …}); {@code null} for none
     */
    public record WebhookView(String name, String state, String lastFailure) {
    }

    /**
     * One call that never connected.
     *
     * @param conversationId the conversation id
     * @param agentId        the agent id
     * @param reason         {@code busy}, {@code no-answer}, {@code unknown} or a newer value
     * @param provider       {@code sip}, {@code twilio} or a newer value
     * @param sipStatusCode  the SIP status, when sent
     * @param receivedAt     when the webhook arrived here
     */
    public record FailureView(String conversationId, String agentId, String reason, String provider,
                              Integer sipStatusCode, String receivedAt) {
    }

    /**
     * An event of a type postcall does not model (the sender added it later): listed so that it leaves a trace.
     *
     * @param type           the event's {@code type}
     * @param conversationId its conversation id, when it has one
     * @param eventTime      its {@code event_timestamp}, when it has one
     * @param receivedAt     when the webhook arrived here
     */
    public record OtherView(String type, String conversationId, String eventTime, String receivedAt) {
    }

    /** The dashboard of what {@code received} holds now, without backfill. */
    public static Dashboard of(ReceivedCalls received) {
        return of(received, Optional.empty());
    }

    /** The dashboard of what {@code received} holds now, and of backfill's {@code status} when it is on. */
    public static Dashboard of(ReceivedCalls received, Optional<WebhookMonitor.BackfillStatus> status) {
        List<ReceivedCalls.Call> calls = received.calls();
        List<ReceivedCalls.FailedInitiation> failures = received.failures();
        return new Dashboard(analytics(calls, failures),
                calls.stream().map(Dashboard::view).toList(),
                failures.stream().map(f -> new FailureView(f.conversationId(), f.agentId(), f.reason(),
                        f.provider(), f.sipStatusCode(), f.receivedAt().toString())).toList(),
                received.others().stream().map(o -> new OtherView(o.type(), o.conversationId(),
                        o.eventTime() == null ? null : o.eventTime().toString(), o.receivedAt().toString())).toList(),
                status.map(Dashboard::elevenLabs).orElse(null));
    }

    private static ElevenLabsView elevenLabs(WebhookMonitor.BackfillStatus status) {
        List<WebhookView> webhooks = status.webhooks().stream().map(w -> new WebhookView(w.name(),
                w.autoDisabled() ? "auto-disabled" : w.disabled() ? "disabled" : "enabled",
                w.lastFailureAt() == null && w.lastFailureStatus() == null ? null
                        : (w.lastFailureStatus() == null ? "" : "HTTP " + w.lastFailureStatus() + " ")
                        + (w.lastFailureAt() == null ? "" : "at " + w.lastFailureAt()))).toList();
        return new ElevenLabsView(status.keyRejected() == null ? "on" : "stopped: " + status.keyRejected(),
                status.lastRun() == null ? null : status.lastRun().summary(),
                status.webhooksCheckedAt() == null ? null : status.webhooksCheckedAt().toString(), webhooks,
                status.watchProblem());
    }

    private static Analytics analytics(List<ReceivedCalls.Call> calls, List<ReceivedCalls.FailedInitiation> failures) {
        long totalSecs = 0;
        int timed = 0;
        long cost = 0;
        double usd = 0;
        boolean anyUsd = false;
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        for (CallReport.Outcome o : CallReport.Outcome.values()) {
            outcomes.put(o.name(), 0);
        }
        for (ReceivedCalls.Call call : calls) {
            CallReport r = call.report();
            if (r.duration() != null) {
                totalSecs += r.duration().toSeconds();
                timed++;
            }
            if (r.cost() != null) {
                cost += r.cost();
            }
            if (r.costUsd() != null) {
                usd += r.costUsd();
                anyUsd = true;
            }
            CallReport.Outcome outcome = r.outcome() == null ? CallReport.Outcome.UNKNOWN : r.outcome();
            outcomes.merge(outcome.name(), 1, Integer::sum);
        }
        int judged = outcomes.get("SUCCESS") + outcomes.get("FAILURE");
        Map<String, Integer> byReason = new TreeMap<>();
        for (ReceivedCalls.FailedInitiation f : failures) {
            byReason.merge(f.reason() == null ? "unknown" : f.reason(), 1, Integer::sum);
        }
        return new Analytics(calls.size(), totalSecs, timed == 0 ? null : Math.round((double) totalSecs / timed),
                cost, anyUsd ? usd : null, judged == 0 ? null : (double) outcomes.get("SUCCESS") / judged,
                outcomes, failures.size(), byReason);
    }

    private static CallView view(ReceivedCalls.Call call) {
        CallReport r = call.report();
        Map<String, String> evaluations = new LinkedHashMap<>();
        r.evaluations().forEach((id, outcome) -> evaluations.put(id, outcome == null ? null : outcome.name()));
        return new CallView(r.conversationId(), r.agentId(), r.callerNumber(), r.calledNumber(), r.customerNumber(),
                r.agentNumber(), r.direction() == null ? null : r.direction().name(),
                r.startTime() == null ? null : r.startTime().toString(), call.receivedAt().toString(),
                r.duration() == null ? null : r.duration().toSeconds(), seconds(r.queueWait()), r.cost(), r.costUsd(),
                r.callResult() == null ? null : r.callResult().raw(),
                r.outcome() == null ? null : r.outcome().name(), r.successScore(), r.title(), r.summary(),
                r.terminationReason(), r.transcriptSent(), r.turnCount(), call.transcript(), r.language(),
                r.collected(), evaluations, call.audio() == null ? null : audioPath(r.conversationId()),
                call.backfilled() ? "backfill" : "webhook");
    }

    /** Seconds with their fraction; {@code null} for none. */
    private static Double seconds(Duration duration) {
        return duration == null ? null : duration.toSeconds() + duration.toNanosPart() / 1e9;
    }

    /** The audio's address relative to the application root, as the page and the API use it. */
    static String audioPath(String conversationId) {
        return "api/calls/" + URLEncoder.encode(conversationId, StandardCharsets.UTF_8).replace("+", "%20")
                + "/audio";
    }
}
