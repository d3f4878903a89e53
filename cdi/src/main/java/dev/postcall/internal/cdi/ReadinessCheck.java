package dev.postcall.internal.cdi;

import dev.postcall.monitoring.WebhookHealth;
import dev.postcall.monitoring.WebhookMonitor;
import dev.postcall.monitoring.Webhooks;
import jakarta.inject.Singleton;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The MicroProfile Health readiness check {@value #NAME}: {@code UP} while every webhook of the application is (its
 * filter started with a secret, its inbox can be written), {@code DOWN} otherwise, with each webhook's facts as data
 * ({@code <webhook>.status}, {@code .secrets}, {@code .inbox}, {@code .inboxFailed}, {@code .consecutiveFailures},
 * {@code .problem}, {@code .warning}). Entries waiting in {@code failed/} are a warning, not {@code DOWN}.
 *
 * <p>Never discovered: {@link PostCallExtension} adds it only where the MicroProfile Health API can be loaded,
 * so this class, which names its types, is never touched elsewhere.
 */
@Readiness
@Singleton
public final class ReadinessCheck implements HealthCheck {
    /** The check's name in {@code /health/ready}. */
    public static final String NAME = "postcall";

    /** Created by the container. */
    public ReadinessCheck() {
    }

    @Override
    public HealthCheckResponse call() {
        List<WebhookMonitor> webhooks = Webhooks.all();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("webhooks", (long) webhooks.size());
        if (webhooks.isEmpty()) {
            data.put("note", "no postcall webhook has started yet");
        }
        Set<String> names = new HashSet<>();
        for (WebhookMonitor webhook : webhooks) {
            names.add(webhook.name());
        }
        boolean up = true;
        for (WebhookMonitor webhook : webhooks) {
            WebhookHealth health = webhook.health();
            up &= health.isUp();
            // one application normally has one webhook of a name; a shared class loader may see several
            String prefix = (names.size() < webhooks.size() ? webhook.application() + " " : "") + webhook.name()
                    + ".";
            data.put(prefix + "status", health.status().name());
            health.details().forEach((key, value) ->
                    data.put(prefix + key, value instanceof Number n ? (Object) n.longValue() : value.toString()));
        }
        return new HealthCheckResponse(NAME, up ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN,
                Optional.of(data));
    }
}
