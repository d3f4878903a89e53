package dev.postcall.internal.delivery;

import dev.postcall.spi.DeliveryKey;
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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The claim protocol of one node, in memory: at most one claim per key at a time; a key whose claim ended
 * {@linkplain Token#done() done} is remembered for {@code retention} (at most {@code capacity} keys, the oldest
 * forgotten first); one whose claim was {@linkplain Token#release() released} can be claimed again at once. The
 * memory store and the directory store claim through it. Thread-safe.
 */
public final class KeyClaims {

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

    /** What {@link #claim} found. */
    public sealed interface Result permits Claimed, Done, Busy { }

    /** The key is this caller's until it finishes {@code token}. */
    public record Claimed(Token token) implements Result { }

    /** The key was handled within the retention. */
    public record Done() implements Result { }

    /** Another claim of the key was still running after the wait. */
    public record Busy() implements Result { }

    private static final Result DONE = new Done();
    private static final Result BUSY = new Busy();

    private final Duration retention;
    private final int capacity;
    private final Clock clock;
    // insertion order = age order, because a key is re-inserted whenever its claim ends done
    private final LinkedHashMap<DeliveryKey, Entry> entries = new LinkedHashMap<>();

    /** With the default retention and capacity. */
    public KeyClaims(Clock clock) {
        this(DEFAULT_RETENTION, DEFAULT_CAPACITY, clock);
    }

    /**
     * @param retention how long a done key is remembered
     * @param capacity  how many keys at most; the oldest done keys are forgotten first
     * @param clock     the clock that ages entries
     */
    public KeyClaims(Duration retention, int capacity, Clock clock) {
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

    /**
     * Claims {@code key}, waiting at most {@code maxWait} while another claim of it runs.
     *
     * @throws InterruptedException when interrupted while waiting; nothing is claimed
     */
    public Result claim(DeliveryKey key, Duration maxWait) throws InterruptedException {
        long deadline = System.nanoTime() + Math.max(0, maxWait.toNanos());
        while (true) {
            Entry running;
            synchronized (entries) {
                Result now = claimNow(key);
                if (now != null) {
                    return now;
                }
                running = entries.get(key);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return BUSY;
            }
            try {
                running.finished.get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return BUSY;
            } catch (ExecutionException e) {
                throw new AssertionError("never completed exceptionally", e);
            }
        }
    }

    /** Claims {@code key} without waiting: {@link Busy} at once when another claim of it runs. */
    public Result tryClaim(DeliveryKey key) {
        synchronized (entries) {
            Result now = claimNow(key);
            return now != null ? now : BUSY;
        }
    }

    /** Under the lock: the claim, {@code DONE}, or {@code null} when another claim runs. */
    private Result claimNow(DeliveryKey key) {
        evict();
        Entry entry = entries.get(key);
        if (entry == null) {
            Entry mine = new Entry(clock.millis());
            entries.put(key, mine);
            return new Claimed(new Token(key, mine));
        }
        return entry.done ? DONE : null;
    }

    /** Whether {@code key} is claimed now, or was handled within the retention; never waits. */
    public boolean knows(DeliveryKey key) {
        synchronized (entries) {
            evict();
            return entries.containsKey(key);
        }
    }

    /** How many keys are held now (done or claimed). */
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
                continue; // claimed: never forgotten
            }
            if (e.since >= oldest && entries.size() <= capacity) {
                break;
            }
            it.remove();
        }
    }

    private void finish(DeliveryKey key, Entry entry, boolean done) {
        synchronized (entries) {
            if (entries.get(key) == entry) {
                entries.remove(key);
                if (done) {
                    entry.done = true;
                    entry.since = clock.millis();
                    entries.put(key, entry);
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

    /** A claim of one key; the first of {@link #done()} and {@link #release()} ends it, later calls do nothing. */
    public final class Token {
        private final DeliveryKey key;
        private final Entry entry;
        private final AtomicBoolean ended = new AtomicBoolean();

        private Token(DeliveryKey key, Entry entry) {
            this.key = key;
            this.entry = entry;
        }

        /** The key was handled: remembered for the retention. */
        public void done() {
            if (ended.compareAndSet(false, true)) {
                finish(key, entry, true);
            }
        }

        /** The key was not handled: claimable again at once. */
        public void release() {
            if (ended.compareAndSet(false, true)) {
                finish(key, entry, false);
            }
        }
    }
}
