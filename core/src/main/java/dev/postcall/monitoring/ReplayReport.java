package dev.postcall.monitoring;

import java.util.List;

/**
 * What a replay of the failed deliveries a webhook's store keeps did ({@link WebhookMonitor#replayFailed()}).
 *
 * @param replayed         how many were handled now
 * @param failedAgain      the store's ids of those that failed again and stay kept
 * @param claimedElsewhere how many were taken meanwhile (by the sender's retry, another node or another replay),
 *                         or were handled before
 *
 * <pre>{@code
 * ReplayReport report = Webhooks.find("/", "postcall").replayFailed();   // application "/", webhook "postcall"
 * log.info(report.replayed() + " replayed, " + report.failedAgain().size() + " failed again");
 * }</pre>
 */
public record ReplayReport(int replayed, List<String> failedAgain, int claimedElsewhere) {

    /** Copies the list. */
    public ReplayReport {
        failedAgain = List.copyOf(failedAgain);
    }
}
