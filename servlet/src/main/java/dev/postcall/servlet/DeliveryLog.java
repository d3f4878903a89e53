package dev.postcall.servlet;

import java.lang.System.Logger.Level;
import java.util.List;

import dev.postcall.PostCallEvent;
import dev.postcall.internal.delivery.Dispatcher;
import dev.postcall.spi.DeliveryStore;
import dev.postcall.internal.monitoring.DeliveryOutcome;
import dev.postcall.internal.monitoring.DeliveryType;
import dev.postcall.internal.monitoring.FailureStreak;
import dev.postcall.internal.monitoring.Webhook;

/**
 * What the servlet made of each verified delivery: counted once in the webhook's statistics and logged in one line
 * (type, conversation id, body size, outcome and why, answer, handling time; never payload text). Handled and
 * duplicate deliveries are logged at the level {@code delivery-log-level} sets, INFO by default; those kept for a
 * replay or answered 503 for a concurrent duplicate at WARNING; the rest (lost unless the sender retries, the store
 * failing) at ERROR. After {@value #STREAK_ALARM} non-200 answers in a row one ERROR line warns that ElevenLabs
 * disables the endpoint at 10, naming the last failures; the next 200 ends the streak. A replayed delivery is logged
 * and counted the same way, and leaves the streak alone (no sender saw its answer); so is a backfilled one (fetched
 * from ElevenLabs' Conversations API), which is counted as backfilled too.
 */
final class DeliveryLog {
    /** Non-200 answers in a row that raise the alarm, half of the sender's limit. */
    static final int STREAK_ALARM = 5;
    /** The sender's limit: ElevenLabs disables an endpoint after this many failed deliveries in a row. */
    static final int SENDER_LIMIT = 10;
    private static final int ID_LENGTH = 80;

    private final Webhook webhook;
    private final Level accepted;
    private final String store;

    DeliveryLog(Webhook webhook, Level accepted, String store) {
        this.webhook = webhook;
        this.accepted = accepted;
        this.store = store;
    }

    /**
     * Records one answered delivery.
     *
     * @param event   the parsed event, or {@code null} when the body was not one
     * @param result  what the dispatcher made of it
     * @param problem the problem answered, or {@code null} for 200
     * @param nanos   from receiving the verified request to the answer
     */
    void delivered(PostCallEvent event, long bytes, Dispatcher.Result result, Problem problem, long nanos) {
        count(event, result, nanos);
        int status = problem == null ? 200 : problem.status;
        write(level(result.outcome()), "delivered", "delivery ", event, bytes, result,
                problem == null ? "200" : status + " " + problem.slug, nanos);
        FailureStreak streak = webhook.streak();
        if (status == 200) {
            int ended = streak.succeeded();
            if (ended >= STREAK_ALARM) {
                Log.line(Level.INFO, DeliveryLog.class, "delivered", "webhook '" + webhook.name()
                        + "' answered 200 again after " + ended + " failed answers in a row");
            }
            return;
        }
        int inARow = streak.failed(new FailureStreak.Failure(problem.slug,
                DeliveryType.of(event == null ? null : event.type()).label,
                event == null ? null : LogText.safe(event.conversationId(), ID_LENGTH), status));
        if (inARow == STREAK_ALARM) {
            Log.line(Level.ERROR, DeliveryLog.class, "delivered", "webhook '" + webhook.name() + "': " + inARow
                    + " verified deliveries in a row were not answered 200. ElevenLabs disables an endpoint after "
                    + SENDER_LIMIT + " failed deliveries in a row (and never retries for HIPAA workspaces): fix the"
                    + " cause now. Last failures: " + describe(streak.recent()));
        } else if (inARow == SENDER_LIMIT) {
            Log.line(Level.ERROR, DeliveryLog.class, "delivered", "webhook '" + webhook.name() + "': " + inARow
                    + " verified deliveries in a row were not answered 200; ElevenLabs has probably disabled this"
                    + " endpoint. Fix the cause, then enable the webhook again in the ElevenLabs settings. Last"
                    + " failures: " + describe(streak.recent()));
        }
    }

