/**
 * How a running webhook is doing, read-only: {@link dev.postcall.monitoring.Webhooks#all()} lists the webhooks of the
 * application, each a {@link dev.postcall.monitoring.WebhookMonitor} with its
 * {@link dev.postcall.monitoring.WebhookStatistics} (deliveries by type and outcome, rejections by reason, handling
 * time, failures in a row) and its {@link dev.postcall.monitoring.WebhookHealth} (ready, or why not).
 *
 * <p>The same numbers are published, without anything to configure, as a JMX MXBean per webhook named
 * {@code dev.postcall:type=Webhook,context=<context path>,name=<filter-name>}, and as Micrometer meters
 * ({@code postcall.deliveries}, {@code postcall.rejections}, {@code postcall.inbox.failed}, {@code postcall.handling},
 * ...) when Micrometer is on the class path. {@code postcall-cdi} publishes the health as a MicroProfile Health
 * readiness check named {@code postcall} where MicroProfile Health is present. The page docs/operating.md
 * says what to alert on.
 */
package dev.postcall.monitoring;
