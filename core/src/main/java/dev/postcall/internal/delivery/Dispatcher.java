package dev.postcall.internal.delivery;

import dev.postcall.PostCallEvent;
import dev.postcall.internal.inbox.DeliveryRecord;
import dev.postcall.internal.inbox.InboxStore;
import dev.postcall.internal.inbox.InboxEntry;
import dev.postcall.spi.DeliveryKey;
import dev.postcall.spi.DeliveryLedger;
import dev.postcall.spi.DeliveryLedger.DeliveryInProgressException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Hands a verified event to the application once, and keeps it when the application fails: the ledger recognises a
 * delivery already handled, the inbox (when there is one) holds the body from before dispatch until the handler
 * succeeded. The servlet layer turns each {@link Outcome} into an HTTP answer; an application with its own endpoint
 * behind the filter can use it the same way.
 *
 * <pre>{@code
 * Dispatcher dispatcher = new Dispatcher(new InMemoryDeliveryLedger(), InboxStore.open(dir), Duration.ofSeconds(30));
 * Dispatcher.Outcome outcome = dispatcher.deliver(event, signatureTimestamp, contentType, handler);
 * }</pre>
 */
public final class Dispatcher {

    private static final System.Logger LOG = System.getLogger("dev.postcall.delivery");

    /** What became of one delivery. */
    public enum Outcome {
        /** The handler succeeded. */
        HANDLED,
        /** An earlier delivery of the same event was handled; this one was not dispatched. */
        DUPLICATE,
        /** The handler failed; the delivery is kept in the inbox's {@code failed/} for replay. */
        FAILED_KEPT,
        /** The handler failed and there is no inbox: unless the sender retries, the delivery is lost. */
        FAILED,
        /**
         * The event's {@code data} does not fit the model (see {@link HandlerRunner.Result#MALFORMED}); it is kept in
         * the inbox's {@code failed/} so an upgrade can replay it.
         */
        MALFORMED_KEPT,
        /** The event's {@code data} does not fit the model, and there is no inbox to keep it in. */
        MALFORMED,
        /** The same delivery is being handled by another request right now and did not finish in time. */
        IN_PROGRESS,
        /** The inbox could not store the delivery (disk full, permissions); it was not dispatched. */
        INBOX_UNAVAILABLE
    }

    private final DeliveryLedger ledger;
    private final InboxStore inbox;
    private final DeliveryStore store;
    private final Duration maxWait;
    private final Clock clock;

    /**
     * @param ledger  recognises deliveries already handled; {@code null} for none (every delivery is dispatched)
     * @param inbox   keeps deliveries until they are handled; {@code null} for none
     * @param maxWait how long a delivery waits for a concurrent one of the same event to finish
     */
    public Dispatcher(DeliveryLedger ledger, InboxStore inbox, Duration maxWait) {
        this(ledger, inbox, maxWait, Clock.systemUTC());
    }

    /**
     * Over a store that is the inbox and the ledger at once (the database's): one call keeps the delivery and claims
     * its key.
     *
     * @param maxWait how long a delivery waits for a concurrent one of the same event to finish
     */
    public Dispatcher(DeliveryStore store, Duration maxWait) {
        this(null, null, Objects.requireNonNull(store, "store"), maxWait, Clock.systemUTC());
    }

    Dispatcher(DeliveryLedger ledger, InboxStore inbox, Duration maxWait, Clock clock) {
        this(ledger, inbox, null, maxWait, clock);
    }

    private Dispatcher(DeliveryLedger ledger, InboxStore inbox, DeliveryStore store, Duration maxWait, Clock clock) {
        this.ledger = ledger;
        this.inbox = inbox;
        this.store = store;
        this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
        this.clock = clock;
    }

