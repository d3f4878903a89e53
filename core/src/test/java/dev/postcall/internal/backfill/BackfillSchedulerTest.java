package dev.postcall.internal.backfill;

import dev.postcall.EventParser;
import dev.postcall.testsupport.ElevenLabsApiStandIn;
import dev.postcall.testsupport.ElevenLabsApiStandIn.Endpoint;
import dev.postcall.testsupport.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scheduler's thread: a daemon, each interval the watch then the backfill, a failure survived, stopped on close.
 */
class BackfillSchedulerTest {

    private static final String KEY = ElevenLabsApiTest.KEY;

    private final ElevenLabsApiStandIn standIn = ElevenLabsApiStandIn.start(KEY);
    private final TestClock clock = new TestClock(Instant.parse("2026-11-22T17:00:00Z"));

    @TempDir
    Path temp;

    @AfterEach
    void stop() {
        standIn.close();
    }

    private ElevenLabsApi api() {
        return new ElevenLabsApi(standIn.baseUrl(), KEY, ElevenLabsApi.Policy.DEFAULT, clock, d -> { });
    }

    private Backfill backfill(ElevenLabsApi api, BackfillSink sink) {
        return new Backfill(api, sink, new EventParser(), new BackfillSettings(KEY, URI.create("http://127.0.0.1"),
                Duration.ofMinutes(5), Duration.ofDays(1), List.of(), false), 1024, temp, clock);
    }

    /** A sink whose {@code tryLead} counts down {@code calls}, and throws {@code firstCall} on its first call. */
    private static FakeSink counting(CountDownLatch calls, Error firstCall) {
        FakeSink sink = new FakeSink();
        AtomicInteger count = new AtomicInteger();
        sink.onTryLead = () -> {
            calls.countDown();
            if (count.incrementAndGet() == 1 && firstCall != null) {
                throw firstCall;
            }
        };
        return sink;
    }

    @Test
    void runsTheWatchThenTheBackfillOnADaemonThreadAndStopsOnClose() throws Exception {
        standIn.webhook("wh_1", "Support line");
        standIn.conversation("conv_a", "agent_1", clock.instant().getEpochSecond() - 60, 10);
        CountDownLatch dispatched = new CountDownLatch(1);
        FakeSink sink = new FakeSink();
        sink.handlers = e -> {
            dispatched.countDown();
            return BackfillSink.Outcome.HANDLED;
        };
        ElevenLabsApi api = api();
        WebhookWatch watch = new WebhookWatch(api, clock);
        Thread thread;
        try (BackfillScheduler scheduler = BackfillScheduler.start(backfill(api, sink), watch, Duration.ofHours(1),
                Duration.ZERO)) {
            assertThat(dispatched.await(30, TimeUnit.SECONDS)).isTrue();
            thread = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals(BackfillScheduler.THREAD_NAME)).findFirst().orElseThrow();

            assertThat(thread.isDaemon()).isTrue();
            assertThat(watch.state().checkedAt()).as("the watch polled before the run").isNotNull();
        }
        thread.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(thread.isAlive()).isFalse();
        assertThat(standIn.requests()).extracting(ElevenLabsApiStandIn.Recorded::endpoint)
                .startsWith(Endpoint.WEBHOOKS, Endpoint.LIST, Endpoint.CONVERSATION);
    }

    @Test
    void aRunThatThrowsAnErrorIsLoggedAndTheNextRunsAsPlanned() throws Exception {
        CountDownLatch calls = new CountDownLatch(2);
        FakeSink sink = counting(calls, new AssertionError("a handler's assertion"));
        try (LogCapture logs = LogCapture.install();
             BackfillScheduler scheduler = BackfillScheduler.start(backfill(api(), sink), null, Duration.ofMillis(20),
                     Duration.ZERO)) {
            assertThat(calls.await(30, TimeUnit.SECONDS)).isTrue();

            assertThat(logs.records("SEVERE", "a backfill run failed; the next runs as planned")).hasSize(1);
        }
    }

    @Test
    void closeInterruptsARunWaitingForTheApiAndTheWatermarkStays() throws Exception {
        ElevenLabsApiStandIn.Hold hold = standIn.hold(Endpoint.LIST);
        FakeSink sink = new FakeSink();
        Backfill backfill = backfill(api(), sink);
        try {
            BackfillScheduler scheduler = BackfillScheduler.start(backfill, null, Duration.ofHours(1), Duration.ZERO);
            standIn.awaitInFlight(1, Duration.ofSeconds(30));

            scheduler.close();

            assertThat(backfill.lastReport()).hasValueSatisfying(r -> {
                assertThat(r.ending()).isEqualTo(BackfillReport.Ending.STOPPED);
                assertThat(r.stoppedBy()).isEqualTo("interrupted");
            });
            assertThat(sink.advances).isEmpty();
        } finally {
            hold.release();
        }
    }
}
