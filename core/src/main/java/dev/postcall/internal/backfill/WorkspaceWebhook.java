package dev.postcall.internal.backfill;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One webhook of {@code GET /v1/workspace/webhooks} (the SDK's {@code WorkspaceWebhookResponseModel}), the members
 * the watch reads. The URL is left out on purpose: some put a token in it, and nothing here may show one.
 *
 * @param webhookId         {@code webhook_id}
 * @param name              {@code name}
 * @param disabled          {@code is_disabled}: switched off by a user
 * @param autoDisabled      {@code is_auto_disabled}: switched off by ElevenLabs after failures in a row
 * @param lastFailureStatus {@code most_recent_failure_error_code}, the HTTP status of the last failed delivery;
 *                          {@code null} when none is reported
 * @param lastFailureAt     {@code most_recent_failure_timestamp} (unix seconds); {@code null} when none is reported
 * @param usages            {@code usage[].usage_type} (for example {@code ConvAI Settings}); empty when the answer
 *                          has no {@code usage} (ElevenLabs sends it to admins who ask for it)
 */
public record WorkspaceWebhook(String webhookId, String name, boolean disabled, boolean autoDisabled,
                               Integer lastFailureStatus, Instant lastFailureAt, List<String> usages) {

    /** Copies the list. */
    public WorkspaceWebhook {
        usages = List.copyOf(usages);
    }

    /**
     * Whether post-call webhooks may go to it: when ElevenLabs says what uses it, a usage of the agents' platform
     * (ConvAI); when it does not say, every webhook may.
     */
    public boolean mayCarryPostCallEvents() {
        return usages.isEmpty() || usages.stream().anyMatch(u -> u.startsWith("ConvAI"));
    }

    static List<WorkspaceWebhook> listOf(JsonObject json) {
        List<WorkspaceWebhook> webhooks = new ArrayList<>();
        for (JsonObject webhook : Wire.objects(json, "webhooks")) {
            webhooks.add(of(webhook));
        }
        return webhooks;
    }

    private static WorkspaceWebhook of(JsonObject json) {
        Long status = Wire.optionalCount(json, "most_recent_failure_error_code");
        Long at = Wire.optionalCount(json, "most_recent_failure_timestamp");
        List<String> usages = new ArrayList<>();
        JsonValue usage = json.get("usage");
        if (usage instanceof JsonArray) {
            for (JsonValue u : (JsonArray) usage) {
                if (u instanceof JsonObject) {
                    String type = Wire.optionalString((JsonObject) u, "usage_type");
                    if (type != null) {
                        usages.add(type);
                    }
                }
            }
        }
        return new WorkspaceWebhook(Wire.string(json, "webhook_id"), Wire.string(json, "name"),
                Wire.bool(json, "is_disabled", false), Wire.bool(json, "is_auto_disabled", false),
                status == null || status > 999 ? null : status.intValue(),
                at == null ? null : Instant.ofEpochSecond(Math.min(at, Instant.MAX.getEpochSecond())), usages);
    }
}