    /**
     * Delivers one event: claim it in the ledger, keep it in the inbox, run the handlers, record the outcome.
     *
     * @param signatureTimestamp the signature header's {@code t}, kept with the inbox entry
     * @param contentType        the request's content type, kept with the inbox entry; may be {@code null}
     * @throws InterruptedException when the thread is interrupted while waiting for a concurrent delivery
     */
    public Outcome deliver(PostCallEvent event, long signatureTimestamp, String contentType,
                           HandlerRunner handlers) throws InterruptedException {
        if (store != null) {
            return deliverStored(event, signatureTimestamp, contentType, handlers);
        }
        DeliveryKey key = ledger == null ? null : DeliveryKey.of(event);
        DeliveryLedger.Claim claim;
        if (key == null) {
            claim = DeliveryLedger.Claim.UNTRACKED;
        } else {
            try {
                claim = ledger.claim(key, maxWait);
            } catch (DeliveryInProgressException e) {
                return Outcome.IN_PROGRESS;
            }
        }
        if (!claim.shouldDispatch()) {
            LOG.log(Level.DEBUG, "{0} of conversation {1} was handled before; not dispatched again",
                    event.type(), event.conversationId());
            return Outcome.DUPLICATE;
        }
        InboxEntry entry = null;
        if (inbox != null) {
            try {
                entry = inbox.write(event.body(), new DeliveryRecord(clock.instant(), signatureTimestamp, contentType,
                        event.type(), event.conversationId(), event.eventTimestamp()));
            } catch (IOException | RuntimeException e) {
                claim.failed();
                LOG.log(Level.ERROR, "postcall inbox {0} cannot store a {1} of conversation {2} ({3}); answered"
                        + " 503 without dispatching it", inbox.root(), event.type(), event.conversationId(),
                        e.toString());
                return Outcome.INBOX_UNAVAILABLE;
            }
        }
        return switch (handlers.run(event)) {
            case HANDLED -> handled(claim, entry);
            case FAILED -> failed(event, claim, entry, Outcome.FAILED, Outcome.FAILED_KEPT);
            case MALFORMED -> failed(event, claim, entry, Outcome.MALFORMED, Outcome.MALFORMED_KEPT);
        };
    }

    private Outcome deliverStored(PostCallEvent event, long signatureTimestamp, String contentType,
                                  HandlerRunner handlers) throws InterruptedException {
        DeliveryStore.Admitted admitted;
        try {
            admitted = store.admit(event, signatureTimestamp, contentType, maxWait);
        } catch (DeliveryStore.UnavailableException e) {
            LOG.log(Level.ERROR, "postcall inbox {0} cannot store a {1} of conversation {2} ({3}); answered 503"
                    + " without dispatching it", store.description(), event.type(), event.conversationId(),
                    e.getMessage());
            return Outcome.INBOX_UNAVAILABLE;
        }
        if (admitted instanceof DeliveryStore.Duplicate) {
            LOG.log(Level.DEBUG, "{0} of conversation {1} was handled before; not dispatched again",
                    event.type(), event.conversationId());
            return Outcome.DUPLICATE;
        }
        if (admitted instanceof DeliveryStore.InProgress) {
            return Outcome.IN_PROGRESS;
        }
        DeliveryStore.Held held = ((DeliveryStore.Dispatch) admitted).held();
        HandlerRunner.Attempt attempt = handlers.attempt(event);
        if (attempt.result() == HandlerRunner.Result.HANDLED) {
            held.handled();
            return Outcome.HANDLED;
        }
        held.failed(attempt.firstFailure());
        LOG.log(Level.WARNING, "{0} of conversation {1} not handled; the delivery is kept in {2} for replay",
                event.type(), event.conversationId(), store.description());
        return attempt.result() == HandlerRunner.Result.MALFORMED ? Outcome.MALFORMED_KEPT : Outcome.FAILED_KEPT;
    }

    private static Outcome handled(DeliveryLedger.Claim claim, InboxEntry entry) {
        claim.done();
        if (entry != null) {
            remove(entry);
        }
        return Outcome.HANDLED;
    }

    private static Outcome failed(PostCallEvent event, DeliveryLedger.Claim claim, InboxEntry entry, Outcome lost,
            Outcome kept) {
        claim.failed();
        if (entry == null) {
            return lost;
        }
        keep(event, entry);
        return kept;
    }

    private static void remove(InboxEntry entry) {
        try {
            entry.remove();
        } catch (IOException e) {
            // handled all the same; a leftover would be replayed twice, so say so loudly
            LOG.log(Level.ERROR, "postcall inbox: handled entry {0} could not be removed ({1}); remove it by"
                    + " hand or it will be recovered into failed/ at the next start", entry.id(), e.toString());
        }
    }

    /** The handlers failed (and said why, in the log): the entry moves to {@code failed/} for replay. */
    private static void keep(PostCallEvent event, InboxEntry entry) {
        try {
            InboxEntry kept = entry.moveToFailed();
            LOG.log(Level.WARNING, "{0} of conversation {1} not handled; the delivery is kept as {2} for replay",
                    event.type(), event.conversationId(), kept.directory());
        } catch (IOException e) {
            // it stays in incoming/, which the next start moves to failed/: still not lost
            LOG.log(Level.ERROR, "{0} of conversation {1} not handled; moving {2} to failed/ failed ({3}); it is"
                    + " recovered at the next start", event.type(), event.conversationId(), entry.id(),
                    e.getClass().getName());
        }
    }
}
