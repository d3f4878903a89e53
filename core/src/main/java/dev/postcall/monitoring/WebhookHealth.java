package dev.postcall.monitoring;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether one webhook can take deliveries: {@link Status#UP} when its filter started with a secret and its inbox (if
 * any) can be written, {@link Status#DOWN} with the {@link #problems()} otherwise. {@link #warnings()} say what needs
 * a look without making it unready: deliveries waiting in {@code failed/}, answers failing in a row.
 *
 * @param webhook             the webhook's name
 * @param status              {@code UP} or {@code DOWN}
 * @param problems            why it is {@code DOWN}; empty when {@code UP}
 * @param warnings            what needs a look although it is {@code UP}
 * @param secrets             the secrets its filter verifies with, or -1 when no filter of this name started
 * @param inbox               the servlet's inbox directory, or {@code null} for none
 * @param inboxFailed         entries in the inbox's {@code failed/}, 0 without an inbox
 * @param consecutiveFailures non-200 answers to verified deliveries since the last 200
 *
 * <pre>{@code
 * WebhookHealth health = Webhooks.find("/", "postcall").health();
 * if (!health.isUp()) {
 *     alerts.raise(health.webhook() + " is down: " + health.problems());
 * }
 * }</pre>
 */
public record WebhookHealth(String webhook, Status status, List<String> problems, List<String> warnings,
                            int secrets, Path inbox, int inboxFailed, int consecutiveFailures) {

    /** A readiness state, as health endpoints know it. */
    public enum Status {
        /** Ready for deliveries. */
        UP,
        /** Not ready: see {@link WebhookHealth#problems()}. */
        DOWN
    }

    /** Copies the lists. */
    public WebhookHealth {
        problems = List.copyOf(problems);
        warnings = List.copyOf(warnings);
    }

    /** Whether the webhook is ready for deliveries. */
    public boolean isUp() {
        return status == Status.UP;
    }

    /**
     * The facts as a health endpoint shows them, in a fixed order: {@code secrets}, {@code inbox},
     * {@code inboxFailed}, {@code consecutiveFailures}, then {@code problem} and {@code warning} (lines joined with
     * {@code "; "}) when there are any. Values are numbers or strings.
     */
    public Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        if (secrets >= 0) {
            details.put("secrets", secrets);
        }
        details.put("inbox", inbox == null ? "none" : inbox.toString());
        details.put("inboxFailed", inboxFailed);
        details.put("consecutiveFailures", consecutiveFailures);
        if (!problems.isEmpty()) {
            details.put("problem", String.join("; ", problems));
        }
        if (!warnings.isEmpty()) {
            details.put("warning", String.join("; ", warnings));
        }
        return details;
    }
}
