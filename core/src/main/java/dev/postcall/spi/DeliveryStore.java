package dev.postcall.spi;

import dev.postcall.BodySource;
import dev.postcall.PostCallEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where verified deliveries are claimed, kept and found again: the one contract behind postcall's delivery guarantee.
 * The servlet asks the store before it runs any handler ({@link #admit}); the store answers dispatch (and holds a
 * {@link Claim} until the outcome is reported), duplicate (handled before) or in progress (being handled elsewhere).
 * What the handlers failed on stays in the store, listed by {@link #failed} and claimed again for a replay by
 * {@link #claimFailed}.
 *
 * <p>postcall ships three: in memory (one node, no bodies kept: the servlet's default), a directory ({@code inbox-dir},
 * one node, bodies kept on disk) and a database ({@link dev.postcall.jdbc.JdbcDeliveryStore}, a cluster). A store of
 * your own passes the abstract contract suite {@code DeliveryStoreContract} of the {@code postcall-testkit} artifact;
 * hand it to the servlet in the servlet-context attribute {@code PostCallWebhookServlet.DELIVERY_STORE}, or as a
 * Spring bean.
 *
 * <p>The protocol, for one key ({@link DeliveryKey}: type, conversation id, and the event timestamp for the types
 * sent more than once per conversation):
 * <ol>
 *   <li>{@link #admit} returns {@link Dispatch} to exactly one caller among all that share the store, and keeps the
 *       delivery (when the store {@linkplain #keepsBodies() keeps bodies}) before it returns: durably, so that a
 *       crash after it never loses the delivery.</li>
 *   <li>Until that claim is finished, every other {@code admit} of the key waits up to its {@code maxWait} and then
 *       answers by the outcome: {@link Duplicate} after {@link Claim#handled()}, {@link Dispatch} again after
 *       {@link Claim#failed}, {@link InProgress} when it is still running.</li>
 *   <li>After {@link Claim#handled()} the key is a {@link Duplicate} for the store's retention.</li>
 *   <li>After {@link Claim#failed} the delivery is kept (listed by {@link #failed}) and its key released: the next
 *       {@code admit} of the key (the sender's retry) or {@link #claimFailed} (a replay) claims that same kept
 *       delivery again, so it is kept once and handled once, never twice.</li>
 *   <li>A delivery without a key (no conversation id) is admitted every time and kept like any other.</li>
 * </ol>
 *
 * <p>A claim whose holder died (the JVM was killed between admit and the outcome) is recovered by the store: a
 * durable store lists it as failed after its restart or a take-over time, so it can be replayed. That is the one
 * window in which a delivery can be handled twice: the handlers ran, and the JVM died before {@link Claim#handled()}.
 *
 * <p>A durable store may also offer {@link #backfilling()}: what postcall's backfill from ElevenLabs' Conversations
 * API needs of it (the watermark, a lease, whether a conversation is known). Without it, backfill is refused at
 * start-up.
 *
 * <p>Implementations are thread-safe. No method may call a handler, log payload content, or put a value of a
 * delivery (its body, a conversation id) into an exception's message.
 *
 * <pre>{@code
 * // a store of your own, handed to the servlet before it starts (a ServletContextListener)
 * context.setAttribute(PostCallWebhookServlet.DELIVERY_STORE, MyStore.open());
 * // what the handlers failed on, oldest first, a page at a time
 * for (DeliveryStore.Kept kept : store.failed(null, 100)) {
 *     log.warning(kept.id() + " " + kept.type() + " " + kept.conversationId() + ": " + kept.failureClass());
 * }
 * }</pre>
 */
public interface DeliveryStore extends AutoCloseable {

    /**
     * Claims a delivery and keeps it before it is dispatched.
     *
     * @param delivery what arrived
     * @param maxWait  how long to wait for another claim of the same key to finish
     * @return {@link Dispatch} (run the handlers, then finish the claim), {@link Duplicate} or {@link InProgress}
     * @throws StoreException       when the store cannot keep or claim it now; nothing was claimed and the delivery
     *                              must not be dispatched (the servlet answers 503)
     * @throws InterruptedException when the thread is interrupted while waiting; nothing was claimed
     */
    Admission admit(Delivery delivery, Duration maxWait) throws StoreException, InterruptedException;

    /**
     * The kept deliveries the handlers failed on, oldest first, after {@code after} (exclusive; {@code null} from the
     * oldest), at most {@code max}. Paging by the last one seen walks them all once, even while others fail again.
     *
     * @throws StoreException when they cannot be read
     */
    List<Kept> failed(Kept after, int max) throws StoreException;

    /**
     * Claims a kept failed delivery for a replay, as {@link #admit} claims a new one: empty when it is no longer
     * failed (replayed, or claimed by the sender's retry, elsewhere or meanwhile) or its key is being handled right
     * now. The claim's {@link Claim#body()} is the kept body.
     *
     * @throws StoreException when the store cannot claim it now
     */
    Optional<Claim> claimFailed(Kept kept) throws StoreException;

    /**
     * The kept body of a failed delivery, read without claiming it (to send it to a receiver that claims it itself);
     * empty when it is no longer kept.
     *
     * @throws StoreException when it cannot be read
     */
    Optional<BodySource> body(Kept kept) throws StoreException;

    /**
     * How many failed deliveries wait for a replay; 0 for a store that keeps none.
     *
     * @throws StoreException when they cannot be counted
     */
    int failedCount() throws StoreException;

    /** Whether a failed delivery is kept for a replay ({@code false}: lost unless the sender retries). */
    boolean keepsBodies();

    /** Where deliveries are kept, for the log and the health: never a password. */
    String description();

    /** Lets go of what the store holds in this process (a lock, a thread); claims still held stay unfinished. */
    @Override
    default void close() {
    }

    /**
     * What this store offers backfill, or empty when it cannot backfill (it forgets what it handled at a restart, or
     * keeps no watermark): then start-up refuses {@code backfill-api-key}. Cheap: it does no I/O; the servlet calls
     * {@link Backfilling#prepare} at start-up when backfill is on. Empty by default.
     */
    default Optional<Backfilling> backfilling() {
        return Optional.empty();
    }

    /**
     * One verified delivery, as a store keeps it.
     *
     * @param type               the envelope's {@code type}, or {@link #UNREADABLE} for a verified body that is not an
     *                           event envelope
     * @param conversationId     {@code data.conversation_id}, or {@code null}
     * @param eventTimestamp     the envelope's {@code event_timestamp}, unix seconds
     * @param signatureTimestamp the {@code t} of the signature header, unix seconds
     * @param contentType        the request's {@code Content-Type}, or {@code null}
     * @param body               the verified body, byte for byte
     */
    record Delivery(String type, String conversationId, long eventTimestamp, long signatureTimestamp,
                    String contentType, BodySource body) {

        /** The type under which a verified body that is not an event is kept. */
        public static final String UNREADABLE = "(unreadable)";

        /** @throws NullPointerException when type or body is null */
        public Delivery {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(body, "body");
        }

        /** The delivery of a parsed event. */
        public static Delivery of(PostCallEvent event, long signatureTimestamp, String contentType) {
            return new Delivery(event.type(), event.conversationId(), event.eventTimestamp(), signatureTimestamp,
                    contentType, event.body());
        }

        /** A verified body that is not an event envelope: kept without a key, for an upgrade that can read it. */
        public static Delivery unreadable(BodySource body, long signatureTimestamp, String contentType) {
            return new Delivery(UNREADABLE, null, 0, signatureTimestamp, contentType, body);
        }

        /** The key, or {@code null} when the delivery has no conversation id (or is unreadable). */
        public DeliveryKey key() {
            return conversationId == null || UNREADABLE.equals(type) ? null
                    : new DeliveryKey(type, conversationId, eventTimestamp);
        }
    }

    /** The answer to {@link #admit}. */
    sealed interface Admission permits Dispatch, Duplicate, InProgress { }

    /**
     * Run the handlers, then finish {@code claim} once.
     *
     * @param claim the claim this caller now holds
     */
    record Dispatch(Claim claim) implements Admission {
        /** @throws NullPointerException when claim is null */
        public Dispatch {
            Objects.requireNonNull(claim, "claim");
        }
    }

    /** An earlier delivery of the same key was handled: do not dispatch it again. */
    record Duplicate() implements Admission { }

    /** Another delivery of the same key is still being handled after the wait. */
    record InProgress() implements Admission { }

    /**
     * A claim on one delivery, held from {@link #admit} or {@link #claimFailed} until exactly one of
     * {@link #handled()} and {@link #failed} is called, once.
     */
    interface Claim {

        /** The delivery's body: the request's own after {@link #admit}, the kept one after {@link #claimFailed}. */
        BodySource body();

        /** Which dispatch this is: 1 for the first, more after failures, recoveries and replays. */
        int attempt();

        /**
         * The handlers succeeded: the key is done, the kept body dropped. Even when it throws, this claim is over in
         * this process: a later {@link #admit} of the key is not kept waiting for it (a durable store may then hand
         * the delivery out again after a restart or take-over: the handlers ran, the outcome was not recorded).
         *
         * @throws StoreException        when the outcome cannot be recorded
         * @throws IllegalStateException when the claim was finished already
         */
        void handled() throws StoreException;

        /**
         * The handlers failed with {@code cause}: the delivery is kept for a replay (when the store keeps bodies),
         * with the class name of {@code cause} (never its message), and the key released. Even when it throws, this
         * claim is over in this process, as for {@link #handled()}; a durable store still has the body it kept at
         * admission and recovers it.
         *
         * @return whether the delivery is kept for a replay
         * @throws StoreException        when the outcome cannot be recorded
         * @throws IllegalStateException when the claim was finished already
         */
        boolean failed(Throwable cause) throws StoreException;
    }

    /**
     * A failed delivery kept for a replay.
     *
     * @param id                 the store's id of it (a directory name, a row id), unique in the store
     * @param type               the envelope's {@code type}, or {@link Delivery#UNREADABLE}
     * @param conversationId     {@code data.conversation_id}, or {@code null}
     * @param eventTimestamp     the envelope's {@code event_timestamp}, or the key's (0 for the types sent once per
     *                           conversation, see {@link DeliveryKey}) in a store that keeps only the key's, as the
     *                           database store does; the kept body has the envelope's in any case
     * @param receivedAt         when it first arrived
     * @param failedAt           when it last failed
     * @param attempts           how many dispatches were started
     * @param failureClass       the class name of the last failure, or {@code interrupted} when its node stopped
     * @param contentType        the request's {@code Content-Type}, or {@code null}
     * @param signatureTimestamp the {@code t} of the first delivery's signature
     * @param bodyLength         the kept body's length in bytes
     */
    record Kept(String id, String type, String conversationId, long eventTimestamp, Instant receivedAt,
                Instant failedAt, int attempts, String failureClass, String contentType, long signatureTimestamp,
                long bodyLength) {

        /** The failure class recorded for a delivery whose node stopped while dispatching it. */
        public static final String INTERRUPTED = "interrupted";

        /** @throws NullPointerException when id, type or receivedAt is null */
        public Kept {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(receivedAt, "receivedAt");
        }

        /** The key, or {@code null} when it has none. */
        public DeliveryKey key() {
            return conversationId == null || Delivery.UNREADABLE.equals(type) ? null
                    : new DeliveryKey(type, conversationId, eventTimestamp);
        }
    }

    /**
     * The optional part of a durable store that postcall's backfill runs on: whether a conversation is known already
     * (so nothing is fetched twice), the watermark of the scheduled runs, and a lease so that one node of a cluster
     * runs them at a time. Deduplication itself is the store's {@link #admit}: a backfilled delivery and the webhook of
     * the same conversation share one {@link DeliveryKey}, so whichever comes second (or at the same time, on any
     * node) is a {@link Duplicate} or waits, as for any retry. {@code DeliveryStoreContract} tests these methods for
     * a store that offers them.
     *
     * <p>Every method may throw {@link StoreException}: backfill then stops its run where it is and the next run
     * starts from the old watermark.
     */
    interface Backfilling {

        /**
         * Readies the store for backfill at start-up, before any other method is called: creates or checks what it
         * keeps for it (a table, a folder), and from now on keeps every handled key {@linkplain #knows known} for at
         * least {@code keepKnown} (backfill's lookback plus two intervals), longer than the store would otherwise.
         *
         * @throws StoreException when the store cannot backfill, with a message that says what to add (the DDL of a
         *                        missing table, say)
         */
        void prepare(Duration keepKnown) throws StoreException;

        /**
         * Whether the store knows {@code key}: kept as failed, handled within the time {@link #prepare} asked for, or
         * being handled right now, on any node, before a restart too. Promptly: it never waits for a delivery in
         * progress. A {@code true} answer makes backfill fetch nothing for the conversation.
         */
        boolean knows(DeliveryKey key) throws StoreException;

        /**
         * The earliest time from which {@link #knows} is complete: every key handled since then is known. It is the
         * later of the moment backfill was first prepared on a store that held deliveries already (what it handled
         * before was never recorded for backfill) and now minus the time handled keys are kept; {@link Instant#EPOCH}
         * for a store that was new then. Backfill's scheduled windows never start before it, so a conversation the
         * webhook delivered is not fetched again because the store forgot it.
         */
        Instant knowsSince() throws StoreException;

        /**
         * The watermark of the scheduled runs: every conversation that started before it is settled. Empty before the
         * first run stored one. Shared by every node of a cluster.
         */
        Optional<Instant> watermark() throws StoreException;

        /**
         * Stores a later watermark, durably, before it returns; never moves it back (a value not after the stored one
         * leaves it as it is, so that two nodes racing keep the later).
         */
        void advance(Instant watermark) throws StoreException;

        /**
         * Whether this node runs the scheduled backfill now: takes or renews a lease of {@code lease} and answers
         * {@code true}, or answers {@code false} at once while another node holds an unexpired one. A store of one
         * node always answers {@code true}. A database times the lease by its own clock, so that nodes whose clocks
         * disagree still never both hold it.
         */
        boolean tryLead(Duration lease) throws StoreException;
    }

    /** The store cannot do it right now; the message names the store's step, never a value of a delivery. */
    final class StoreException extends Exception {
        private static final long serialVersionUID = 1L;

        /** With the store's message and the cause. */
        public StoreException(String message, Throwable cause) {
            super(message, cause);
        }

        /** With the store's message. */
        public StoreException(String message) {
            super(message);
        }
    }
}
