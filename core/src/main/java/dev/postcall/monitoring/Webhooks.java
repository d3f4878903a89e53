package dev.postcall.monitoring;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The webhooks of this application: every {@link WebhookMonitor} postcall's filter and servlet registered, from
 * their start (or their failed start, which is reported {@code DOWN}) until they are destroyed. "This application" is
 * the class loader that loaded postcall: the web application's, with postcall in {@code WEB-INF/lib} as the README
 * says.
 *
 * <pre>{@code
 * boolean ready = Webhooks.all().stream().allMatch(w -> w.health().isUp());
 * }</pre>
 */
public final class Webhooks {

    private static final List<WebhookMonitor> ALL = new CopyOnWriteArrayList<>();

    private Webhooks() {
    }

    /** The webhooks registered now, in the order they started. */
    public static List<WebhookMonitor> all() {
        return List.copyOf(ALL);
    }

    /**
     * The webhook of this name in the application with this context path.
     *
     * @return the webhook, or {@code null} when none is registered
     */
    public static WebhookMonitor find(String application, String name) {
        for (WebhookMonitor webhook : ALL) {
            if (webhook.application().equals(application) && webhook.name().equals(name)) {
                return webhook;
            }
        }
        return null;
    }

    /**
     * Lists a webhook until the returned registration is closed. postcall's filter and servlet call this; a receiver
     * of its own (an endpoint behind the filter that dispatches by itself) may too.
     */
    public static Registration register(WebhookMonitor webhook) {
        Objects.requireNonNull(webhook, "webhook");
        ALL.add(webhook);
        return () -> ALL.remove(webhook);
    }

    /** A webhook's place in {@link #all()}. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        /** Removes the webhook from {@link #all()}; closing twice does nothing more. */
        @Override
        void close();
    }
}
