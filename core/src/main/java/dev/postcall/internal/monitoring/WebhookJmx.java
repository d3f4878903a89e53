package dev.postcall.internal.monitoring;

import dev.postcall.internal.backfill.BackfillReport;
import dev.postcall.internal.backfill.WebhookWatchState;
import dev.postcall.monitoring.ReplayReport;

import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * Publishes a {@link Webhook} on the platform MBean server as {@code dev.postcall:type=Webhook,context=…,name=…}; a
 * second one under the same name (two servers in one JVM with the same context path) gets {@code ,instance=2}, and
 * so on, never an error.
 */
final class WebhookJmx implements WebhookMXBean {
    private static final System.Logger LOG = System.getLogger("dev.postcall.monitoring");
    static final String DOMAIN = "dev.postcall";

    private final Webhook webhook;

    private WebhookJmx(Webhook webhook) {
        this.webhook = webhook;
    }

    /** Registers the webhook's MXBean; returns its name, or {@code null} when JMX is not available here. */
    static ObjectName register(Webhook webhook) {
        MBeanServer server;
        try {
            server = ManagementFactory.getPlatformMBeanServer();
        } catch (RuntimeException | LinkageError e) { // a security manager, or a platform without JMX
            LOG.log(Level.WARNING, "postcall webhook " + webhook + ": no JMX MBean (" + e + ")");
            return null;
        }
        String base = DOMAIN + ":type=Webhook,context=" + quoteIfNeeded(webhook.application()) + ",name="
                + quoteIfNeeded(webhook.name());
        try {
            StandardMBean bean = new StandardMBean(new WebhookJmx(webhook), WebhookMXBean.class, true);
            for (int instance = 1; ; instance++) {
                ObjectName name = new ObjectName(instance == 1 ? base : base + ",instance=" + instance);
                try {
                    return server.registerMBean(bean, name).getObjectName();
                } catch (InstanceAlreadyExistsException e) {
                    // another application (or server in this JVM) has this name: take the next instance
                }
            }
        } catch (JMException | RuntimeException e) {
            LOG.log(Level.WARNING, "postcall webhook " + webhook + ": no JMX MBean (" + e + ")");
            return null;
        }
    }

    static void unregister(Object name) {
        if (name == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean((ObjectName) name);
        } catch (JMException | RuntimeException e) {
            LOG.log(Level.DEBUG, "postcall: MBean " + name + " was unregistered already (" + e + ")");
        }
    }

    static String name(Object name) {
        return name == null ? null : name.toString();
    }