    /**
     * Records one replayed delivery: counted and logged as a delivery, with {@code replay} instead of the answer.
     *
     * @param kept  what the store listed
     * @param event the parsed event, or {@code null} when the kept body is not one
     */
    void replayed(DeliveryStore.Kept kept, PostCallEvent event, Dispatcher.Result result, long nanos) {
        count(event, result, nanos);
        write(level(result.outcome()), "replayed", "replayed delivery " + LogText.safe(kept.id(), ID_LENGTH) + " ",
                event, kept.bodyLength(), result, "replay", nanos);
    }

    /**
     * Records one delivery backfill fetched from ElevenLabs' API: counted as a delivery (and as a backfilled one), and
     * logged as one with {@code backfilled} instead of the answer; the streak of failed answers is left alone (no
     * sender saw an answer).
     */
    void backfilled(PostCallEvent event, Dispatcher.Result result, long nanos) {
        count(event, result, nanos);
        webhook.backfilled(DeliveryOutcome.of(result.outcome()));
        write(level(result.outcome()), "backfilled", "backfilled delivery ", event, event.body().length(), result,
                "backfilled", nanos);
    }

    /** Writes a delivery's line when its level is logged (a back end that throws loses only the line: {@link Log}). */
    private void write(Level level, String method, String prefix, PostCallEvent event, long bytes,
                       Dispatcher.Result result, String answer, long nanos) {
        if (Log.isLoggable(level)) {
            Log.line(level, DeliveryLog.class, method, line(prefix, event, bytes, result, answer, nanos));
        }
    }

    private void count(PostCallEvent event, Dispatcher.Result result, long nanos) {
        DeliveryType type = DeliveryType.of(event == null ? null : event.type());
        webhook.delivered(type, DeliveryOutcome.of(result.outcome()),
                event != null && DeliveryOutcome.handlerFailed(result.outcome()), nanos);
    }

    private Level level(Dispatcher.Outcome outcome) {
        return switch (outcome) {
            case HANDLED, DUPLICATE -> accepted;
            case FAILED_KEPT, MALFORMED_KEPT, IN_PROGRESS -> Level.WARNING;
            case FAILED, MALFORMED, FAILED_UNRECORDED, HANDLED_UNRECORDED, NO_HANDLER, STORE_UNAVAILABLE -> Level.ERROR;
        };
    }

    /** What became of it, in words; names the failure's class and the store's own message, never payload text. */
    private String phrase(boolean event, Dispatcher.Result result) {
        String cause = result.cause() == null ? "" : " (" + result.cause().getClass().getName() + ")";
        String storeFailure = result.store() == null ? "" : result.store() instanceof DeliveryStore.StoreException
                ? result.store().getMessage() : result.store().getClass().getName();
        return switch (result.outcome()) {
            case HANDLED -> "handled";
            case HANDLED_UNRECORDED -> "handled, but the store could not record it: " + storeFailure;
            case DUPLICATE -> "already handled, not dispatched again";
            case FAILED_KEPT -> "not handled" + cause + ", kept in " + store + " for replay";
            case FAILED -> "not handled" + cause + " and not kept (no inbox)";
            case FAILED_UNRECORDED -> "not handled" + cause + ", and the store could not record it: " + storeFailure;
            case MALFORMED_KEPT -> (event ? "its data does not fit the model" : "not an event") + ", kept in " + store
                    + " for an upgrade to replay";
            case MALFORMED -> event ? "its data does not fit the model; not kept (no inbox)" : "rejected as malformed";
            case NO_HANDLER -> "not handled: no PostCallEventHandler is registered (add postcall-cdi, or register"
                    + " one); not kept (no inbox)";
            case IN_PROGRESS -> "not handled: the same event is being handled by another request";
            case STORE_UNAVAILABLE -> "not handled: the inbox cannot keep it: " + storeFailure;
        };
    }

    private String line(String prefix, PostCallEvent event, long bytes, Dispatcher.Result result, String answer,
            long nanos) {
        StringBuilder line = new StringBuilder(160).append(prefix);
        if (event == null) {
            line.append("(not an event)");
        } else {
            line.append(LogText.safe(event.type(), ID_LENGTH)).append(" conversation=")
                    .append(LogText.safe(event.conversationId(), ID_LENGTH));
        }
        line.append(" bytes=").append(bytes).append(": ").append(phrase(event != null, result)).append(", ")
                .append(answer);
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
