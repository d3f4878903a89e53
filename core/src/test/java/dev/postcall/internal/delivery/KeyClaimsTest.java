package dev.postcall.internal.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postcall.spi.DeliveryKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KeyClaimsTest {

    static final DeliveryKey KEY = new DeliveryKey("post_call_transcription", "conv_1", 1761400000L);
    static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aDoneKeyIsNotClaimedAgain() throws Exception {
        KeyClaims claims = new KeyClaims(Clock.systemUTC());
        claimed(claims.claim(KEY, WAIT)).done();

        assertThat(claims.claim(KEY, WAIT)).isInstanceOf(KeyClaims.Done.class);
        assertThat(claims.claim(new DeliveryKey(KEY.type(), KEY.conversationId(), KEY.eventTimestamp()), WAIT))
                .isInstanceOf(KeyClaims.Done.class);
    }

    @Test
    void aReleasedKeyIsClaimedAgain() throws Exception {
        KeyClaims claims = new KeyClaims(Clock.systemUTC());
        claimed(claims.claim(KEY, WAIT)).release();

        assertThat(claims.claim(KEY, WAIT)).isInstanceOf(KeyClaims.Claimed.class);
    }

    @Test
    void otherTypesAreOtherKeysAndATranscriptionsTimestampIsNoPartOfItsKey() throws Exception {
        KeyClaims claims = new KeyClaims(Clock.systemUTC());
        claimed(claims.claim(KEY, WAIT)).done();

        assertThat(claims.claim(new DeliveryKey("post_call_audio", "conv_1", 1761400000L), WAIT))
                .isInstanceOf(KeyClaims.Claimed.class);
        assertThat(claims.claim(new DeliveryKey(KEY.type(), "conv_1", 1761400001L), WAIT))
                .isInstanceOf(KeyClaims.Done.class);
        DeliveryKey failure = new DeliveryKey("call_initiation_failure", "conv_1", 1761400000L);
        claimed(claims.claim(failure, WAIT)).done();
        assertThat(claims.claim(new DeliveryKey(failure.type(), "conv_1", 1761400001L), WAIT))
                .isInstanceOf(KeyClaims.Claimed.class);
    }

    @Test
    void knowsAClaimedKeyAndADoneOneButNotAReleasedOne() throws Exception {
        KeyClaims claims = new KeyClaims(Clock.systemUTC());
        KeyClaims.Token token = claimed(claims.claim(KEY, WAIT));

        assertThat(claims.knows(KEY)).isTrue();
        token.release();
        assertThat(claims.knows(KEY)).isFalse();
        claimed(claims.claim(KEY, WAIT)).done();
        assertThat(claims.knows(KEY)).isTrue();
    }

    @Test
    void aTokenEndsOnceWhateverIsCalledAfter() throws Exception {
        KeyClaims claims = new KeyClaims(Clock.systemUTC());
        KeyClaims.Token token = claimed(claims.claim(KEY, WAIT));
        token.done();
        token.release(); // must not forget the done key

        assertThat(claims.claim(KEY, WAIT)).isInstanceOf(KeyClaims.Done.class);
    }

    @Test
    void aWaitingClaimGetsTheKeyWhenTheRunningOneIsReleased() throws Exception {
        KeyClaims claims = new KeyClaims(Clock.systemUTC());
        KeyClaims.Token running = claimed(claims.claim(KEY, WAIT));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<KeyClaims.Result> waiting = pool.submit(() -> claims.claim(KEY, WAIT));
            assertThat(claims.tryClaim(KEY)).isInstanceOf(KeyClaims.Busy.class);
            running.release();
            assertThat(waiting.get(10, TimeUnit.SECONDS)).isInstanceOf(KeyClaims.Claimed.class);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClaimStillRunningAfterTheWaitIsBusy() throws Exception {
        KeyClaims claims = new KeyClaims(Clock.systemUTC());
        claims.claim(KEY, WAIT);

        assertThat(claims.claim(KEY, Duration.ofMillis(20))).isInstanceOf(KeyClaims.Busy.class);
        assertThat(claims.claim(KEY, Duration.ZERO)).isInstanceOf(KeyClaims.Busy.class);
    }

    @Test
    void doneKeysAreForgottenAfterTheRetention() throws Exception {
        MutableClock clock = new MutableClock();
        KeyClaims claims = new KeyClaims(Duration.ofHours(2), 100, clock);
        claimed(claims.claim(KEY, WAIT)).done();

        clock.advance(Duration.ofMinutes(119));
        assertThat(claims.claim(KEY, WAIT)).isInstanceOf(KeyClaims.Done.class);
        clock.advance(Duration.ofMinutes(2));
        assertThat(claims.claim(KEY, WAIT)).isInstanceOf(KeyClaims.Claimed.class);
    }

    @Test
    void theOldestDoneKeysAreForgottenBeyondCapacity() throws Exception {
        KeyClaims claims = new KeyClaims(Duration.ofHours(2), 3, Clock.systemUTC());
        KeyClaims.Token running = claimed(claims.claim(key(0), WAIT)); // claimed: never forgotten
        for (int i = 1; i <= 5; i++) {
            claimed(claims.claim(key(i), WAIT)).done();
        }
        assertThat(claims.size()).isEqualTo(3);
        assertThat(claims.claim(key(5), WAIT)).isInstanceOf(KeyClaims.Done.class);
        assertThat(claims.claim(key(4), WAIT)).isInstanceOf(KeyClaims.Done.class);
        assertThat(claims.claim(key(1), WAIT)).isInstanceOf(KeyClaims.Claimed.class);
        assertThat(claims.tryClaim(key(0))).isInstanceOf(KeyClaims.Busy.class);
        running.done();
    }

    /** The memory store's claims (MemoryStore.create) take the defaults: 2 hours, at most 100,000 done keys. */
    @Test
    void byDefaultADoneKeyIsRememberedTwoHoursAndAtMostAHundredThousandOfThem() throws Exception {
        MutableClock clock = new MutableClock();
        KeyClaims claims = new KeyClaims(clock);
        claimed(claims.claim(KEY, WAIT)).done();
        clock.advance(Duration.ofMinutes(119));
        assertThat(claims.claim(KEY, WAIT)).isInstanceOf(KeyClaims.Done.class);
        clock.advance(Duration.ofMinutes(2));
        assertThat(claims.claim(KEY, WAIT)).isInstanceOf(KeyClaims.Claimed.class);

        KeyClaims full = new KeyClaims(clock);
        for (int i = 0; i <= 100_000; i++) {
            claimed(full.claim(key(i), WAIT)).done();
        }
        assertThat(full.size()).isEqualTo(100_000);
        assertThat(full.claim(key(1), WAIT)).isInstanceOf(KeyClaims.Done.class);
        assertThat(full.claim(key(100_000), WAIT)).isInstanceOf(KeyClaims.Done.class);
        assertThat(full.claim(key(0), WAIT)).as("the oldest, forgotten").isInstanceOf(KeyClaims.Claimed.class);
    }

    @Test
    void keysWhoseFieldsShareSeparatorsStillDiffer() {
        DeliveryKey a = new DeliveryKey("t", "a\n1", 2L);
        DeliveryKey b = new DeliveryKey("t\na", "1", 2L);
        DeliveryKey c = new DeliveryKey("t", "a", 12L);
        DeliveryKey d = new DeliveryKey("t", "a1", 2L);

        assertThat(java.util.Set.of(a.asString(), b.asString(), c.asString(), d.asString())).hasSize(4);
    }

    private static KeyClaims.Token claimed(KeyClaims.Result result) {
        assertThat(result).isInstanceOf(KeyClaims.Claimed.class);
        return ((KeyClaims.Claimed) result).token();
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