    private static String quoteIfNeeded(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (",=:\"*?\n\\".indexOf(value.charAt(i)) >= 0) {
                return ObjectName.quote(value);
            }
        }
        return value;
    }

    @Override
    public String getName() {
        return webhook.name();
    }

    @Override
    public String getApplication() {
        return webhook.application();
    }

    @Override
    public boolean isReady() {
        return webhook.health().isUp();
    }

    @Override
    public String[] getProblems() {
        return webhook.health().problems().toArray(new String[0]);
    }

    @Override
    public String[] getWarnings() {
        return webhook.health().warnings().toArray(new String[0]);
    }

    @Override
    public int getSecrets() {
        return webhook.secrets();
    }

    @Override
    public long getVerified() {
        return webhook.verifiedCount();
    }

    @Override
    public long getDeliveries() {
        long sum = 0;
        for (DeliveryOutcome outcome : DeliveryOutcome.values()) {
            sum += webhook.deliveries(outcome);
        }
        return sum;
    }

    @Override
    public long getHandled() {
        return webhook.deliveries(DeliveryOutcome.HANDLED);
    }

    @Override
    public long getDuplicates() {
        return webhook.deliveries(DeliveryOutcome.DUPLICATE);
    }

    @Override
    public long getKept() {
        return webhook.deliveries(DeliveryOutcome.KEPT);
    }

    @Override
    public long getFailed() {
        return webhook.deliveries(DeliveryOutcome.FAILED);
    }

    @Override
    public long getMalformed() {
        return webhook.deliveries(DeliveryOutcome.MALFORMED);
    }

    @Override
    public long getInProgress() {
        return webhook.deliveries(DeliveryOutcome.IN_PROGRESS);
    }

    @Override
    public long getInboxUnavailable() {
        return webhook.deliveries(DeliveryOutcome.INBOX_UNAVAILABLE);
    }

    @Override
    public Map<String, Long> getDeliveriesByTypeAndOutcome() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (DeliveryType type : DeliveryType.values()) {
            for (DeliveryOutcome outcome : DeliveryOutcome.values()) {
                long n = webhook.deliveries(type, outcome);
                if (n > 0) {
                    counts.put(type.label + "/" + outcome.label, n);
                }
            }
        }
        return counts;
    }

    @Override
    public long getRejections() {
        long sum = 0;
        for (int i = 0; i < webhook.reasons().size(); i++) {
            sum += webhook.rejections(i);
        }
        return sum;
    }

    @Override
    public Map<String, Long> getRejectionsByReason() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (int i = 0; i < webhook.reasons().size(); i++) {
            counts.put(webhook.reasons().get(i), webhook.rejections(i));
        }
        return counts;
    }

    @Override
    public long getHandlerFailures() {
        return webhook.handlerFailures();
    }

    @Override
    public int getInboxFailed() {
        return webhook.inboxFailed();
    }

    @Override
    public int getConsecutiveFailures() {
        return webhook.streak().length();
    }

    @Override
    public long getHandlingCount() {
        return webhook.times().count();
    }

    @Override
    public double getHandlingTotalMillis() {
        return webhook.times().totalNanos() / 1e6;
    }

    @Override
    public double getHandlingMeanMillis() {
        long count = webhook.times().count();
        return count == 0 ? 0 : webhook.times().totalNanos() / 1e6 / count;
    }

    @Override
    public double getHandlingMaxMillis() {
        return webhook.times().maxNanos() / 1e6;
    }

    @Override
    public double getHandlingMedianMillis() {
        return webhook.times().quantile(0.5).toNanos() / 1e6;
    }

    @Override
    public double getHandlingP99Millis() {
        return webhook.times().quantile(0.99).toNanos() / 1e6;
    }

    @Override
    public String replayFailed() {
        try {
            ReplayReport report = webhook.replayFailed();
            return "replayed " + report.replayed() + ", failed again " + report.failedAgain().size()
                    + ", claimed elsewhere " + report.claimedElsewhere();
        } catch (java.io.IOException | RuntimeException e) {
            // an MBean client may not have postcall's classes: the answer is text, the cause a line of it
            throw new IllegalStateException("replay failed: " + e.getMessage());
        }
    }

    @Override
    public String getBackfill() {
        Webhook.Backfiller backfiller = webhook.backfiller();
        if (backfiller == null) {
            return "off";
        }
        return backfiller.keyRejected().map(r -> "stopped: " + r)
                .orElseGet(() -> backfiller.lastRun().map(BackfillReport::summary).orElse("on, no run yet"));
    }

    @Override
    public String getBackfillWatermark() {
        Webhook.Backfiller backfiller = webhook.backfiller();
        return backfiller == null ? "" : backfiller.lastWatermark().map(Instant::toString).orElse("");
    }

    @Override
    public long getBackfillDispatched() {
        return webhook.backfillCount(DeliveryOutcome.HANDLED) + webhook.backfillCount(DeliveryOutcome.KEPT);
    }

    @Override
    public String[] getElevenLabsWebhooks() {
        Webhook.Backfiller backfiller = webhook.backfiller();
        if (backfiller == null) {
            return new String[0];
        }
        return backfiller.watch().webhooks().stream().map(w -> "'" + w.name() + "' (" + w.id() + "): "
                + (w.autoDisabled() ? "disabled by ElevenLabs after failed deliveries"
                : w.disabled() ? "disabled" : "enabled")
                + (w.lastFailureAt() == null && w.lastFailureStatus() == null ? ""
                : "; last failure " + (w.lastFailureStatus() == null ? "" : "HTTP " + w.lastFailureStatus() + " ")
                + (w.lastFailureAt() == null ? "" : "at " + w.lastFailureAt())))
                .toArray(String[]::new);
    }

    @Override
    public int getElevenLabsWebhooksOff() {
        Webhook.Backfiller backfiller = webhook.backfiller();
        return backfiller == null ? 0 : backfiller.watch().disabled() + backfiller.watch().autoDisabled();
    }

    @Override
    public String getElevenLabsLastFailure() {
        Webhook.Backfiller backfiller = webhook.backfiller();
        if (backfiller == null) {
            return "";
        }
        return backfiller.watch().webhooks().stream().filter(w -> w.lastFailureAt() != null)
                .max(Comparator.comparing(WebhookWatchState.Webhook::lastFailureAt))
                .map(w -> (w.lastFailureStatus() == null ? "" : "HTTP " + w.lastFailureStatus() + " ") + "at "
                        + w.lastFailureAt() + " ('" + w.name() + "')")
                .orElse("");
    }

    @Override
    public String backfill(String from, String to) {
        Instant start;
        Instant end;
        try {
            start = Instant.parse(from.strip());
            end = Instant.parse(to.strip());
        } catch (DateTimeParseException | NullPointerException e) {
            throw new IllegalArgumentException("write the window as ISO-8601 instants, such as 2026-11-22T08:00:00Z");
        }
        try {
            return webhook.backfill(start, end).summary();
        } catch (RuntimeException e) {
            // an MBean client may not have postcall's classes: the answer is text, the cause a line of it
            throw new IllegalStateException("backfill failed: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "WebhookJmx" + Arrays.asList(webhook.application(), webhook.name());
    }
}
