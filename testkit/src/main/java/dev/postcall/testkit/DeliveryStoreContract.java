package dev.postcall.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.postcall.BodySource;
import dev.postcall.spi.DeliveryKey;
import dev.postcall.spi.DeliveryStore;
import dev.postcall.spi.DeliveryStore.Admission;
import dev.postcall.spi.DeliveryStore.Claim;
import dev.postcall.spi.DeliveryStore.Delivery;
import dev.postcall.spi.DeliveryStore.Kept;
import dev.postcall.spi.DeliveryStore.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link DeliveryStore} must do, as JUnit 5 tests: extend it, say how your store is opened, restarted and
 * (optionally) made to fail, and run it with your tests. postcall's memory, directory and database stores pass it.
 *
 * <pre>{@code
 * class MyStoreContractTest extends DeliveryStoreContract {
 *     @Override protected DeliveryStore open() { return MyStore.create(freshNamespace()); }
 *     @Override protected DeliveryStore restart(DeliveryStore crashed) { return MyStore.create(sameNamespace()); }
 * }
 * }</pre>
 *
 * <p>A store that {@linkplain DeliveryStore#keepsBodies() keeps no bodies} passes the tests of what it keeps by having
 * nothing to list. The fault tests run when {@link #faults()} gives a way to make the store's storage fail.
 */
public abstract class DeliveryStoreContract {

    /** How long a test waits for a concurrent claim it expects to end. */
    protected static final Duration LONG = Duration.ofSeconds(20);
    /** How long a test waits for a claim it expects still to be held. */
    protected static final Duration SHORT = Duration.ofMillis(150);

    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** The store under test, opened before each test. */
    protected DeliveryStore store;
    private final List<DeliveryStore> opened = new ArrayList<>();
    private String run;

    /** Opens a fresh, empty store: nothing another test left is visible to it. */
    protected abstract DeliveryStore open() throws Exception;

    /**
     * The store after its JVM was killed: {@code crashed} is dropped with its claims unfinished (do not finish them;
     * close what a real kill would release, such as a lock), and a new store is opened over the same storage, as
     * the restarted application would open it.
     */
    protected abstract DeliveryStore restart(DeliveryStore crashed) throws Exception;

    /** How to make the store's storage fail, or {@code null} when it cannot (the fault tests are then skipped). */
    protected Faults faults() {
        return null;
    }

    /** The steps a store's storage can be made to fail at. */
    public enum Step {
        /** {@link DeliveryStore#admit}. */
        ADMIT,
        /** {@link Claim#handled()}. */
        HANDLED,
        /** {@link Claim#failed}. */
        FAILED
    }

    /** Makes a store's storage fail (a full disk, a database gone) and comes back. */
    public interface Faults {
        /** From now on {@code step} fails on the store under test, as its storage would. */
        void fail(Step step) throws Exception;

        /** The storage works again. */
        void repair() throws Exception;
    }

    @BeforeEach
    final void openStore() throws Exception {
        run = "conv_" + COUNTER.incrementAndGet() + "_" + Long.toHexString(System.nanoTime());
        store = track(open());
    }

    @AfterEach
    final void closeStores() {
        for (DeliveryStore s : opened) {
            s.close();
        }
    }

    /** Keeps {@code s} to close after the test; returns it. */
    protected final DeliveryStore track(DeliveryStore s) {
        opened.add(s);
        return s;
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    /** A conversation id no other test uses. */
    protected final String conversation(String name) {
        return run + "_" + name;
    }

    /** A transcription delivery of {@code conversationId} with a small JSON body. */
    protected static Delivery delivery(String conversationId) {
        return delivery(conversationId, body(conversationId));
    }

    /** A transcription delivery of {@code conversationId} with {@code body}. */
    protected static Delivery delivery(String conversationId, byte[] body) {
        return new Delivery("post_call_transcription", conversationId, 1761400000L, 1761400005L, "application/json",
                BodySource.ofBytes(body));
    }

    /** A small JSON body naming {@code conversationId}. */
    protected static byte[] body(String conversationId) {
        return ("{\"type\":\"post_call_transcription\",\"event_timestamp\":1761400000,\"data\":{\"conversation_id\":\""
                + conversationId + "\"}}").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code n} random bytes (not JSON: a store never parses what it keeps). */
    protected static byte[] random(int n, long seed) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** The claim of a {@link DeliveryStore.Dispatch}; fails the test for any other answer. */
    protected static Claim dispatched(Admission admission) {
        assertThat(admission).isInstanceOf(DeliveryStore.Dispatch.class);
        return ((DeliveryStore.Dispatch) admission).claim();
    }

    /** Every failed delivery the store lists, walking its pages. */
    protected static List<Kept> allFailed(DeliveryStore s) throws StoreException {
        List<Kept> all = new ArrayList<>();
        for (List<Kept> page = s.failed(null, 2); !page.isEmpty(); page = s.failed(page.get(page.size() - 1), 2)) {
            all.addAll(page);
        }
        return all;
    }

    /** The failed delivery of {@code conversationId}, which must be listed once. */
    protected static Kept failedOf(DeliveryStore s, String conversationId) throws StoreException {
        List<Kept> found = allFailed(s).stream().filter(k -> conversationId.equals(k.conversationId())).toList();
        assertThat(found).as("failed deliveries of " + conversationId).hasSize(1);
        return found.get(0);
    }

    private static long failedOfConversation(DeliveryStore s, String conversationId) throws StoreException {
        return allFailed(s).stream().filter(k -> conversationId.equals(k.conversationId())).count();
    }

    /** The bytes of a body, read whole. */
    protected static byte[] bytes(BodySource body) throws IOException {
        try (InputStream in = body.openStream()) {
            return in.readAllBytes();
        }
    }

    private static byte[] range(BodySource body, long start, long end) throws IOException {
        try (InputStream in = body.openRange(start, end)) {
            return in.readAllBytes();
        }
    }

    // ------------------------------------------------------------------------------------------------ the protocol

    @Test
    public void aNewDeliveryIsDispatchedWithItsOwnBody() throws Exception {
        String c = conversation("new");
        Claim claim = dispatched(store.admit(delivery(c), LONG));

        assertThat(claim.attempt()).isEqualTo(1);
        assertThat(bytes(claim.body())).isEqualTo(body(c));
        claim.handled();
        assertThat(failedOfConversation(store, c)).isZero();
    }

    @Test
    public void aHandledKeyIsADuplicateAndOtherTypesAreNewDeliveries() throws Exception {
        String c = conversation("done");
        dispatched(store.admit(delivery(c), LONG)).handled();

        assertThat(store.admit(delivery(c), LONG)).isInstanceOf(DeliveryStore.Duplicate.class);
        Delivery audio = new Delivery("post_call_audio", c, 1761400000L, 1761400005L, null,
                BodySource.ofBytes(body(c)));
        dispatched(store.admit(audio, LONG)).handled();
    }

    @Test
    public void aTranscriptionWithAnotherTimestampIsTheSameDeliveryAsOtherTypesAreNot() throws Exception {
        String c = conversation("timestamps");
        dispatched(store.admit(delivery(c), LONG)).handled();

        // a backfilled transcription carries the call's end, the webhook its own time: one conversation, one delivery
        Delivery backfilled = new Delivery("post_call_transcription", c, 1761399000L, 0L, "application/json",
                BodySource.ofBytes(body(c)));
        assertThat(store.admit(backfilled, LONG)).isInstanceOf(DeliveryStore.Duplicate.class);
        Delivery failure = new Delivery("call_initiation_failure", c, 1761400000L, 1761400005L, null,
                BodySource.ofBytes(body(c)));
        dispatched(store.admit(failure, LONG)).handled();
        Delivery laterFailure = new Delivery("call_initiation_failure", c, 1761400001L, 1761400005L, null,
                BodySource.ofBytes(body(c)));
        dispatched(store.admit(laterFailure, LONG)).handled();
    }

    @Test
    public void aDuplicateWhileTheFirstIsHandledWaitsThenIsInProgress() throws Exception {
        String c = conversation("busy");
        Claim first = dispatched(store.admit(delivery(c), LONG));

        assertThat(store.admit(delivery(c), SHORT)).isInstanceOf(DeliveryStore.InProgress.class);
        assertThat(store.admit(delivery(c), Duration.ZERO)).isInstanceOf(DeliveryStore.InProgress.class);
        first.handled();
        assertThat(store.admit(delivery(c), LONG)).isInstanceOf(DeliveryStore.Duplicate.class);
    }

    @Test
    public void aWaitingDuplicateIsAnsweredByTheOutcome() throws Exception {
        String handled = conversation("waits_handled");
        String failed = conversation("waits_failed");
        Claim first = dispatched(store.admit(delivery(handled), LONG));
        Claim other = dispatched(store.admit(delivery(failed), LONG));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Admission> afterHandled = pool.submit(() -> store.admit(delivery(handled), LONG));
            Future<Admission> afterFailed = pool.submit(() -> store.admit(delivery(failed), LONG));
            first.handled();
            other.failed(new IllegalStateException("the CRM is down"));

            assertThat(afterHandled.get(LONG.toSeconds() + 10, TimeUnit.SECONDS))
                    .isInstanceOf(DeliveryStore.Duplicate.class);
            Claim again = dispatched(afterFailed.get(LONG.toSeconds() + 10, TimeUnit.SECONDS));
            assertThat(bytes(again.body())).isEqualTo(body(failed));
            again.handled();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void eightThreadsAdmittingOneKeyDispatchItOnce() throws Exception {
        String c = conversation("eight");
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Admission>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    Admission admission = store.admit(delivery(c), LONG);
                    if (admission instanceof DeliveryStore.Dispatch dispatch) {
                        dispatch.claim().handled();
                    }
                    return admission;
                }));
            }
            start.countDown();
            int dispatches = 0;
            int duplicates = 0;
            for (Future<Admission> answer : answers) {
                Admission admission = answer.get(LONG.toSeconds() + 10, TimeUnit.SECONDS);
                dispatches += admission instanceof DeliveryStore.Dispatch ? 1 : 0;
                duplicates += admission instanceof DeliveryStore.Duplicate ? 1 : 0;
            }
            assertThat(dispatches).isEqualTo(1);
            assertThat(duplicates).isEqualTo(7);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void aWebhookAndABackfillOfOneConversationAdmittedAtOnceDispatchItOnce() throws Exception {
        String c = conversation("webhook_and_backfill");
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Admission>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                // half carry the webhook's event_timestamp, half the call's end that backfill gives it
                long timestamp = i % 2 == 0 ? 1761400000L : 1761399000L;
                answers.add(pool.submit(() -> {
                    start.await();
                    Admission admission = store.admit(new Delivery("post_call_transcription", c, timestamp, 0L,
                            "application/json", BodySource.ofBytes(body(c))), LONG);
                    if (admission instanceof DeliveryStore.Dispatch dispatch) {
                        dispatch.claim().handled();
                    }
                    return admission;
                }));
            }
            start.countDown();
            int dispatches = 0;
            for (Future<Admission> answer : answers) {
                Admission admission = answer.get(LONG.toSeconds() + 10, TimeUnit.SECONDS);
                dispatches += admission instanceof DeliveryStore.Dispatch ? 1 : 0;
                assertThat(admission).isNotInstanceOf(DeliveryStore.InProgress.class);
            }
            assertThat(dispatches).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void aClaimIsFinishedOnce() throws Exception {
        Claim claim = dispatched(store.admit(delivery(conversation("once")), LONG));
        claim.handled();

        assertThatThrownBy(claim::handled).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> claim.failed(new RuntimeException())).isInstanceOf(IllegalStateException.class);
    }

    // ------------------------------------------------------------------------------------------- what is kept

    @Test
    public void aFailedDeliveryIsKeptOnceAndTheSendersRetryTakesItBack() throws Exception {
        String c = conversation("retry");
        boolean kept = dispatched(store.admit(delivery(c), LONG)).failed(new IllegalStateException("the CRM is down"));

        assertThat(kept).isEqualTo(store.keepsBodies());
        if (store.keepsBodies()) {
            Kept listed = failedOf(store, c);
            assertThat(listed.failureClass()).isEqualTo(IllegalStateException.class.getName());
            assertThat(listed.attempts()).isEqualTo(1);
            assertThat(listed.bodyLength()).isEqualTo(body(c).length);
            assertThat(store.failedCount()).isGreaterThanOrEqualTo(1);
        } else {
            assertThat(allFailed(store)).isEmpty();
            assertThat(store.failedCount()).isZero();
        }

        Claim retry = dispatched(store.admit(delivery(c), LONG));
        assertThat(bytes(retry.body())).isEqualTo(body(c));
        if (store.keepsBodies()) {
            assertThat(retry.attempt()).isEqualTo(2);
        }
        retry.handled();
        assertThat(failedOfConversation(store, c)).as("kept once: the retry took it back").isZero();
        assertThat(store.admit(delivery(c), LONG)).isInstanceOf(DeliveryStore.Duplicate.class);
    }

    @Test
    public void aFailedDeliveryIsReplayedExactlyOnce() throws Exception {
        assumeThat(store.keepsBodies()).as("the store keeps no bodies: nothing to replay").isTrue();
        String c = conversation("replay");
        dispatched(store.admit(delivery(c), LONG)).failed(new IllegalStateException());
        Kept kept = failedOf(store, c);

        Claim replay = store.claimFailed(kept).orElseThrow();
        assertThat(store.claimFailed(kept)).as("a second replay finds it taken").isEmpty();
        assertThat(store.admit(delivery(c), SHORT)).as("the sender's retry waits for the replay")
                .isInstanceOf(DeliveryStore.InProgress.class);
        assertThat(bytes(replay.body())).isEqualTo(body(c));
        replay.handled();

        assertThat(failedOfConversation(store, c)).isZero();
        assertThat(store.claimFailed(kept)).isEmpty();
        assertThat(store.body(kept)).isEmpty();
        assertThat(store.admit(delivery(c), LONG)).isInstanceOf(DeliveryStore.Duplicate.class);
    }

    @Test
    public void aReplayThatFailsAgainIsKeptAgainWithItsAttemptsCounted() throws Exception {
        assumeThat(store.keepsBodies()).isTrue();
        String c = conversation("again");
        dispatched(store.admit(delivery(c), LONG)).failed(new IllegalStateException());

        Claim replay = store.claimFailed(failedOf(store, c)).orElseThrow();
        assertThat(replay.attempt()).isEqualTo(2);
        assertThat(replay.failed(new UnsupportedOperationException())).isTrue();

        Kept again = failedOf(store, c);
        assertThat(again.attempts()).isEqualTo(2);
        assertThat(again.failureClass()).isEqualTo(UnsupportedOperationException.class.getName());
    }

    @Test
    public void theBodyIsByteIdenticalAfterAReplayWholeAndByRange() throws Exception {
        assumeThat(store.keepsBodies()).isTrue();
        String c = conversation("bytes");
        int size = 3 * 1024 * 1024 + 17; // more than one 1 MiB chunk of the database store
        byte[] body = random(size, 7);
        dispatched(store.admit(delivery(c, body), LONG)).failed(new IllegalStateException());
        Kept kept = failedOf(store, c);
        assertThat(kept.bodyLength()).isEqualTo(size);

        BodySource read = store.body(kept).orElseThrow();
        assertThat(read.length()).isEqualTo(size);
        assertThat(bytes(read)).isEqualTo(body);

        Claim replay = store.claimFailed(kept).orElseThrow();
        BodySource claimed = replay.body();
        assertThat(bytes(claimed)).isEqualTo(body);
        long mib = 1024 * 1024;
        long[][] ranges = {{0, 0}, {0, 1}, {5, 17}, {mib - 3, mib + 3}, {mib, 2 * mib}, {2 * mib - 1, 3 * mib + 1},
                {size - 17, size}, {size, size}, {0, size}};
        for (long[] r : ranges) {
            assertThat(range(claimed, r[0], r[1])).as("bytes %d to %d", r[0], r[1])
                    .isEqualTo(java.util.Arrays.copyOfRange(body, (int) r[0], (int) r[1]));
        }
        assertThatThrownBy(() -> claimed.openRange(-1, 3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> claimed.openRange(3, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> claimed.openRange(0, size + 1L)).isInstanceOf(IndexOutOfBoundsException.class);
        replay.handled();
    }

    @Test
    public void anErrorAsTheCauseIsRecordedByItsClassName() throws Exception {
        String c = conversation("error");
        boolean kept = dispatched(store.admit(delivery(c), LONG)).failed(new StackOverflowError());

        assertThat(kept).isEqualTo(store.keepsBodies());
        if (kept) {
            assertThat(failedOf(store, c).failureClass()).isEqualTo(StackOverflowError.class.getName());
        }
        dispatched(store.admit(delivery(c), SHORT)).handled();
    }

    @Test
    public void aDeliveryWithoutAKeyIsAdmittedEveryTimeAndKeptEveryTime() throws Exception {
        byte[] body = "{\"type\":\"post_call_novel\",\"data\":{}}".getBytes(StandardCharsets.UTF_8);
        Delivery keyless = new Delivery("post_call_novel", null, 0, 1761400005L, null, BodySource.ofBytes(body));
        Claim first = dispatched(store.admit(keyless, SHORT));
        Claim second = dispatched(store.admit(keyless, SHORT)); // not waiting for the first: nothing to wait by

        first.failed(new IllegalStateException());
        second.failed(new IllegalStateException());
        long kept = allFailed(store).stream().filter(k -> k.type().equals("post_call_novel")).count();
        assertThat(kept).isEqualTo(store.keepsBodies() ? 2 : 0);
    }

    @Test
    public void anUnreadableBodyIsKeptWithoutAKey() throws Exception {
        byte[] body = random(100, 3);
        Claim claim = dispatched(store.admit(Delivery.unreadable(BodySource.ofBytes(body), 1761400005L, null), SHORT));
        assertThat(claim.failed(new IllegalArgumentException("not JSON"))).isEqualTo(store.keepsBodies());
        if (store.keepsBodies()) {
            Kept kept = allFailed(store).stream().filter(k -> k.type().equals(Delivery.UNREADABLE)).findFirst()
                    .orElseThrow();
            assertThat(kept.key()).isNull();
            assertThat(bytes(store.body(kept).orElseThrow())).isEqualTo(body);
        }
    }

    @Test
    public void failedDeliveriesArePagedOldestFirstEachOnce() throws Exception {
        assumeThat(store.keepsBodies()).isTrue();
        Set<String> mine = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            String c = conversation("page" + i);
            mine.add(c);
            dispatched(store.admit(delivery(c), LONG)).failed(new IllegalStateException());
        }
        List<Kept> all = allFailed(store);
        List<String> ids = all.stream().map(Kept::id).toList();
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(all.stream().map(Kept::conversationId).filter(mine::contains)).hasSize(5);
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).receivedAt()).isAfterOrEqualTo(all.get(i - 1).receivedAt());
        }
    }

    // ------------------------------------------------------------------------------------- a JVM killed, faults

    @Test
    public void anInterruptedDeliveryIsRecoveredAfterARestart() throws Exception {
        String c = conversation("killed");
        dispatched(store.admit(delivery(c), LONG)); // the JVM dies while the handlers run: never finished

        DeliveryStore restarted = track(restart(store));
        if (restarted.keepsBodies()) {
            Kept kept = failedOf(restarted, c);
            assertThat(kept.failureClass()).isEqualTo(Kept.INTERRUPTED);
            Claim replay = restarted.claimFailed(kept).orElseThrow();
            assertThat(bytes(replay.body())).isEqualTo(body(c));
            replay.handled();
            assertThat(failedOfConversation(restarted, c)).isZero();
            assertThat(restarted.admit(delivery(c), LONG)).isInstanceOf(DeliveryStore.Duplicate.class);
        } else {
            dispatched(restarted.admit(delivery(c), SHORT)).handled();
        }
    }

    @Test
    public void aHandledKeyIsStillADuplicateAfterARestartWhenTheStoreKeepsBodies() throws Exception {
        assumeThat(store.keepsBodies()).isTrue();
        String c = conversation("survives");
        dispatched(store.admit(delivery(c), LONG)).handled();

        DeliveryStore restarted = track(restart(store));
        Admission after = restarted.admit(delivery(c), SHORT);
        assertThat(after).as("a durable store that forgets handled keys at a restart dispatches the retry again;"
                + " this one must not be InProgress").isNotInstanceOf(DeliveryStore.InProgress.class);
        if (after instanceof DeliveryStore.Dispatch dispatch) {
            dispatch.claim().handled();
        }
    }

    @Test
    public void aStoreThatFailsOnAdmitClaimsNothing() throws Exception {
        Faults faults = faults();
        assumeThat(faults).as("the store cannot be made to fail").isNotNull();
        String c = conversation("fail_admit");
        faults.fail(Step.ADMIT);
        try {
            assertThatThrownBy(() -> store.admit(delivery(c), SHORT)).isInstanceOf(StoreException.class);
        } finally {
            faults.repair();
        }
        Claim claim = dispatched(store.admit(delivery(c), SHORT));
        assertThat(bytes(claim.body())).isEqualTo(body(c));
        claim.handled();
        assertThat(failedOfConversation(store, c)).isZero();
    }

    @Test
    public void aStoreThatFailsOnHandledDoesNotKeepTheKeyWaitingNorRunItTwice() throws Exception {
        Faults faults = faults();
        assumeThat(faults).as("the store cannot be made to fail").isNotNull();
        String c = conversation("fail_handled");
        Claim claim = dispatched(store.admit(delivery(c), LONG));
        faults.fail(Step.HANDLED);
        try {
            assertThatThrownBy(claim::handled).isInstanceOf(StoreException.class);
        } finally {
            faults.repair();
        }
        assertThat(store.admit(delivery(c), SHORT)).as("the handlers ran: the retry is a duplicate")
                .isInstanceOf(DeliveryStore.Duplicate.class);
        assertThat(failedOfConversation(store, c)).isZero();
    }

    @Test
    public void aStoreThatFailsOnFailedStillKeepsTheDeliveryOnce() throws Exception {
        Faults faults = faults();
        assumeThat(faults).as("the store cannot be made to fail").isNotNull();
        String c = conversation("fail_failed");
        Claim claim = dispatched(store.admit(delivery(c), LONG));
        faults.fail(Step.FAILED);
        try {
            assertThatThrownBy(() -> claim.failed(new IllegalStateException())).isInstanceOf(StoreException.class);
        } finally {
            faults.repair();
        }
        Claim retry = dispatched(store.admit(delivery(c), SHORT));
        assertThat(bytes(retry.body())).isEqualTo(body(c));
        retry.handled();
        assertThat(failedOfConversation(store, c)).isZero();

        DeliveryStore restarted = track(restart(store));
        assertThat(failedOfConversation(restarted, c)).as("nothing of it left to replay after a restart").isZero();
    }

    @Test
    public void aDeliveryWhoseFailureCouldNotBeRecordedIsKeptOnceAfterARestart() throws Exception {
        Faults faults = faults();
        assumeThat(faults).as("the store cannot be made to fail").isNotNull();
        String c = conversation("fail_failed_restart");
        Claim claim = dispatched(store.admit(delivery(c), LONG));
        faults.fail(Step.FAILED);
        try {
            assertThatThrownBy(() -> claim.failed(new IllegalStateException())).isInstanceOf(StoreException.class);
        } finally {
            faults.repair();
        }
        DeliveryStore restarted = track(restart(store));
        Kept kept = failedOf(restarted, c);
        Optional<Claim> replay = restarted.claimFailed(kept);
        assertThat(replay).isPresent();
        assertThat(bytes(replay.get().body())).isEqualTo(body(c));
        replay.get().handled();
        assertThat(failedOfConversation(restarted, c)).isZero();
    }

    // --------------------------------------------------------------------------------------------------- backfill

    /** How long the backfill tests ask the store to keep handled keys known. */
    protected static final Duration KEEP_KNOWN = Duration.ofHours(25);

    /**
     * A second node on the same storage, for the lease of {@link DeliveryStore.Backfilling#tryLead}; {@code null}
     * (the default) for a store of one node, whose lease test is then skipped.
     */
    protected DeliveryStore secondNode() throws Exception {
        return null;
    }

    /** The store's backfill state, prepared; skips the test for a store that offers none. */
    protected static DeliveryStore.Backfilling backfilling(DeliveryStore s) throws StoreException {
        Optional<DeliveryStore.Backfilling> offered = s.backfilling();
        assumeThat(offered).as("the store offers no backfill state").isPresent();
        offered.get().prepare(KEEP_KNOWN);
        return offered.get();
    }

    private static DeliveryKey transcriptionOf(String conversationId) {
        return new DeliveryKey("post_call_transcription", conversationId, 0);
    }

    @Test
    public void backfillKnowsAKeyBeingHandledHandledOrKeptAndNoOther() throws Exception {
        DeliveryStore.Backfilling backfill = backfilling(store);
        String handled = conversation("known_handled");
        String failed = conversation("known_failed");
        String never = conversation("known_never");

        Claim claim = dispatched(store.admit(delivery(handled), LONG));
        assertThat(backfill.knows(transcriptionOf(handled))).as("being handled").isTrue();
        claim.handled();
        assertThat(backfill.knows(transcriptionOf(handled))).as("handled").isTrue();
        dispatched(store.admit(delivery(failed), LONG)).failed(new IllegalStateException());
        assertThat(backfill.knows(transcriptionOf(failed))).as("kept as failed").isEqualTo(store.keepsBodies());
        assertThat(backfill.knows(transcriptionOf(never))).as("never received").isFalse();
        assertThat(backfill.knows(new DeliveryKey("post_call_audio", handled, 0))).as("another type").isFalse();
    }

    @Test
    public void backfillKnowsAHandledKeyAfterARestart() throws Exception {
        backfilling(store);
        String c = conversation("known_restart");
        dispatched(store.admit(delivery(c), LONG)).handled();

        DeliveryStore restarted = track(restart(store));
        DeliveryStore.Backfilling backfill = backfilling(restarted);
        assertThat(backfill.knows(transcriptionOf(c))).isTrue();
        assertThat(backfill.knows(transcriptionOf(conversation("known_restart_never")))).isFalse();
    }

    @Test
    public void withBackfillOnAHandledKeyIsADuplicateAfterARestart() throws Exception {
        backfilling(store);
        String c = conversation("duplicate_restart");
        dispatched(store.admit(delivery(c), LONG)).handled();

        DeliveryStore restarted = track(restart(store));
        backfilling(restarted);
        assertThat(restarted.admit(delivery(c), LONG)).isInstanceOf(DeliveryStore.Duplicate.class);
    }

    @Test
    public void backfillKnowsAnInterruptedDeliveryAfterARestart() throws Exception {
        backfilling(store);
        String c = conversation("known_interrupted");
        dispatched(store.admit(delivery(c), LONG)); // the JVM dies before the outcome

        DeliveryStore restarted = track(restart(store));
        DeliveryStore.Backfilling backfill = backfilling(restarted);
        assertThat(backfill.knows(transcriptionOf(c))).isTrue();
    }

    @Test
    public void theWatermarkOnlyMovesForwardAndSurvivesARestart() throws Exception {
        DeliveryStore.Backfilling backfill = backfilling(store);
        assertThat(backfill.watermark()).isEmpty();
        Instant first = Instant.parse("2026-11-22T17:00:00Z");

        backfill.advance(first);
        backfill.advance(first.minusSeconds(60));
        assertThat(backfill.watermark()).contains(first);
        backfill.advance(first.plusSeconds(300));
        assertThat(backfill.watermark()).contains(first.plusSeconds(300));

        DeliveryStore restarted = track(restart(store));
        assertThat(backfilling(restarted).watermark()).contains(first.plusSeconds(300));
    }

    @Test
    public void backfillKnowsKeysNoLongerAgoThanItKeepsThem() throws Exception {
        DeliveryStore.Backfilling backfill = backfilling(store);
        Instant before = Instant.now();

        Instant since = backfill.knowsSince();

        assertThat(since).isBeforeOrEqualTo(Instant.now())
                .isAfterOrEqualTo(before.minus(KEEP_KNOWN).minusSeconds(5));
    }

    @Test
    public void aStoreOfOneNodeLeadsAndRenewsItsLease() throws Exception {
        DeliveryStore.Backfilling backfill = backfilling(store);

        assertThat(backfill.tryLead(Duration.ofMinutes(10))).isTrue();
        assertThat(backfill.tryLead(Duration.ofMinutes(10))).as("renewed by its holder").isTrue();
    }

    @Test
    public void oneNodeLeadsAtATimeUntilItsLeaseRunsOut() throws Exception {
        DeliveryStore.Backfilling first = backfilling(store);
        DeliveryStore other = secondNode();
        assumeThat(other).as("the store has no second node").isNotNull();
        DeliveryStore.Backfilling second = backfilling(track(other));

        assertThat(first.tryLead(Duration.ofMinutes(10))).isTrue();
        assertThat(second.tryLead(Duration.ofMinutes(10))).as("while the first holds it").isFalse();
        assertThat(first.tryLead(Duration.ofMillis(200))).as("renewed, shorter").isTrue();
        long deadline = System.nanoTime() + LONG.toNanos();
        boolean taken = false;
        while (!taken && System.nanoTime() < deadline) {
            taken = second.tryLead(Duration.ofMinutes(10));
            if (!taken) {
                Thread.sleep(50); // the lease runs out by the database's clock, which a test cannot move
            }
        }
        assertThat(taken).as("taken over once the first lease ran out").isTrue();
        assertThat(first.tryLead(Duration.ofMinutes(10))).as("the first no longer leads").isFalse();
    }
}
