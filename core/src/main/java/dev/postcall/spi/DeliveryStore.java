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
 * <p>The protocol, for one key ({@link DeliveryKey}: type, conversation id, event timestamp):
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
 * <p>Implementations are thread-safe. No method may call a handler, log payload content, or put a value of a
 * delivery (its body, a conversation id) into an exception's message.
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
     * @param eventTimestamp     the envelope's {@code event_timestamp}
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
