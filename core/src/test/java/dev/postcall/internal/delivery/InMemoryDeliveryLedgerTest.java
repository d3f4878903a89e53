package dev.postcall.internal.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postcall.spi.DeliveryKey;
import dev.postcall.spi.DeliveryLedger;
import dev.postcall.spi.DeliveryLedger.Claim;
import dev.postcall.spi.DeliveryLedger.DeliveryInProgressException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InMemoryDeliveryLedgerTest {

    static final DeliveryKey KEY = new DeliveryKey("post_call_transcription", "conv_1", 1761400000L);
    static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aDoneKeyIsNotDispatchedAgain() throws Exception {
        DeliveryLedger ledger = new InMemoryDeliveryLedger();
        Claim first = ledger.claim(KEY, WAIT);
        assertThat(first.shouldDispatch()).isTrue();
        first.done();

        assertThat(ledger.claim(KEY, WAIT).shouldDispatch()).isFalse();
        assertThat(ledger.claim(new DeliveryKey(KEY.type(), KEY.conversationId(), KEY.eventTimestamp()), WAIT)
                .shouldDispatch()).isFalse();
    }

    @Test
    void aFailedAttemptIsDispatchedAgain() throws Exception {
        DeliveryLedger ledger = new InMemoryDeliveryLedger();
        ledger.claim(KEY, WAIT).failed();

        Claim second = ledger.claim(KEY, WAIT);
        assertThat(second.shouldDispatch()).isTrue();
    }

    @Test
    void otherTypesAndTimestampsAreOtherDeliveries() throws Exception {
        DeliveryLedger ledger = new InMemoryDeliveryLedger();
        ledger.claim(KEY, WAIT).done();

        assertThat(ledger.claim(new DeliveryKey("post_call_audio", "conv_1", 1761400000L), WAIT).shouldDispatch()).isTrue();
        assertThat(ledger.claim(new DeliveryKey(KEY.type(), "conv_1", 1761400001L), WAIT).shouldDispatch()).isTrue();
    }

    @Test
    void concurrentDeliveriesOfOneKeyDispatchOnce() throws Exception {
        DeliveryLedger ledger = new InMemoryDeliveryLedger();
        AtomicInteger dispatched = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    Claim claim = ledger.claim(KEY, WAIT);
                    if (claim.shouldDispatch()) {
                        dispatched.incrementAndGet();
                        Thread.sleep(50); // still dispatching while the others arrive
                        claim.done();
                    }
                    return claim.shouldDispatch();
                }));
            }
            start.countDown();
            int dispatchers = 0;
            for (Future<Boolean> r : results) {
                dispatchers += r.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(dispatchers).isEqualTo(1);
            assertThat(dispatched).hasValue(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWaitingDeliveryDispatchesWhenTheRunningOneFails() throws Exception {
        DeliveryLedger ledger = new InMemoryDeliveryLedger();
        Claim running = ledger.claim(KEY, WAIT);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Claim> waiting = pool.submit(() -> ledger.claim(KEY, WAIT));
            Thread.sleep(50);
            assertThat(waiting).isNotDone();
            running.failed();
            assertThat(waiting.get(10, TimeUnit.SECONDS).shouldDispatch()).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDeliveryStillRunningAfterMaxWaitIsReportedInProgress() throws Exception {
        DeliveryLedger ledger = new InMemoryDeliveryLedger();
        ledger.claim(KEY, WAIT);

        assertThatThrownBy(() -> ledger.claim(KEY, Duration.ofMillis(20)))
                .isInstanceOf(DeliveryInProgressException.class)
                .hasMessageContaining("conv_1");
    }

    @Test
    void doneKeysAreForgottenAfterTheRetention() throws Exception {
        MutableClock clock = new MutableClock();
        InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger(Duration.ofHours(2), 100, clock);
        ledger.claim(KEY, WAIT).done();

        clock.advance(Duration.ofMinutes(119));
        assertThat(ledger.claim(KEY, WAIT).shouldDispatch()).isFalse();
        clock.advance(Duration.ofMinutes(2));
        assertThat(ledger.claim(KEY, WAIT).shouldDispatch()).isTrue();
    }

    @Test
    void theOldestDoneKeysAreEvictedBeyondCapacity() throws Exception {
        InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger(Duration.ofHours(2), 3, Clock.systemUTC());
        Claim running = ledger.claim(key(0), WAIT); // in progress: never evicted
        for (int i = 1; i <= 5; i++) {
            ledger.claim(key(i), WAIT).done();
        }
        assertThat(ledger.size()).isEqualTo(3);
        assertThat(ledger.claim(key(5), WAIT).shouldDispatch()).isFalse();
        assertThat(ledger.claim(key(4), WAIT).shouldDispatch()).isFalse();
        assertThat(ledger.claim(key(1), WAIT).shouldDispatch()).isTrue();
        running.done();
    }

    @Test
    void keysWhoseFieldsShareSeparatorsStillDiffer() {
        DeliveryKey a = new DeliveryKey("t", "a\n1", 2L);
        DeliveryKey b = new DeliveryKey("t\na", "1", 2L);
        DeliveryKey c = new DeliveryKey("t", "a", 12L);
        DeliveryKey d = new DeliveryKey("t", "a1", 2L);

        assertThat(java.util.Set.of(a.asString(), b.asString(), c.asString(), d.asString())).hasSize(4);
    }

    private static DeliveryKey key(int i) {
        return new DeliveryKey("post_call_transcription", "conv_" + i, 1761400000L);
    }

    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-11-22T12:00:00Z");

        void advance(Duration d) { now = now.plus(d); }
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }
}
