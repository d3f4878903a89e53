package dev.postcall.internal.cli;

import dev.postcall.BodySource;
import dev.postcall.spi.DeliveryStore;
import dev.postcall.spi.DeliveryStore.Claim;
import dev.postcall.spi.DeliveryStore.Kept;
import dev.postcall.spi.DeliveryStore.StoreException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code replay}: POSTs every failed delivery a store keeps to the receiver again, re-signed with a fresh timestamp,
 * through its normal verified path, oldest first, up to the newest there is when it starts. Nothing is dispatched
 * unclaimed:
 * <ul>
 *   <li>a delivery with a key is claimed by the receiver itself: its store's admit finds the key failed and takes
 *       that very delivery (the row, the directory entry), runs the handlers and records the outcome, so what it made
 *       of it is read back from the store afterwards (gone: handled);</li>
 *   <li>a delivery without one cannot be recognised by the receiver, so it is claimed here first
 *       ({@link DeliveryStore#claimFailed}) and finished by the answer: handled when the receiver took it (200, or
 *       500 {@code handler-failed} or 400 {@code malformed-event} saying {@code "kept":true}: the receiver keeps its
 *       own copy, so keeping this one too would double it at every replay), kept again otherwise (a receiver whose
 *       store keeps no bodies says no such thing, and the delivery stays here).</li>
 * </ul>
 */
final class StoreReplay {

    private static final int PAGE = 100;

    private final DeliveryStore store;
    private final WebhookPoster poster;
    private final Clock clock;

    StoreReplay(DeliveryStore store, WebhookPoster poster, Clock clock) {
        this.store = store;
        this.poster = poster;
        this.clock = clock;
    }

    int run(Main.Terminal terminal) throws StoreException {
        List<Kept> todo = new ArrayList<>();
        for (List<Kept> page = store.failed(null, PAGE); !page.isEmpty();
                page = store.failed(page.get(page.size() - 1), PAGE)) {
            todo.addAll(page);
        }
        int done = 0;
        int elsewhere = 0;
        for (Kept kept : todo) {
            String line = describe(kept);
            String progress = done + " of " + todo.size() + " replayed";
            Outcome outcome = kept.key() == null ? claimedHere(kept, terminal, progress)
                    : claimedByReceiver(kept, terminal, progress);
            if (outcome == null) {
                return Main.UNREACHABLE;
            }
            switch (outcome.result()) {
                case DONE -> done++;
                case ELSEWHERE -> elsewhere++;
                case KEPT -> { }
            }
            terminal.out().println(line + " -> " + outcome.text());
        }
        int stillFailed = todo.size() - done - elsewhere;
        terminal.out().printf("replayed %d of %d; %d still failed in %s%s%n", done, todo.size(), stillFailed,
                store.description(), elsewhere > 0 ? ", " + elsewhere + " replayed elsewhere meanwhile" : "");
        return stillFailed == 0 ? Main.OK : Main.NOT_ACCEPTED;
    }

    private enum Result { DONE, KEPT, ELSEWHERE }

    private record Outcome(Result result, String text) { }

    /** A keyed delivery: sent as it is kept; the receiver's store claims it. {@code null} when nothing was sent. */
    private Outcome claimedByReceiver(Kept kept, Main.Terminal terminal, String progress) throws StoreException {
        Optional<BodySource> body = store.body(kept);
        if (body.isEmpty()) {
            return new Outcome(Result.ELSEWHERE, "no longer failed (replayed elsewhere meanwhile), skipped");
        }
        WebhookPoster.Answer answer = poster.replay(() -> body.get().openStream(), clock.instant(), terminal,
                progress);
        if (answer == null) {
            return null;
        }
        if (answer.status() != 200) {
            return new Outcome(Result.KEPT, "HTTP " + answer.status() + ", still failed");
        }
        if (store.body(kept).isEmpty()) {
            return new Outcome(Result.DONE, "HTTP 200, done"); // the receiver took it from the store and handled it
        }
        return new Outcome(Result.KEPT, "HTTP 200 but not done: it failed again on the receiver (which accepts"
                + " failures into its store), or the receiver does not keep its deliveries in " + store.description());
    }

    /** A delivery without a key: claimed here, then sent. {@code null} when nothing was sent. */
    private Outcome claimedHere(Kept kept, Main.Terminal terminal, String progress) throws StoreException {
        Optional<Claim> claimed = store.claimFailed(kept);
        if (claimed.isEmpty()) {
            return new Outcome(Result.ELSEWHERE, "no longer failed (replayed elsewhere meanwhile), skipped");
        }
        Claim claim = claimed.get();
        WebhookPoster.Answer answer;
        try {
            answer = poster.replay(() -> claim.body().openStream(), clock.instant(), terminal, progress);
        } catch (RuntimeException | Error e) {
            claim.failed(e);
            throw e;
        }
        if (answer == null) {
            claim.failed(new ReplayNotSent());
            return null;
        }
        if (answer.dispatched()) {
            claim.handled();
            return new Outcome(Result.DONE, "HTTP " + answer.status() + (answer.status() == 200 ? ", done"
                    : answer.status() == 400 ? ", kept by the receiver as malformed, which keeps it itself"
                    : ", handled by the receiver, which keeps its failure itself"));
        }
        claim.failed(new ReplayRefused());
        return new Outcome(Result.KEPT, "HTTP " + answer.status() + ", still failed");
    }

    /** A row in a line: what it is, never what it says. */
    private static String describe(Kept kept) {
        return "delivery " + kept.id() + " (" + kept.type() + ", conversation "
                + (kept.conversationId() == null ? "none" : kept.conversationId()) + ", " + kept.bodyLength()
                + " bytes, " + kept.attempts() + " attempt(s), last failure " + kept.failureClass() + ")";
    }

    /** The failure a delivery claimed here is kept with when it could not be sent. */
    static final class ReplayNotSent extends Exception {
        private static final long serialVersionUID = 1L;
    }

    /** The failure a delivery claimed here is kept with when the receiver did not dispatch it. */
    static final class ReplayRefused extends Exception {
        private static final long serialVersionUID = 1L;
    }
}
