package dev.postcall.internal.delivery;

import dev.postcall.BodySource;
import dev.postcall.spi.DeliveryKey;
import dev.postcall.spi.DeliveryStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The store of one node that keeps no bodies: it claims keys in memory ({@link KeyClaims}), so a retry or a replay of
 * a handled delivery is not dispatched again, and forgets a failed delivery (lost unless the sender retries). The
 * servlet's default ({@code delivery-ledger=memory}); {@link #unrecorded()} is {@code delivery-ledger=off}, which
 * dispatches every delivery.
 */
public final class MemoryStore implements DeliveryStore {

    private final KeyClaims claims;

    private MemoryStore(KeyClaims claims) {
        this.claims = claims;
    }

    /** Remembers handled keys for the default retention and capacity. */
    public static MemoryStore create() {
        return new MemoryStore(new KeyClaims(Clock.systemUTC()));
    }

    /** Over {@code claims}. */
    public static MemoryStore over(KeyClaims claims) {
        return new MemoryStore(claims);
    }

    /** Remembers nothing: every delivery is dispatched, concurrent duplicates too. */
    public static MemoryStore unrecorded() {
        return new MemoryStore(null);
    }

    @Override
    public Admission admit(Delivery delivery, Duration maxWait) throws InterruptedException {
        DeliveryKey key = claims == null ? null : delivery.key();
        if (key == null) {
            return new Dispatch(new Held(delivery.body(), null));
        }
        KeyClaims.Result result = claims.claim(key, maxWait);
        if (result instanceof KeyClaims.Claimed claimed) {
            return new Dispatch(new Held(delivery.body(), claimed.token()));
        }
        return result instanceof KeyClaims.Done ? new Duplicate() : new InProgress();
    }

    @Override
    public List<Kept> failed(Kept after, int max) {
        return List.of();
    }

    @Override
    public Optional<Claim> claimFailed(Kept kept) {
        return Optional.empty();
    }

    @Override
    public Optional<BodySource> body(Kept kept) {
        return Optional.empty();
    }

    @Override
    public int failedCount() {
        return 0;
    }

    @Override
    public boolean keepsBodies() {
        return false;
    }

    @Override
    public String description() {
        return claims == null ? "none (delivery-ledger=off: every delivery dispatched, none kept)"
                : "memory (this node's handled keys; failed deliveries not kept)";
    }

    /** A claim on a key in memory, or on nothing for a delivery without one. */
    private static final class Held implements Claim {
        private final BodySource body;
        private final KeyClaims.Token token;
        private final AtomicBoolean finished = new AtomicBoolean();

        Held(BodySource body, KeyClaims.Token token) {
            this.body = body;
            this.token = token;
        }

        @Override
        public BodySource body() {
            return body;
        }

        @Override
        public int attempt() {
            return 1;
        }

        @Override
        public void handled() {
            finish();
            if (token != null) {
                token.done();
            }
        }

        @Override
        public boolean failed(Throwable cause) {
            finish();
            if (token != null) {
                token.release();
            }
            return false;
        }

        private void finish() {
            if (!finished.compareAndSet(false, true)) {
                throw new IllegalStateException("the claim was finished already");
            }
        }
    }
}
