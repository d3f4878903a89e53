package dev.postcall.spring;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import dev.postcall.monitoring.WebhookMonitor;

/**
 * The Actuator endpoint {@code postcall}: backfill from ElevenLabs' Conversations API on demand, and what backfill
 * and the webhook watch know. Registered where Actuator is; exposed like any endpoint
 * ({@code management.endpoints.web.exposure.include=health,postcall}). Read-only unless
 * {@code management.endpoint.postcall.access=unrestricted}: a {@code POST} starts work against ElevenLabs' API, so
 * allow it only behind the application's own security.
 *
 * <pre>
 * curl -X POST localhost:8080/actuator/postcall -H 'Content-Type: application/json' \
 *      -d '{"from":"2026-11-22T08:00:00Z","to":"2026-11-22T10:00:00Z"}'
 * {"from":"2026-11-22T08:00:00Z","to":"2026-11-22T10:00:00Z","completed":true,"found":12,"dispatched":3,...}
 * </pre>
 */
@Endpoint(id = "postcall", defaultAccess = Access.READ_ONLY)
public final class PostCallEndpoint {

    private final Supplier<WebhookMonitor> monitor;

    /** @param monitor the webhook of this application, or {@code null} before it started */
    PostCallEndpoint(Supplier<WebhookMonitor> monitor) {
        this.monitor = monitor;
    }

    /**
     * What backfill and the webhook watch know ({@code GET /actuator/postcall}): the watermark, the last run, the
     * workspace's webhooks as ElevenLabs last reported them; {@code backfill: off} without
     * {@code postcall.backfill.api-key}.
     */
    @ReadOperation
    public Map<String, Object> status() {
        Map<String, Object> answer = new LinkedHashMap<>();
        Optional<WebhookMonitor.BackfillStatus> status = webhook().backfillStatus();
        if (status.isEmpty()) {
            answer.put("backfill", "off");
            return answer;
        }
        WebhookMonitor.BackfillStatus s = status.get();
        answer.put("backfill", s.keyRejected() == null ? "on" : "stopped: " + s.keyRejected());
        put(answer, "watermark", s.watermark());
        if (s.lastRun() != null) {
            answer.put("lastRun", run(s.lastRun()));
        }
        put(answer, "webhooksCheckedAt", s.webhooksCheckedAt());
        List<Map<String, Object>> webhooks = new ArrayList<>();
        for (WebhookMonitor.ElevenLabsWebhook w : s.webhooks()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("id", w.id());
            one.put("name", w.name());
            one.put("state", w.autoDisabled() ? "auto-disabled" : w.disabled() ? "disabled" : "enabled");
            put(one, "lastFailureStatus", w.lastFailureStatus());
            put(one, "lastFailureAt", w.lastFailureAt());
            webhooks.add(one);
        }
        answer.put("webhooks", webhooks);
        put(answer, "watchProblem", s.watchProblem());
        return answer;
    }

    /**
     * Backfills the window [{@code from}, {@code to}) now ({@code POST /actuator/postcall} with
     * {@code {"from": "...", "to": "..."}}, ISO-8601 instants): every finished conversation that started in it and
     * that this application never received; answers what it found, dispatched and skipped. Waits for a scheduled run
     * in progress.
     *
     * @throws InvalidEndpointRequestException when the window is not two instants, the first before the second
     *                                         (answered 400)
     */
    @WriteOperation
    public Map<String, Object> backfill(String from, String to) {
        Instant start;
        Instant end;
        try {
            start = Instant.parse(from.strip());
            end = Instant.parse(to.strip());
        } catch (DateTimeParseException | NullPointerException e) {
            throw new InvalidEndpointRequestException("from and to are ISO-8601 instants, such as"
                    + " 2026-11-22T08:00:00Z", "the window is not two instants");
        }
        if (!start.isBefore(end)) {
            throw new InvalidEndpointRequestException("from must be before to", "the window is empty");
        }
        return run(webhook().backfill(start, end));
    }

    private WebhookMonitor webhook() {
        WebhookMonitor webhook = monitor.get();
        if (webhook == null) {
            throw new IllegalStateException("the webhook has not started (the web server is not up yet, or it"
                    + " stopped)");
        }
        return webhook;
    }

    private static Map<String, Object> run(WebhookMonitor.BackfillRun run) {
        Map<String, Object> answer = new LinkedHashMap<>();
        put(answer, "from", run.from());
        put(answer, "to", run.to());
        answer.put("completed", run.completed());
        answer.put("found", run.found());
        answer.put("dispatched", run.dispatched());
        answer.put("recordingsDispatched", run.recordingsDispatched());
        answer.put("alreadyReceived", run.alreadyReceived());
        answer.put("skipped", run.skipped());
        put(answer, "stoppedBy", run.stoppedBy());
        answer.put("summary", run.summary());
        return answer;
    }

    /** Instants as ISO-8601 text, whatever JSON mapper Actuator has; nothing for {@code null}. */
    private static void put(Map<String, Object> map, String name, Object value) {
        if (value != null) {
            map.put(name, value instanceof Instant ? value.toString() : value);
        }
    }
}
