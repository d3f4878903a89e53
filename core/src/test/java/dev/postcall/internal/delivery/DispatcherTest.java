package dev.postcall.internal.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postcall.BodySource;
import dev.postcall.EventParser;
import dev.postcall.MalformedEventException;
import dev.postcall.PostCallEvent;
import dev.postcall.internal.delivery.Dispatcher.Outcome;
import dev.postcall.internal.inbox.DirectoryStore;
import dev.postcall.monitoring.ReplayReport;
import dev.postcall.spi.DeliveryStore;
import dev.postcall.spi.PostCallEventHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one path through {@link Dispatcher}: every exit, an {@code Error} from a handler and an exception from the store
 * included, ends in one result with the claim finished, so the next delivery of the key is never left waiting.
 */
class DispatcherTest {

    @TempDir Path dir;
    final AtomicInteger calls = new AtomicInteger();
    final PostCallEventHandler counting = event -> calls.incrementAndGet();
    final PostCallEventHandler throwing = event -> {
        calls.incrementAndGet();
        throw new IllegalStateException("the application is down");
    };
    final List<DeliveryStore> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(DeliveryStore::close);
    }

    static PostCallEvent event(String conversationId) throws Exception {
        return new EventParser().parse(BodySource.ofBytes(body(conversationId)));
    }

    static byte[] body(String conversationId) {
        return ("{\"type\":\"post_call_transcription\",\"event_timestamp\":1761400000,\"data\":"
                + "{\"agent_id\":\"agent_1\",\"conversation_id\":\"" + conversationId + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static Dispatcher.Result deliver(Dispatcher d, PostCallEvent e, PostCallEventHandler... h) {
        return d.deliver(e, 1761400005L, "application/json", new HandlerRunner(List.of(List.of(h))));
    }

    DirectoryStore directory() throws Exception {
        DirectoryStore store = DirectoryStore.open(dir, new KeyClaims(Clock.systemUTC()), Clock.systemUTC());
        opened.add(store);
        return store;
    }

    @Test
    void aHandledDeliveryLeavesNothingInTheStore() throws Exception {
        DirectoryStore store = directory();
        Dispatcher d = new Dispatcher(store, Duration.ofSeconds(5));

        assertThat(deliver(d, event("conv_1"), counting).outcome()).isEqualTo(Outcome.HANDLED);
        assertThat(calls).hasValue(1);
        assertThat(store.failedCount()).isZero();
        assertThat(dir.resolve("incoming")).isEmptyDirectory();
    }

    @Test
    void theSameEventDeliveredAgainIsNotDispatchedAgain() throws Exception {
        Dispatcher d = new Dispatcher(MemoryStore.create(), Duration.ofSeconds(5));

        assertThat(deliver(d, event("conv_1"), counting).outcome()).isEqualTo(Outcome.HANDLED);
        assertThat(deliver(d, event("conv_1"), counting).outcome()).isEqualTo(Outcome.DUPLICATE);
        assertThat(calls).hasValue(1);
    }

    @Test
    void withoutALedgerEveryDeliveryIsDispatched() throws Exception {
        Dispatcher d = new Dispatcher(MemoryStore.unrecorded(), Duration.ofSeconds(5));

        deliver(d, event("conv_1"), counting);
        deliver(d, event("conv_1"), counting);
        assertThat(calls).hasValue(2);
    }

    @Test
    void aFailedDeliveryIsKeptAndTheNextDeliveryTakesItBack() throws Exception {
        DirectoryStore store = directory();
        Dispatcher d = new Dispatcher(store, Duration.ofSeconds(5));

        Dispatcher.Result failed = deliver(d, event("conv_1"), throwing);
        assertThat(failed.outcome()).isEqualTo(Outcome.FAILED_KEPT);
        assertThat(failed.cause()).isInstanceOf(IllegalStateException.class);
        List<DeliveryStore.Kept> kept = store.failed(null, 10);
        assertThat(kept).extracting(DeliveryStore.Kept::conversationId).containsExactly("conv_1");
        assertThat(kept.get(0).signatureTimestamp()).isEqualTo(1761400005L);
        assertThat(kept.get(0).failureClass()).isEqualTo(IllegalStateException.class.getName());

        assertThat(deliver(d, event("conv_1"), counting).outcome()).isEqualTo(Outcome.HANDLED);
        assertThat(calls).hasValue(2);
        assertThat(store.failedCount()).as("the retry took the kept delivery back: nothing left to replay").isZero();
    }

    @Test
    void aFailedDeliveryInMemoryIsReportedLost() throws Exception {
        Dispatcher d = new Dispatcher(MemoryStore.create(), Duration.ofSeconds(5));

        assertThat(deliver(d, event("conv_1"), throwing).outcome()).isEqualTo(Outcome.FAILED);
        assertThat(deliver(d, event("conv_1"), counting).outcome()).as("the key was released")
                .isEqualTo(Outcome.HANDLED);
    }

    @Test
    void anErrorFromAHandlerFinishesTheClaimAsAFailure() throws Exception {
        DirectoryStore store = directory();
        Dispatcher d = new Dispatcher(store, Duration.ofMillis(200));

        Dispatcher.Result result = deliver(d, event("conv_1"), e -> recurse(0));
        assertThat(result.outcome()).isEqualTo(Outcome.FAILED_KEPT);
        assertThat(result.cause()).isInstanceOf(StackOverflowError.class);
        assertThat(store.failed(null, 10)).extracting(DeliveryStore.Kept::failureClass)
                .containsExactly(StackOverflowError.class.getName());
        assertThat(deliver(d, event("conv_1"), counting).outcome()).as("the retry is not kept waiting")
                .isEqualTo(Outcome.HANDLED);
    }

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    @Test
    void anErrorFromAHandlerInMemoryReleasesTheKey() throws Exception {
        Dispatcher d = new Dispatcher(MemoryStore.create(), Duration.ofMillis(200));

        assertThat(deliver(d, event("conv_1"), e -> { throw new OutOfMemoryError("pretend"); }).outcome())
                .isEqualTo(Outcome.FAILED);
        assertThat(deliver(d, event("conv_1"), counting).outcome()).isEqualTo(Outcome.HANDLED);
    }

    @Test
    void theOtherHandlersStillRunAfterOneThrowsAnError() throws Exception {
        Dispatcher d = new Dispatcher(MemoryStore.create(), Duration.ofSeconds(5));

        deliver(d, event("conv_1"), e -> { throw new AssertionError("first"); }, counting);
        assertThat(calls).hasValue(1);
    }

    @Test
    void aStoreThatCannotAdmitStopsTheDispatch() throws Exception {
        Faulty store = new Faulty(MemoryStore.create());
        store.admit = new DeliveryStore.StoreException("disk full");
        Dispatcher d = new Dispatcher(store, Duration.ofSeconds(5));

        Dispatcher.Result result = deliver(d, event("conv_1"), counting);
        assertThat(result.outcome()).isEqualTo(Outcome.STORE_UNAVAILABLE);
        assertThat(result.store()).hasMessage("disk full");
        assertThat(calls).hasValue(0);
    }

    @Test
    void aStoreThatThrowsAnUncheckedExceptionOnAdmitIsUnavailableToo() throws Exception {
        Faulty store = new Faulty(MemoryStore.create());
        store.admitUnchecked = new IllegalStateException("cache node gone");
        Dispatcher d = new Dispatcher(store, Duration.ofSeconds(5));

        assertThat(deliver(d, event("conv_1"), counting).outcome()).isEqualTo(Outcome.STORE_UNAVAILABLE);
        assertThat(calls).hasValue(0);
    }

    @Test
    void aStoreThatCannotRecordHandledIsStillAnsweredAsHandled() throws Exception {
        Faulty store = new Faulty(MemoryStore.create());
        store.handled = new DeliveryStore.StoreException("database down");
        Dispatcher d = new Dispatcher(store, Duration.ofMillis(200));

        Dispatcher.Result result = deliver(d, event("conv_1"), counting);
        assertThat(result.outcome()).isEqualTo(Outcome.HANDLED_UNRECORDED);
        assertThat(result.store()).hasMessage("database down");
        store.handled = null;
        assertThat(deliver(d, event("conv_1"), counting).outcome()).as("the claim ended: not waited for")
                .isEqualTo(Outcome.DUPLICATE);
    }

    @Test
    void aStoreThatCannotRecordFailedIsAnsweredAsUnrecorded() throws Exception {
        Faulty store = new Faulty(MemoryStore.create());
        store.failed = new DeliveryStore.StoreException("database down");
        Dispatcher d = new Dispatcher(store, Duration.ofMillis(200));

        Dispatcher.Result result = deliver(d, event("conv_1"), throwing);
        assertThat(result.outcome()).isEqualTo(Outcome.FAILED_UNRECORDED);
        assertThat(result.cause()).isInstanceOf(IllegalStateException.class);
        store.failed = null;
        assertThat(deliver(d, event("conv_1"), counting).outcome()).as("the claim ended: not waited for")
                .isEqualTo(Outcome.HANDLED);
    }

    @Test
    void withoutAHandlerAndAStoreThatKeepsNothingTheDeliveryIsNotAdmitted() throws Exception {
        Dispatcher d = new Dispatcher(MemoryStore.create(), Duration.ofSeconds(5));

        assertThat(d.deliver(event("conv_1"), 1L, null, new HandlerRunner(List.of())).outcome())
                .isEqualTo(Outcome.NO_HANDLER);
        assertThat(deliver(d, event("conv_1"), counting).outcome()).as("not recorded as handled")
                .isEqualTo(Outcome.HANDLED);
    }

    @Test
    void withoutAHandlerADurableStoreKeepsTheDeliveryForAReplay() throws Exception {
        DirectoryStore store = directory();
        Dispatcher d = new Dispatcher(store, Duration.ofSeconds(5));

        assertThat(d.deliver(event("conv_1"), 1L, null, new HandlerRunner(List.of())).outcome())
                .isEqualTo(Outcome.FAILED_KEPT);
        assertThat(store.failed(null, 10)).extracting(DeliveryStore.Kept::failureClass)
                .containsExactly(Dispatcher.NoHandlerException.class.getName());

        ReplayReport report = d.replayFailed(new EventParser(), new HandlerRunner(List.of(List.of(counting))),
                (kept, event, result, nanos) -> { });
        assertThat(report.replayed()).isEqualTo(1);
        assertThat(calls).hasValue(1);
    }

    @Test
    void anUnreadableBodyIsKeptByADurableStore() throws Exception {
        DirectoryStore store = directory();
        Dispatcher d = new Dispatcher(store, Duration.ofSeconds(5));
        byte[] notAnEvent = "[1,2,3]".getBytes(StandardCharsets.UTF_8);

        Dispatcher.Result result = d.keepUnreadable(BodySource.ofBytes(notAnEvent), 7L, "application/json",
                new MalformedEventException("not an object"));
        assertThat(result.outcome()).isEqualTo(Outcome.MALFORMED_KEPT);
        DeliveryStore.Kept kept = store.failed(null, 10).get(0);
        assertThat(kept.type()).isEqualTo(DeliveryStore.Delivery.UNREADABLE);
        try (var in = store.body(kept).orElseThrow().openStream()) {
            assertThat(in.readAllBytes()).isEqualTo(notAnEvent);
        }
    }

    @Test
    void anUnreadableBodyInMemoryIsMalformedAndNotKept() {
        Dispatcher d = new Dispatcher(MemoryStore.create(), Duration.ofSeconds(5));

        assertThat(d.keepUnreadable(BodySource.ofBytes(new byte[] {1}), 7L, null,
                new MalformedEventException("no")).outcome()).isEqualTo(Outcome.MALFORMED);
    }

    @Test
    void aReplayDispatchesEachKeptDeliveryOnceAndKeepsWhatFailsAgain() throws Exception {
        DirectoryStore store = directory();
        Dispatcher d = new Dispatcher(store, Duration.ofSeconds(5));
        deliver(d, event("conv_1"), throwing);
        deliver(d, event("conv_2"), throwing);
        List<String> told = new ArrayList<>();

        ReplayReport report = d.replayFailed(new EventParser(), new HandlerRunner(List.of(List.of(e -> {
            if (e.conversationId().equals("conv_2")) {
                throw new IllegalStateException("still down");
            }
        }))), (kept, event, result, nanos) -> told.add(event.conversationId() + " " + result.outcome()));

        assertThat(report.replayed()).isEqualTo(1);
        assertThat(report.failedAgain()).hasSize(1);
        assertThat(told).containsExactly("conv_1 HANDLED", "conv_2 FAILED_KEPT");
        assertThat(store.failed(null, 10)).extracting(DeliveryStore.Kept::conversationId).containsExactly("conv_2");
        assertThat(store.failed(null, 10).get(0).attempts()).isEqualTo(2);
    }

    @Test
    void aReplayAndTheSendersRetryNeverBothRunTheHandlers() throws Exception {
        DirectoryStore store = directory();
        Dispatcher d = new Dispatcher(store, Duration.ofMillis(100));
        deliver(d, event("conv_1"), throwing);
        CountDownLatch inReplay = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<ReplayReport> replay = pool.submit(() -> d.replayFailed(new EventParser(),
                    new HandlerRunner(List.of(List.of(e -> {
                        handled.incrementAndGet();
                        inReplay.countDown();
                        release.await();
                    }))), (kept, event, result, nanos) -> { }));
            assertThat(inReplay.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(deliver(d, event("conv_1"), e -> handled.incrementAndGet()).outcome())
                    .isEqualTo(Outcome.IN_PROGRESS);
            release.countDown();
            assertThat(replay.get(10, TimeUnit.SECONDS).replayed()).isEqualTo(1);
            assertThat(deliver(d, event("conv_1"), e -> handled.incrementAndGet()).outcome())
                    .isEqualTo(Outcome.DUPLICATE);
            assertThat(handled).hasValue(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDeliveryThatWaitsTooLongForAConcurrentOneIsInProgress() throws Exception {
        Dispatcher d = new Dispatcher(MemoryStore.create(), Duration.ofMillis(100));
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Dispatcher.Result> first = pool.submit(() -> deliver(d, event("conv_1"), e -> {
                inHandler.countDown();
                release.await();
            }));
            assertThat(inHandler.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(deliver(d, event("conv_1"), counting).outcome()).isEqualTo(Outcome.IN_PROGRESS);
            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.HANDLED);
            assertThat(calls).hasValue(0);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anInterruptWhileWaitingIsInProgressWithTheFlagSetAgain() throws Exception {
        Dispatcher d = new Dispatcher(MemoryStore.create(), Duration.ofSeconds(30));
        DeliveryStore.Admission first = d.store().admit(DeliveryStore.Delivery.of(event("conv_1"), 1L, null),
                Duration.ZERO);
        assertThat(first).isInstanceOf(DeliveryStore.Dispatch.class);
        Thread.currentThread().interrupt();
        try {
            assertThat(deliver(d, event("conv_1"), counting).outcome()).isEqualTo(Outcome.IN_PROGRESS);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    /** A store that throws on command, over a working one. */
    static final class Faulty implements DeliveryStore {
        private final DeliveryStore store;
        volatile StoreException admit;
        volatile RuntimeException admitUnchecked;
        volatile StoreException handled;
        volatile StoreException failed;

        Faulty(DeliveryStore store) {
            this.store = store;
        }

        @Override
        public Admission admit(Delivery delivery, Duration maxWait) throws StoreException, InterruptedException {
            if (admit != null) {
                throw admit;
            }
            if (admitUnchecked != null) {
                throw admitUnchecked;
            }
            Admission admission = store.admit(delivery, maxWait);
            if (!(admission instanceof Dispatch dispatch)) {
                return admission;
            }
            Claim claim = dispatch.claim();
            return new Dispatch(new Claim() {
                @Override public BodySource body() { return claim.body(); }
                @Override public int attempt() { return claim.attempt(); }

                @Override
                public void handled() throws StoreException {
                    StoreException fault = handled;
                    if (fault != null) {
                        claim.handled(); // a store that throws has still ended the claim in this process
                        throw fault;
                    }
                    claim.handled();
                }

                @Override
                public boolean failed(Throwable cause) throws StoreException {
                    StoreException fault = failed;
                    boolean kept = claim.failed(cause);
                    if (fault != null) {
                        throw fault;
                    }
                    return kept;
                }
            });
        }

        @Override public List<Kept> failed(Kept after, int max) throws StoreException { return store.failed(after, max); }
        @Override public Optional<Claim> claimFailed(Kept kept) throws StoreException { return store.claimFailed(kept); }
        @Override public Optional<BodySource> body(Kept kept) throws StoreException { return store.body(kept); }
        @Override public int failedCount() throws StoreException { return store.failedCount(); }
        @Override public boolean keepsBodies() { return store.keepsBodies(); }
        @Override public String description() { return "faulty " + store.description(); }
    }
}
