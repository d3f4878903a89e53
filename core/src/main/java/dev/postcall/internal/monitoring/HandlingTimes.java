package dev.postcall.internal.monitoring;

import java.time.Duration;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Handling times: count, total, maximum and a histogram for percentiles, four buckets per power of two of
 * microseconds (so a percentile is known to within a quarter). Recording is two adder increments, one accumulate and
 * a bucket index computed with a shift: no lock, no allocation.
 */
final class HandlingTimes {
    private static final int BUCKETS = 160; // up to 2^40 µs, twelve days; longer ones count in the last

    private final LongAdder count = new LongAdder();
    private final LongAdder totalNanos = new LongAdder();
    private final LongAccumulator maxNanos = new LongAccumulator(Math::max, 0);
    private final LongAdder[] buckets = new LongAdder[BUCKETS];

    HandlingTimes() {
        for (int i = 0; i < BUCKETS; i++) {
            buckets[i] = new LongAdder();
        }
    }

    void record(long nanos) {
        long n = Math.max(0, nanos);
        count.increment();
        totalNanos.add(n);
        maxNanos.accumulate(n);
        buckets[bucket(n / 1000)].increment();
    }

    long count() {
        return count.sum();
    }

    long totalNanos() {
        return totalNanos.sum();
    }

    long maxNanos() {
        return maxNanos.get();
    }

    /** The {@code q}-quantile (0 &lt; q ≤ 1): the upper bound of its bucket, zero when nothing was timed. */
    Duration quantile(double q) {
        long[] counts = new long[BUCKETS];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] = buckets[i].sum();
            total += counts[i];
        }
        if (total == 0) {
            return Duration.ZERO;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Duration.ofNanos(Math.min(upperMicros(i), maxNanos() / 1000 + 1) * 1000);
            }
        }
        return Duration.ofNanos(maxNanos());
    }

    static int bucket(long micros) {
        if (micros < 4) {
            return (int) Math.max(0, micros);
        }
        int exponent = 63 - Long.numberOfLeadingZeros(micros); // 2 or more
        int sub = (int) (micros >>> (exponent - 2)) & 3;
        return Math.min(BUCKETS - 1, 4 * (exponent - 1) + sub);
    }

    static long upperMicros(int bucket) {
        if (bucket < 4) {
            return bucket;
        }
        int exponent = bucket / 4 + 1;
        int sub = bucket % 4;
        long lower = (long) (4 + sub) << (exponent - 2);
        return lower + (1L << (exponent - 2)) - 1;
    }
}
