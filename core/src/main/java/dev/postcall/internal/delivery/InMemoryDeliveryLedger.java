package dev.postcall.internal.delivery;

import dev.postcall.spi.DeliveryKey;
import dev.postcall.spi.DeliveryLedger;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link DeliveryLedger} for one node: done keys are kept in memory for {@code retention} (default
 * {@link #DEFAULT_RETENTION}), at most {@code capacity} of them (default {@link #DEFAULT_CAPACITY}), the oldest
 * evicted first. Thread-safe.
 *
 * <pre>{@code
 * DeliveryLedger ledger = new InMemoryDeliveryLedger();
 * }</pre>
 */
public final class InMemoryDeliveryLedger implements DeliveryLedger {

    /**
     * Two hours: longer than the signature tolerance (30 min) plus the future skew (5 min) plus the sender's retry
     * horizon (about 40 min after the first attempt), so any delivery the filter accepts again is recognised.
     */
    public static final Duration DEFAULT_RETENTION = Duration.ofHours(2);

    /**
     * 100,000 keys: about 25 MB of heap when full (the soak measured some 260 bytes a key with short conversation
     * ids), reached after 100,000 distinct deliveries within the retention.
     */
    public static final int DEFAULT_CAPACITY = 100_000;

    private final Duration retention;
    private final int capacity;
    private final Clock clock;
    // insertion order = age order, because a key is re-inserted whenever it is claimed again
    private final LinkedHashMap<DeliveryKey, Entry> entries = new LinkedHashMap<>();

    /** With the default retention and capacity. */
    public InMemoryDeliveryLedger() {
        this(DEFAULT_RETENTION, DEFAULT_CAPACITY, Clock.systemUTC());
    }

    /**
     * @param retention how long a done key is remembered
     * @param capacity  how many keys at most; the oldest done keys are evicted first
     * @param clock     the clock that ages entries
     */
    public InMemoryDeliveryLedger(Duration retention, int capacity, Clock clock) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive");
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.retention = retention;
        this.capacity = capacity;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Claim claim(DeliveryKey key, Duration maxWait) throws DeliveryInProgressException, InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            Entry running;
            synchronized (entries) {
                evict();
                Entry entry = entries.get(key);
                if (entry == null) {
                    Entry mine = new Entry(clock.millis());
                    entries.put(key, mine);
                    return new Held(key, mine);
                }
                if (entry.done) {
                    return Claim.ALREADY_DONE;
                }
                running = entry;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new DeliveryInProgressException(key);
            }
            try {
                running.finished.get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new DeliveryInProgressException(key);
            } catch (ExecutionException e) {
                throw new AssertionError("never completed exceptionally", e);
            }
        }
    }

    /** How many keys are held now (done or being dispatched). */
    public int size() {
        synchronized (entries) {
            evict();
            return entries.size();
        }
    }

    private void evict() {
        long oldest = clock.millis() - retention.toMillis();
        Iterator<Map.Entry<DeliveryKey, Entry>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            Entry e = it.next().getValue();
            if (!e.done) {
                continue; // being dispatched: never evicted
            }
            if (e.since >= oldest && entries.size() <= capacity) {
                break;
            }
            it.remove();
        }
    }

    private void finish(DeliveryKey key, Entry entry, boolean success) {
        synchronized (entries) {
            if (entries.get(key) == entry) {
                if (success) {
                    entry.done = true;
                    entry.since = clock.millis();
                    entries.remove(key);
                    entries.put(key, entry);
                } else {
                    entries.remove(key);
                }
            }
        }
        entry.finished.complete(null);
    }

    private static final class Entry {
        final CompletableFuture<Void> finished = new CompletableFuture<>();
        boolean done;
        long since;

        Entry(long since) {
            this.since = since;
        }
    }

    private final class Held implements Claim {
        private final DeliveryKey key;
        private final Entry entry;

        Held(DeliveryKey key, Entry entry) {
            this.key = key;
            this.entry = entry;
        }

        @Override public boolean shouldDispatch() { return true; }
        @Override public void done() { finish(key, entry, true); }
        @Override public void failed() { finish(key, entry, false); }
    }
}
