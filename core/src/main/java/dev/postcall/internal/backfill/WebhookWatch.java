package dev.postcall.internal.backfill;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Asks ElevenLabs, each time it {@link #poll() polls}, whether the workspace's webhooks are enabled and when one last
 * failed: ElevenLabs disables a webhook after failed deliveries, and otherwise nobody learns it until calls are
 * missing. The answer is a {@link WebhookWatchState} for health, the MBean and the meters, and one WARNING log line
 * whenever what ElevenLabs reports changes for the worse (a webhook switched off, a newer failure); one INFO line
 * when every webhook is on again.
 *
 * <p>Webhooks whose {@code usage} ElevenLabs reports and which serve no agents' platform (speech to text, say) are
 * left out. Thread-safe.
 */
public final class WebhookWatch {

    private static final System.Logger LOG = System.getLogger("dev.postcall.backfill");

    private final ElevenLabsApi api;
    private final Clock clock;
    private volatile WebhookWatchState state = WebhookWatchState.UNKNOWN;

    /**
     * @param api   the vendor's API
     * @param clock stamps each poll
     */
    public WebhookWatch(ElevenLabsApi api, Clock clock) {
        this.api = Objects.requireNonNull(api, "api");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Asks once and returns the new state. A failed call keeps the webhooks of the last answer and sets
     * {@link WebhookWatchState#problem()}; it throws nothing but an interrupt.
     *
     * @throws InterruptedException when interrupted while waiting for the API
     */
    public synchronized WebhookWatchState poll() throws InterruptedException {
        WebhookWatchState before = state;
        WebhookWatchState after;
        try {
            List<WebhookWatchState.Webhook> webhooks = new ArrayList<>();
            for (WorkspaceWebhook w : api.webhooks()) {
                if (w.mayCarryPostCallEvents()) {
                    webhooks.add(new WebhookWatchState.Webhook(w.webhookId(), w.name(), w.disabled(),
                            w.autoDisabled(), w.lastFailureStatus(), w.lastFailureAt()));
                }
            }
            after = new WebhookWatchState(clock.instant(), webhooks, null);
        } catch (ApiException e) {
            after = new WebhookWatchState(clock.instant(), before.webhooks(), e.getMessage());
            // a rejected key is logged once by the client
            if (!e.getMessage().equals(before.problem()) && !(e instanceof ApiException.KeyRejected)) {
                LOG.log(System.Logger.Level.WARNING, "the webhook watch could not read the webhooks'' state at"
                        + " ElevenLabs: {0}", e.getMessage());
            }
        }
        state = after;
        if (after.problem() == null) {
            report(before, after);
        }
        return after;
    }

    /** The last poll's state; {@link WebhookWatchState#UNKNOWN} before the first. */
    public WebhookWatchState state() {
        return state;
    }

    /** Logs a change: WARNING for one for the worse, INFO when all is on again, nothing when nothing changed. */
    private static void report(WebhookWatchState before, WebhookWatchState after) {
        List<String> worse = new ArrayList<>();
        for (WebhookWatchState.Webhook now : after.webhooks()) {
            WebhookWatchState.Webhook then = before.webhooks().stream().filter(w -> w.id().equals(now.id()))
                    .findFirst().orElse(null);
            boolean switchedOff = now.off()
                    && (then == null || !then.off() || then.autoDisabled() != now.autoDisabled());
            boolean newFailure = now.lastFailureAt() != null && (then == null
                    || !now.lastFailureAt().equals(then.lastFailureAt()));
            // an old failure of an enabled webhook is no news at start-up; it is in the state all the same
            boolean firstPoll = before.checkedAt() == null;
            if (switchedOff || (newFailure && !firstPoll)) {
                worse.add(now.describe());
            }
        }
        if (!worse.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "ElevenLabs reports: " + String.join("; ", worse));
        } else if (before.webhooks().stream().anyMatch(WebhookWatchState.Webhook::off)
                && after.webhooks().stream().noneMatch(WebhookWatchState.Webhook::off)) {
            LOG.log(System.Logger.Level.INFO, "ElevenLabs reports every webhook enabled again");
        }
    }
}
