package dev.postcall.monitoring;

/**
 * One webhook endpoint of this application, read-only: its numbers since it started and whether it can take
 * deliveries now. postcall's filter and servlet of one name in one web application make one webhook; find them with
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
}
