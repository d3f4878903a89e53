package dev.postcall.internal.backfill;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the webhook watch last learned from {@code GET /v1/workspace/webhooks}: for health (as warnings: a disabled
 * webhook is the sender's side, not this application's failure), the MBean and the meters.
 *
 * @param checkedAt when the watch last asked; {@code null} before it first did
 * @param webhooks  the workspace's webhooks that may carry post-call events, as of the last answer (kept from an
 *                  earlier answer when the last call failed)
 * @param problem   why the last call failed, in words; {@code null} when it succeeded
 */
public record WebhookWatchState(Instant checkedAt, List<Webhook> webhooks, String problem) {

    /** Before the first poll. */
    public static final WebhookWatchState UNKNOWN = new WebhookWatchState(null, List.of(), null);

    /** Copies the list. */
    public WebhookWatchState {
        webhooks = List.copyOf(webhooks);
    }

    /**
     * One webhook's state at ElevenLabs.
     *
     * @param id                {@code webhook_id}
     * @param name              {@code name}
     * @param disabled          switched off by a user
     * @param autoDisabled      switched off by ElevenLabs after failed deliveries
     * @param lastFailureStatus the HTTP status of the last failed delivery; {@code null} when none is reported
     * @param lastFailureAt     when that failure was; {@code null} when none is reported
     */
    public record Webhook(String id, String name, boolean disabled, boolean autoDisabled, Integer lastFailureStatus,
                          Instant lastFailureAt) {

        /** Whether ElevenLabs sends it nothing. */
        public boolean off() {
            return disabled || autoDisabled;
        }

        /** Its name and id, whether it is on, and its last failure, in words. */
        String describe() {
            return label() + (autoDisabled ? " was disabled by ElevenLabs after failed deliveries"
                    : disabled ? " is disabled at ElevenLabs" : " is enabled") + lastFailure();
        }

        private String label() {
            return "webhook '" + name + "' (" + id + ")";
        }

        private String lastFailure() {
            if (lastFailureStatus == null && lastFailureAt == null) {
                return "";
            }
            return "; last failure: " + (lastFailureStatus == null ? "unknown status" : "HTTP " + lastFailureStatus)
                    + (lastFailureAt == null ? "" : " at " + lastFailureAt);
        }
    }

    /** Webhooks switched off by a user. */
    public int disabled() {
        return (int) webhooks.stream().filter(w -> w.disabled() && !w.autoDisabled()).count();
    }

    /** Webhooks switched off by ElevenLabs. */
    public int autoDisabled() {
        return (int) webhooks.stream().filter(Webhook::autoDisabled).count();
    }

    /** The latest failure any webhook reports; {@code null} when none does. */
    public Instant lastFailureAt() {
        return webhooks.stream().map(Webhook::lastFailureAt).filter(java.util.Objects::nonNull)
                .max(Instant::compareTo).orElse(null);
    }

    /**
     * What health shows as warnings: each webhook ElevenLabs sends nothing to, with the fix, and the watch's own
     * problem. Empty when all is well.
     */
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        for (Webhook w : webhooks) {
            if (w.autoDisabled()) {
                warnings.add("ElevenLabs disabled the " + w.label() + " after failed deliveries and sends it nothing"
                        + w.lastFailure() + "; fix the endpoint, then enable the webhook again in ElevenLabs");
            } else if (w.disabled()) {
                warnings.add("the " + w.label() + " is disabled at ElevenLabs, which sends it nothing"
                        + w.lastFailure());
            }
        }
        if (problem != null) {
            warnings.add("the webhook watch could not read the webhooks' state: " + problem);
        }
        return warnings;
    }
}
