package dev.postcall.servlet;

import java.lang.System.Logger.Level;
import java.util.List;

import dev.postcall.PostCallEvent;
import dev.postcall.internal.delivery.Dispatcher;
import dev.postcall.internal.monitoring.DeliveryOutcome;
import dev.postcall.internal.monitoring.DeliveryType;
import dev.postcall.internal.monitoring.FailureStreak;
import dev.postcall.internal.monitoring.Webhook;

/**
 * What the servlet made of each verified delivery: counted in the webhook's statistics and logged in one line
 * (type, conversation id, body size, outcome, answer, handling time; never payload text). Handled and duplicate
 * deliveries are logged at the level {@code delivery-log-level} sets, INFO by default; those kept in
 * {@code failed/} or answered 503 for a concurrent duplicate at WARNING; those lost unless the sender retries at
 * ERROR. After {@value #STREAK_ALARM} non-200 answers in a row one ERROR line warns that ElevenLabs disables the
 * endpoint at 10, naming the last failures; the next 200 ends the streak.
 */
final class DeliveryLog {
    /** Non-200 answers in a row that raise the alarm, half of the sender's limit. */
    static final int STREAK_ALARM = 5;
    /** The sender's limit: ElevenLabs disables an endpoint after this many failed deliveries in a row. */
    static final int SENDER_LIMIT = 10;
    private static final int ID_LENGTH = 80;

    private final Webhook webhook;
    private final Level accepted;

    DeliveryLog(Webhook webhook, Level accepted) {
        this.webhook = webhook;
        this.accepted = accepted;
    }

    /**
     * Records one answered delivery.
     *
     * @param event      the parsed event, or {@code null} when the body was not one
     * @param dispatched what the dispatcher made of it, or {@code null} when it was not dispatched
     * @param problem    the problem answered, or {@code null} for 200
     * @param nanos      from receiving the verified request to the answer
     */
    void delivered(PostCallEvent event, long bytes, Dispatcher.Outcome dispatched, Problem problem, long nanos) {
        DeliveryType type = DeliveryType.of(event == null ? null : event.type());
        DeliveryOutcome outcome = dispatched == null ? DeliveryOutcome.MALFORMED : DeliveryOutcome.of(dispatched);
        webhook.delivered(type, outcome, dispatched, nanos);
        int status = problem == null ? 200 : problem.status;
        Level level = level(outcome);
        if (Log.LOGGER.isLoggable(level)) {
            Log.LOGGER.log(level, line(event, bytes, outcome, problem, status, nanos));
        }
        FailureStreak streak = webhook.streak();
        if (status == 200) {
            int ended = streak.succeeded();
            if (ended >= STREAK_ALARM) {
                Log.LOGGER.log(Level.INFO, "webhook '" + webhook.name() + "' answered 200 again after " + ended
                        + " failed answers in a row");
            }
            return;
        }
        int inARow = streak.failed(new FailureStreak.Failure(problem.slug, type.label,
                event == null ? null : LogText.safe(event.conversationId(), ID_LENGTH), status));
        if (inARow == STREAK_ALARM) {
            Log.LOGGER.log(Level.ERROR, "webhook '" + webhook.name() + "': " + inARow + " verified deliveries in a"
                    + " row were not answered 200. ElevenLabs disables an endpoint after " + SENDER_LIMIT
                    + " failed deliveries in a row (and never retries for HIPAA workspaces): fix the cause now. Last"
                    + " failures: " + describe(streak.recent()));
        } else if (inARow == SENDER_LIMIT) {
            Log.LOGGER.log(Level.ERROR, "webhook '" + webhook.name() + "': " + inARow + " verified deliveries in a"
                    + " row were not answered 200; ElevenLabs has probably disabled this endpoint. Fix the cause,"
                    + " then enable the webhook again in the ElevenLabs settings. Last failures: "
                    + describe(streak.recent()));
        }
    }

    private Level level(DeliveryOutcome outcome) {
        return switch (outcome) {
            case HANDLED, DUPLICATE -> accepted;
            case KEPT, IN_PROGRESS -> Level.WARNING;
            case FAILED, MALFORMED, INBOX_UNAVAILABLE -> Level.ERROR;
        };
    }

    private String line(PostCallEvent event, long bytes, DeliveryOutcome outcome, Problem problem, int status,
            long nanos) {
        StringBuilder line = new StringBuilder(160).append("delivery ");
        if (event == null) {
            line.append("(not an event)");
        } else {
            line.append(LogText.safe(event.type(), ID_LENGTH)).append(" conversation=")
                    .append(LogText.safe(event.conversationId(), ID_LENGTH));
        }
        line.append(" bytes=").append(bytes).append(": ").append(outcome.phrase).append(", ").append(status);
        if (problem != null) {
            line.append(' ').append(problem.slug);
        }
        long tenths = nanos / 100_000;
        line.append(" in ").append(tenths / 10).append('.').append(tenths % 10).append(" ms (webhook ")
                .append(webhook.name()).append(')');
        return line.toString();
    }

    private static String describe(List<FailureStreak.Failure> failures) {
        StringBuilder text = new StringBuilder();
        for (FailureStreak.Failure f : failures) {
            if (text.length() > 0) {
                text.append("; ");
            }
            text.append(f.status()).append(' ').append(f.reason()).append(' ').append(f.type());
            if (f.conversationId() != null) {
                text.append(" conversation=").append(f.conversationId());
            }
        }
        return text.toString();
    }
}
