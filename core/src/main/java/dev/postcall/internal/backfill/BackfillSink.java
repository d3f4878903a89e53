package dev.postcall.internal.backfill;

import dev.postcall.PostCallEvent;

import java.time.Instant;
import java.util.Optional;

/**
 * What backfill needs of the rest of postcall: the seam the delivery pipeline implements over its store, so that a
 * backfilled conversation goes through the same store, dispatcher, handlers, delivery log and meters as a webhook.
 * {@link Backfill} calls it from one thread at a time (the scheduler's, or an on-demand caller's), never from two at
 * once.
 *
 * <p>"Settled" below means the conversation needs nothing more from backfill: handled, kept for replay, or known to
 * the store already. A method that throws a {@link RuntimeException} stops the run where it is: nothing after it is
 * fetched or dispatched, the watermark stays where it was, and the next run tries again. An {@link Error} goes up to
 * the caller of {@link Backfill} after the run has released its bodies.
 */
public interface BackfillSink {

    /**
     * Whether this application has a {@code post_call_transcription} of {@code conversationId} already: received as
     * a webhook (handled, kept for replay, or being handled right now) or dispatched by an earlier backfill; on any
     * node of the cluster when the store is shared; before a restart too. Backfill fetches nothing for a
     * conversation this answers {@code true} for.
     *
     * <p>Must answer from the store's durable state, by conversation id alone (a webhook's {@code event_timestamp}
     * differs from a backfilled one's), and promptly: it never waits for a delivery in progress to end.
     *
     * @throws RuntimeException when the store cannot answer; never for an id it does not know (that is
     *                          {@code false})
     */
    boolean received(String conversationId);

    /**
     * Hands a backfilled event ({@link PostCallEvent#backfilled()} is {@code true}; a
     * {@link dev.postcall.TranscriptionEvent} or, with {@code backfill-audio}, an {@link dev.postcall.AudioEvent})
     * to the pipeline a webhook goes through: admitted by the store under its delivery key (type, conversation id,
     * {@code event_timestamp}, which is the same on every fetch of a conversation, so a second dispatch of one is
     * {@link Outcome#DUPLICATE}), the handlers run, logged and counted once; and answers how it ended.
     *
     * <p>It must not throw for anything a handler does: a handler's exception or {@code Error} is
     * {@link Outcome#KEPT} or {@link Outcome#NOT_KEPT}. Once it has answered a settled outcome for a transcription,
     * {@link #received} answers {@code true} for that conversation, durably.
     *
     * <p>The body ({@link PostCallEvent#body()}, a {@code HeldBody}) is held by backfill until this method returns
     * and released then: its temp file is deleted unless the store took it over ({@code HeldBody.moveFileTo}). A
     * store or handler that reads it later takes {@link PostCallEvent#retain()} before returning. This method never
     * releases the body itself.
     *
     * @throws RuntimeException when the pipeline failed before it decided (the store is down, say) and kept nothing
     */
    Outcome dispatch(PostCallEvent event);

    /**
     * The watermark: every conversation that started before it is settled (or was given up on, see
     * {@link Backfill}). Empty before the first scheduled run ever stored one. Durable, and shared by the nodes of
     * a cluster.
     *
     * @throws RuntimeException when it cannot be read
     */
    Optional<Instant> watermark();

    /**
     * The earliest start a scheduled window may have: {@link #received} is complete only for conversations handled
     * since then (a store that held deliveries before backfill was switched on never recorded them for it, and one
     * that keeps handled keys for a time forgets older ones). A scheduled run's window starts at the later of this
     * and (watermark − lookback); an on-demand window is not limited by it.
     *
     * @throws RuntimeException when it cannot be read; the run is skipped
     */
    default Instant earliestStart() {
        return Instant.EPOCH;
    }

    /**
     * Stores a later watermark, durably before returning. Backfill calls it only at the end of a complete scheduled
     * run (never for an on-demand window) and only with a value later than {@link #watermark()} gave at the run's
     * start; when nodes race, the store keeps the later value and never moves it back.
     *
     * @throws RuntimeException when it cannot be stored: the report says so, and the next run starts from the old
     *                          watermark, which costs lookups but repeats no dispatch
     */
    void advance(Instant watermark);

    /**
     * Whether this node runs the scheduled backfill now. On one node: always {@code true}. In a cluster: {@code true}
     * on at most one node at a time (a lease held at least for the interval, renewed by the node that holds it),
     * {@code false} on the others, which skip the run. Promptly: it never waits for the lease. On-demand backfill
     * does not ask (the store's admission keeps a conversation from being handled twice).
     *
     * @throws RuntimeException when it cannot tell; the run is skipped
     */
    boolean tryLead();

    /** How a dispatch ended. */
    enum Outcome {
        /** The handlers ran and succeeded; the store marked it done. */
        HANDLED(true),
        /** A handler failed, and the store kept the delivery to replay it. */
        KEPT(true),
        /** The store had this delivery already, handled or kept. */
        DUPLICATE(true),
        /** Another thread or node is handling this delivery now; a later run looks again. */
        IN_PROGRESS(false),
        /** A handler failed and nothing was kept (no durable store, or it refused); a later run tries again. */
        NOT_KEPT(false);

        private final boolean settled;

        Outcome(boolean settled) {
            this.settled = settled;
        }

        /** Whether backfill is done with the conversation (the watermark may pass it). */
        public boolean settled() {
            return settled;
        }
    }
}
