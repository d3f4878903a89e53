package dev.postcall.monitoring;

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
}
