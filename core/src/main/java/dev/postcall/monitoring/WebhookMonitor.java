package dev.postcall.monitoring;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One webhook endpoint of this application: its numbers since it started, whether it can take deliveries now, and
 * the replay of what its handlers failed on. postcall's filter and servlet of one name in one web application make one webhook; find them with
 * {@link Webhooks#all()}.
 *
 * <pre>{@code
 * for (WebhookMonitor webhook : Webhooks.all()) {
 *     WebhookHealth health = webhook.health();
 *     WebhookStatistics numbers = webhook.statistics();
 *     log.info(webhook.name() + " " + health.status() + ", " + numbers.consecutiveFailures() + " failures in a row");
 * }
 * }</pre>
 */
public interface WebhookMonitor {

    /** The filter's and servlet's name ({@code <filter-name>} in {@code web.xml}), such as {@code postcall}. */
    String name();

    /** The web application's context path, {@code /} for the root. */
    String application();

    /** The counts since start; a consistent-enough snapshot, taken without stopping deliveries. */
    WebhookStatistics statistics();

    /** Whether the webhook can take deliveries now; checks that the inbox, if any, can be written, each call. */
    WebhookHealth health();

    /**
     * Replays the failed deliveries the webhook's store keeps through the webhook's own handlers, oldest first, on
     * this thread (an admin endpoint of yours, say): each is claimed before it is dispatched, so a replay and the
     * sender's retry (or another replay, on any node) never both run the handlers; each is logged and counted as a
     * delivery. A store that keeps no bodies has nothing to replay.
     *
     * <pre>{@code
     * ReplayReport report = Webhooks.find("/", "postcall").replayFailed();
     * log.info(report.replayed() + " replayed, failing again: " + report.failedAgain());
     * }</pre>
     *
     * @throws java.io.IOException   when the store cannot list its failed deliveries
     * @throws IllegalStateException when the webhook's servlet is not running
     */
    default ReplayReport replayFailed() throws java.io.IOException {
        throw new IllegalStateException("webhook '" + name() + "' keeps no deliveries to replay");
    }

    /**
     * Backfill from ElevenLabs' Conversations API and the watch on the webhook's state at ElevenLabs, when the
     * servlet runs them ({@code backfill-api-key} is set); empty otherwise. Read from memory: no call to ElevenLabs or
     * to the store.
     *
     * <pre>{@code
     * webhook.backfillStatus().ifPresent(b -> b.webhooks().stream().filter(ElevenLabsWebhook::off)
     *         .forEach(w -> alert(w.name() + " is off at ElevenLabs")));
     * }</pre>
     */
    default Optional<BackfillStatus> backfillStatus() {
        return Optional.empty();
    }

    /**
     * Backfills the window [{@code from}, {@code to}) now, on this thread, after a known outage: every finished
     * conversation that started in it and that this application never received is fetched and handled as a
     * backfilled event (the same handlers, log line and counts as a webhook). The scheduled watermark is neither read
     * nor moved; a scheduled run in progress is waited for.
     *
     * <pre>{@code
     * BackfillRun run = webhook.backfill(Instant.parse("2026-11-22T08:00:00Z"), Instant.parse("2026-11-22T10:00:00Z"));
     * log.info(run.summary());
     * }</pre>
     *
     * @throws IllegalArgumentException when {@code from} is not before {@code to}
     * @throws IllegalStateException    when backfill is off for this webhook
     */
    default BackfillRun backfill(Instant from, Instant to) {
        throw new IllegalStateException("backfill is off for webhook '" + name() + "': set backfill-api-key");
    }

    /**
     * What one backfill run found and did.
     *
     * @param from                 the window's start, inclusive; {@code null} when the run did not start
     * @param to                   the window's end, exclusive; {@code null} when the run did not start
     * @param completed            whether it went through its whole window
     * @param found                conversations of the window the API listed
     * @param dispatched           conversations whose transcription went to the handlers (handled, or kept for a
     *                             replay)
     * @param recordingsDispatched recordings that went to the handlers ({@code backfill-audio})
     * @param alreadyReceived      conversations this application had received already, by webhook or backfill
     * @param skipped              the other conversations, counted by reason ({@code UNFINISHED}, {@code GONE},
     *                             {@code NOT_FETCHED}, ...)
     * @param stoppedBy            why it stopped before the end of its window; {@code null} when it completed
     * @param summary              all of it in one line, as the log shows it
     */
    record BackfillRun(Instant from, Instant to, boolean completed, int found, int dispatched,
                       int recordingsDispatched, int alreadyReceived, Map<String, Integer> skipped, String stoppedBy,
                       String summary) {
        /** Copies the map. */
        public BackfillRun {
            skipped = Map.copyOf(skipped);
        }
    }

    /**
     * Backfill's state and what ElevenLabs last said of the workspace's webhooks.
     *
     * @param keyRejected       why backfill and the watch stopped for good (ElevenLabs refused the API key), or
     *                          {@code null}
     * @param watermark         every conversation that started before it is settled; {@code null} before the first
     *                          scheduled run stored one
     * @param lastRun           the last run, scheduled or on demand; {@code null} before the first
     * @param webhooksCheckedAt when the watch last asked ElevenLabs; {@code null} before it first did
     * @param webhooks          the workspace's webhooks that may carry post-call events, as ElevenLabs last reported
     *                          them
     * @param watchProblem      why the watch's last question failed, or {@code null}
     */
    record BackfillStatus(String keyRejected, Instant watermark, BackfillRun lastRun, Instant webhooksCheckedAt,
                          List<ElevenLabsWebhook> webhooks, String watchProblem) {
        /** Copies the list. */
        public BackfillStatus {
            webhooks = List.copyOf(webhooks);
        }
    }

    /**
     * One webhook of the workspace, as ElevenLabs reports it ({@code GET /v1/workspace/webhooks}); never its URL.
     *
     * @param id                its {@code webhook_id}
     * @param name              its name
     * @param disabled          switched off by a user
     * @param autoDisabled      switched off by ElevenLabs after failed deliveries
     * @param lastFailureStatus the HTTP status of its last failed delivery, or {@code null}
     * @param lastFailureAt     when that was, or {@code null}
     */
    record ElevenLabsWebhook(String id, String name, boolean disabled, boolean autoDisabled,
                             Integer lastFailureStatus, Instant lastFailureAt) {
        /** Whether ElevenLabs sends it nothing. */
        public boolean off() {
            return disabled || autoDisabled;
        }
    }
}
