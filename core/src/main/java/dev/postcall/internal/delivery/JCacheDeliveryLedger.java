package dev.postcall.internal.delivery;

import dev.postcall.spi.DeliveryKey;
import dev.postcall.spi.DeliveryLedger;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import javax.cache.Cache;

/**
 * A {@link DeliveryLedger} shared by every node of a cluster through a JSR-107 ({@code javax.cache}) cache, such as
 * Hazelcast's or Infinispan's. Give the cache an expiry policy of at least
 * {@link InMemoryDeliveryLedger#DEFAULT_RETENTION}; the ledger never removes done keys itself.
 *
 * <pre>{@code
 * Cache<String, String> cache = cacheManager.createCache("postcall-deliveries",
 *         new MutableConfiguration<String, String>()
 *                 .setTypes(String.class, String.class)
 *                 .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new javax.cache.expiry.Duration(TimeUnit.HOURS, 2))));
 * DeliveryLedger ledger = new JCacheDeliveryLedger(cache);
 * }</pre>
 *
 * <p>A claim is an atomic {@code putIfAbsent}; other nodes poll until it is done or released. A node that dies while
 * dispatching leaves its claim behind: after {@code abandonAfter} (default 10 minutes) another node takes it over.
 */
public final class JCacheDeliveryLedger implements DeliveryLedger {

    private static final String DONE = "done";
    private static final String RUNNING = "running:";
    private static final long POLL_MILLIS = 50;

    private final Cache<String, String> cache;
    private final Duration abandonAfter;
    private final Clock clock;

    /** Over {@code cache}, taking over claims older than 10 minutes. */
    public JCacheDeliveryLedger(Cache<String, String> cache) {
        this(cache, Duration.ofMinutes(10), Clock.systemUTC());
    }

    /**
     * @param cache        the shared cache, String keys and values
     * @param abandonAfter how long a claim may stay unfinished before another node takes it over
     * @param clock        the clock claims are dated by
     */
    public JCacheDeliveryLedger(Cache<String, String> cache, Duration abandonAfter, Clock clock) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.abandonAfter = Objects.requireNonNull(abandonAfter, "abandonAfter");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Claim claim(DeliveryKey key, Duration maxWait) throws DeliveryInProgressException, InterruptedException {
        String k = key.asString();
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            String mine = RUNNING + clock.millis() + ':' + UUID.randomUUID();
            if (cache.putIfAbsent(k, mine)) {
                return new Held(k, mine);
            }
            String current = cache.get(k);
            if (DONE.equals(current)) {
                return Claim.ALREADY_DONE;
            }
            if (current != null && abandoned(current) && cache.replace(k, current, mine)) {
                return new Held(k, mine);
            }
            if (System.nanoTime() >= deadline) {
                throw new DeliveryInProgressException(key);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private boolean abandoned(String running) {
        if (!running.startsWith(RUNNING)) {
            return true; // a value this ledger did not write
        }
        int end = running.indexOf(':', RUNNING.length());
        try {
            long since = Long.parseLong(running.substring(RUNNING.length(), end));
            return clock.millis() - since > abandonAfter.toMillis();
        } catch (RuntimeException e) {
            return true;
        }
    }

    private final class Held implements Claim {
        private final String key;
        private final String token;

        Held(String key, String token) {
            this.key = key;
            this.token = token;
        }

        @Override public boolean shouldDispatch() { return true; }
        @Override public void done() { cache.replace(key, token, DONE); }
        @Override public void failed() { cache.remove(key, token); }
    }
}
