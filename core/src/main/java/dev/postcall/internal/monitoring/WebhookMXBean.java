package dev.postcall.internal.monitoring;

import java.util.Map;

/**
 * The JMX view of one webhook, {@code dev.postcall:type=Webhook,context=<context path>,name=<name>}. Counts are
 * since start; times are milliseconds.
 */
public interface WebhookMXBean {
    /** The filter's and servlet's name. */
    String getName();

    /** The web application's context path. */
    String getApplication();

    /** Whether the webhook is ready (its health is UP); probes the inbox. */
    boolean isReady();

    /** Why it is not ready. */
    String[] getProblems();

    /** What needs a look although it is ready. */
    String[] getWarnings();

    /** The secrets the filter verifies with, -1 before it started. */
    int getSecrets();

    /** Requests the filter verified and handed on. */
    long getVerified();

    /** Verified deliveries the servlet answered, every outcome. */
    long getDeliveries();

    /** Deliveries handled. */
    long getHandled();

    /** Deliveries recognised as handled before. */
    long getDuplicates();

    /** Deliveries a handler failed on, kept in {@code failed/}. */
    long getKept();

    /** Deliveries a handler failed on without an inbox to keep them. */
    long getFailed();

    /** Verified bodies that were not an event, or data that does not fit the model without an inbox. */
    long getMalformed();

    /** Deliveries answered 503 because the same event was being handled by another request. */
    long getInProgress();

    /** Deliveries answered 503 because the inbox could not store them. */
    long getInboxUnavailable();

    /** Deliveries by {@code <type>/<outcome>}, only those counted at least once. */
    Map<String, Long> getDeliveriesByTypeAndOutcome();

    /** Requests the filter turned down, every reason. */
    long getRejections();

    /** Requests the filter turned down, by reason (problem type). */
    Map<String, Long> getRejectionsByReason();

    /** Deliveries a handler threw on. */
    long getHandlerFailures();

    /** Entries waiting in the inbox's {@code failed/}. */
    int getInboxFailed();

    /** Non-200 answers to verified deliveries since the last 200. */
    int getConsecutiveFailures();

    /** Deliveries timed. */
    long getHandlingCount();

    /** Their total handling time. */
    double getHandlingTotalMillis();

    /** The mean handling time. */
    double getHandlingMeanMillis();

    /** The longest handling time. */
    double getHandlingMaxMillis();

    /** The median handling time, to within a quarter. */
    double getHandlingMedianMillis();

    /** The 99th percentile of handling time, to within a quarter. */
    double getHandlingP99Millis();

    /**
     * Replays the failed deliveries the store keeps through the webhook's handlers, each claimed first; answers what
     * it did in a line ("replayed 3, failed again 1, claimed elsewhere 0").
     */
    String replayFailed();

    /** Backfill from ElevenLabs' API: {@code off}, or its last run in a line, or why it stopped for good. */
    String getBackfill();

    /** Backfill's watermark (ISO-8601), empty when off or before the first scheduled run stored one. */
    String getBackfillWatermark();

    /** Conversations backfill dispatched and the handlers took (handled, or kept for a replay), since start. */
    long getBackfillDispatched();

    /** The workspace's webhooks as ElevenLabs last reported them, one line each; empty when backfill is off. */
    String[] getElevenLabsWebhooks();

    /** Webhooks ElevenLabs sends nothing to (disabled by a user, or auto-disabled after failures). */
    int getElevenLabsWebhooksOff();

    /** The latest failed delivery ElevenLabs reports for any webhook ({@code HTTP 502 at …}); empty for none. */
    String getElevenLabsLastFailure();

    /**
     * Backfills the window [{@code from}, {@code to}) now (ISO-8601 instants, such as
     * {@code 2026-11-22T08:00:00Z}): every finished conversation that started in it and that this application never
     * received. Answers what it found, dispatched and skipped, in a line.
     */
    String backfill(String from, String to);
}
