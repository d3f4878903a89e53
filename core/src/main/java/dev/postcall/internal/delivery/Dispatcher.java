package dev.postcall.internal.delivery;

import dev.postcall.BodySource;
import dev.postcall.EventParser;
import dev.postcall.MalformedEventException;
import dev.postcall.PostCallEvent;
import dev.postcall.monitoring.ReplayReport;
import dev.postcall.spi.DeliveryStore;
import dev.postcall.spi.DeliveryStore.Claim;
import dev.postcall.spi.DeliveryStore.Delivery;
import dev.postcall.spi.DeliveryStore.Kept;
import dev.postcall.spi.DeliveryStore.StoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Hands a verified event to the application once, and keeps it when the application fails, through one
 * {@link DeliveryStore}: admit (claim and keep), run the handlers, finish the claim. Every way out of it, an
 * {@code Error} thrown by a handler and an exception thrown by the store included, finishes the claim and ends in one
 * {@link Result}; the caller answers, logs and counts that once. A replay ({@link #replayFailed}) takes the same
 * path after claiming the kept delivery. The servlet layer turns each {@link Outcome} into an HTTP answer. With a
 * {@link DeliveryTracer}, each delivery, replayed delivery and backfilled event is one span, current while the
 * handlers run; without one, each path compares one field with {@code null} and nothing more.
 *
 * <pre>{@code
 * Dispatcher dispatcher = new Dispatcher(store, Duration.ofSeconds(30));
 * Dispatcher.Result result = dispatcher.deliver(event, signatureTimestamp, contentType, handlers);
 * }</pre>
 */
public final class Dispatcher {

    /** How many kept deliveries a replay lists at a time. */
    private static final int REPLAY_PAGE = 100;

    /** What became of one delivery. */
    public enum Outcome {
        /** The handlers succeeded and the store recorded it. */
        HANDLED,
        /**
         * The handlers succeeded, but the store could not record it: answered as handled; a durable store may hand
         * the delivery out again after its recovery.
         */
        HANDLED_UNRECORDED,
        /** An earlier delivery of the same event was handled; this one was not dispatched. */
        DUPLICATE,
        /** A handler failed (or there was none); the delivery is kept in the store for a replay. */
        FAILED_KEPT,
        /** A handler failed and the store keeps no bodies: unless the sender retries, the delivery is lost. */
        FAILED,
        /**
         * A handler failed and the store could not record it; a durable store still has the body it kept at
         * admission and recovers it (after a restart or its take-over time).
         */
        FAILED_UNRECORDED,
        /**
         * The event's {@code data} does not fit the model (see {@link HandlerRunner.Result#MALFORMED}), or the body is
         * not an event at all; it is kept in the store so an upgrade can replay it.
         */
        MALFORMED_KEPT,
        /** The event's data does not fit the model, or the body is not an event, and the store keeps no bodies. */
        MALFORMED,
        /** No handler is registered and the store keeps no bodies: not dispatched, not recorded. */
        NO_HANDLER,
        /** The same delivery is being handled by another request right now and did not finish in time. */
        IN_PROGRESS,
        /** The store could not keep or claim the delivery (disk full, database down); it was not dispatched. */
        STORE_UNAVAILABLE
    }

    /**
     * What became of one delivery, and why when the store or a handler failed.
     *
     * @param outcome the outcome
     * @param cause   the first handler failure, or the store's failure, or {@code null}
     * @param store   the store's failure when it is part of the outcome ({@code *_UNRECORDED},
     *                {@code STORE_UNAVAILABLE}), else {@code null}
     */
    public record Result(Outcome outcome, Throwable cause, Throwable store) {
        /** @throws NullPointerException when outcome is null */
        public Result {
            Objects.requireNonNull(outcome, "outcome");
        }

        static Result of(Outcome outcome) {
            return new Result(outcome, null, null);
        }
    }

    /** Told of every replayed delivery, as the servlet is of every request. */
    @FunctionalInterface
    public interface ReplayListener {
        /**
         * One kept delivery was replayed.
         *
         * @param kept   what the store listed
         * @param event  the parsed event, or {@code null} when the kept body is not an event
         * @param result what became of it
         * @param nanos  how long it took
         */
        void replayed(Kept kept, PostCallEvent event, Result result, long nanos);
    }

    private final DeliveryStore store;
    private final Duration maxWait;
    /** {@code null} without tracing: each path then costs one comparison. */
    private final DeliveryTracer tracer;

    /**
     * @param store   claims and keeps deliveries
     * @param maxWait how long a delivery waits for a concurrent one of the same event to finish
     */
    public Dispatcher(DeliveryStore store, Duration maxWait) {
        this(store, maxWait, null);
    }

    /**
     * @param store   claims and keeps deliveries
     * @param maxWait how long a delivery waits for a concurrent one of the same event to finish
     * @param tracer  opens a span for each delivery, replay and backfilled event; {@code null} for none
     */
    public Dispatcher(DeliveryStore store, Duration maxWait, DeliveryTracer tracer) {
        this.store = Objects.requireNonNull(store, "store");
        this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
        this.tracer = tracer;
    }

    /** The store. */
    public DeliveryStore store() {
        return store;
    }

    /**
     * Delivers one event: admit it, run the handlers, finish the claim. Never throws; an interrupt while waiting for a
     * concurrent delivery ends in {@link Outcome#IN_PROGRESS} with the thread's interrupt flag set again.
     *
     * @param signatureTimestamp the signature header's {@code t}, kept with the delivery
     * @param contentType        the request's content type, kept with the delivery; may be {@code null}
     */
    public Result deliver(PostCallEvent event, long signatureTimestamp, String contentType, HandlerRunner handlers) {
        if (tracer != null) {
            DeliveryTracer.OpenSpan span = tracer.start(event.type(), event.conversationId(), event.body().length(),
                    event.backfilled() ? DeliveryTracer.Origin.BACKFILL : DeliveryTracer.Origin.WEBHOOK);
            Result result = null;
            try {
                result = admitAndRun(event, signatureTimestamp, contentType, handlers);
                return result;
            } finally {
                span.end(result);
            }
        }
        return admitAndRun(event, signatureTimestamp, contentType, handlers);
    }

    private Result admitAndRun(PostCallEvent event, long signatureTimestamp, String contentType,
            HandlerRunner handlers) {
        if (handlers.isEmpty() && !store.keepsBodies()) {
            return Result.of(Outcome.NO_HANDLER);
        }
        Claim claim;
        try {
            DeliveryStore.Admission admission = store.admit(Delivery.of(event, signatureTimestamp, contentType),
                    maxWait);
            if (admission instanceof DeliveryStore.Duplicate) {
                return Result.of(Outcome.DUPLICATE);
            }
            if (!(admission instanceof DeliveryStore.Dispatch dispatch)) {
                return Result.of(Outcome.IN_PROGRESS);
            }
            claim = dispatch.claim();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.of(Outcome.IN_PROGRESS);
        } catch (StoreException | RuntimeException | Error e) {
            return new Result(Outcome.STORE_UNAVAILABLE, e, e);
        }
        return run(event, claim, handlers);
    }

    /**
     * Keeps a verified body that is not an event (the envelope does not parse), for an upgrade that can read it:
     * {@link Outcome#MALFORMED_KEPT} when the store keeps bodies, else {@link Outcome#MALFORMED}. Never throws.
     */
    public Result keepUnreadable(BodySource body, long signatureTimestamp, String contentType, Throwable cause) {
        if (tracer != null) {
            DeliveryTracer.OpenSpan span = tracer.start(null, null, body.length(), DeliveryTracer.Origin.WEBHOOK);
            Result result = null;
            try {
                result = keepBody(body, signatureTimestamp, contentType, cause);
                return result;
            } finally {
                span.end(result);
            }
        }
        return keepBody(body, signatureTimestamp, contentType, cause);
    }

    private Result keepBody(BodySource body, long signatureTimestamp, String contentType, Throwable cause) {
        if (!store.keepsBodies()) {
            return new Result(Outcome.MALFORMED, cause, null);
        }
        Claim claim;
        try {
            DeliveryStore.Admission admission = store.admit(Delivery.unreadable(body, signatureTimestamp,
                    contentType), maxWait);
            if (!(admission instanceof DeliveryStore.Dispatch dispatch)) {
                return new Result(Outcome.MALFORMED, cause, null); // a store that deduplicates keyless deliveries
            }
            claim = dispatch.claim();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(Outcome.MALFORMED, cause, null);
        } catch (StoreException | RuntimeException | Error e) {
            return new Result(Outcome.STORE_UNAVAILABLE, cause, e);
        }
        return failed(claim, HandlerRunner.Result.MALFORMED, cause);
    }

    /** The handlers, then the claim's outcome: the one path after a claim, for deliveries and replays alike. */
    private Result run(PostCallEvent event, Claim claim, HandlerRunner handlers) {
        HandlerRunner.Attempt attempt;
        try {
            attempt = handlers.isEmpty() ? new HandlerRunner.Attempt(HandlerRunner.Result.FAILED,
                    new NoHandlerException()) : handlers.attempt(event);
        } catch (Throwable e) {
            // the runner catches every handler's failure; this is the runner's own, and the claim still ends
            attempt = new HandlerRunner.Attempt(HandlerRunner.Result.FAILED, e);
        }
        if (attempt.result() == HandlerRunner.Result.HANDLED) {
            try {
                claim.handled();
                return Result.of(Outcome.HANDLED);
            } catch (StoreException | RuntimeException | Error e) {
                return new Result(Outcome.HANDLED_UNRECORDED, null, e);
            }
        }
        return failed(claim, attempt.result(), attempt.firstFailure());
    }

    private static Result failed(Claim claim, HandlerRunner.Result result, Throwable cause) {
        boolean malformed = result == HandlerRunner.Result.MALFORMED;
        try {
            boolean kept = claim.failed(cause);
            return new Result(kept ? (malformed ? Outcome.MALFORMED_KEPT : Outcome.FAILED_KEPT)
                    : (malformed ? Outcome.MALFORMED : Outcome.FAILED), cause, null);
        } catch (StoreException | RuntimeException | Error e) {
            return new Result(Outcome.FAILED_UNRECORDED, cause, e);
        }
    }

    /**
     * Replays what the store kept as failed, oldest first, up to the newest there is when it starts: each one is
     * claimed ({@link DeliveryStore#claimFailed}) before it is dispatched, so a replay and the sender's retry (or
     * another replay) never both run the handlers. Each replayed delivery is told to {@code listener}.
     *
     * @throws StoreException when the store cannot list its failed deliveries
     */
    public ReplayReport replayFailed(EventParser parser, HandlerRunner handlers, ReplayListener listener)
            throws StoreException {
        List<Kept> todo = new ArrayList<>();
        for (List<Kept> page = store.failed(null, REPLAY_PAGE); !page.isEmpty();
                page = store.failed(page.get(page.size() - 1), REPLAY_PAGE)) {
            todo.addAll(page);
        }
        int replayed = 0;
        int elsewhere = 0;
        List<String> failedAgain = new ArrayList<>();
        for (Kept kept : todo) {
            long started = System.nanoTime();
            Optional<Claim> claimed;
            try {
                claimed = store.claimFailed(kept);
            } catch (StoreException | RuntimeException e) {
                listener.replayed(kept, null, new Result(Outcome.STORE_UNAVAILABLE, e, e),
                        System.nanoTime() - started);
                failedAgain.add(kept.id());
                continue;
            }
            if (claimed.isEmpty()) {
                elsewhere++;
                continue;
            }
            Claim claim = claimed.get();
            DeliveryTracer.OpenSpan span = tracer == null ? null : tracer.start(
                    Delivery.UNREADABLE.equals(kept.type()) ? null : kept.type(), kept.conversationId(),
                    kept.bodyLength(), DeliveryTracer.Origin.REPLAY);
            PostCallEvent event = null;
            Result result = null;
            try {
                event = parser.parse(claim.body());
                result = run(event, claim, handlers);
            } catch (MalformedEventException e) {
                result = failed(claim, HandlerRunner.Result.MALFORMED, e);
            } catch (RuntimeException | Error e) {
                result = failed(claim, HandlerRunner.Result.FAILED, e);
            } finally {
                if (span != null) {
                    span.end(result);
                }
            }
            listener.replayed(kept, event, result, System.nanoTime() - started);
            if (result.outcome() == Outcome.HANDLED || result.outcome() == Outcome.HANDLED_UNRECORDED) {
                replayed++;
            } else {
                failedAgain.add(kept.id());
            }
        }
        return new ReplayReport(replayed, failedAgain, elsewhere);
    }

    /** What a delivery is failed with when no handler is registered: its class name is what the store records. */
    static final class NoHandlerException extends Exception {
        private static final long serialVersionUID = 1L;

        NoHandlerException() {
            super("no PostCallEventHandler is registered");
        }
    }
}
