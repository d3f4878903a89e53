package dev.postcall.jdbc;

import static dev.postcall.jdbc.DeliveryTableTest.BODY;
import static dev.postcall.jdbc.DeliveryTableTest.WAIT;
import static dev.postcall.jdbc.DeliveryTableTest.admitBehind;
import static dev.postcall.jdbc.DeliveryTableTest.delivery;
import static dev.postcall.jdbc.DeliveryTableTest.dispatched;
import static dev.postcall.jdbc.DeliveryTableTest.storedBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postcall.AudioEvent;
import dev.postcall.BodySource;
import dev.postcall.EventParser;
import dev.postcall.MalformedEventException;
import dev.postcall.PostCallEvent;
import dev.postcall.TranscriptionEvent;
import dev.postcall.internal.delivery.Dispatcher;
import dev.postcall.internal.delivery.Dispatcher.Outcome;
import dev.postcall.internal.delivery.HandlerRunner;
import dev.postcall.monitoring.ReplayReport;
import dev.postcall.spi.DeliveryStore;
import dev.postcall.spi.DeliveryStore.Admission;
import dev.postcall.spi.DeliveryStore.Claim;
import dev.postcall.spi.DeliveryStore.Delivery;
import dev.postcall.spi.DeliveryStore.Kept;
import dev.postcall.spi.DeliveryStore.StoreException;
import dev.postcall.spi.PostCallEventHandler;
import dev.postcall.testing.SamplePayloads;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The one replay ({@link Dispatcher#replayFailed}) over the database store, from any node: each failed row is claimed
 * ({@code failed → replaying}) before its handlers run, never by two nodes or by a replay and the sender's retry at
 * once, handed to the handlers byte for byte from the chunk table, and recorded done, or failed again with its
 * attempts counted.
 */
class ReplayTest {

    static final int MIB = StoredBody.CHUNK_SIZE;

    /** What the listener was told of one replayed delivery. */
    record Replayed(Kept kept, PostCallEvent event, Dispatcher.Result result) { }

    private final List<Replayed> replayed = Collections.synchronizedList(new ArrayList<>());

    /** Stores a delivery of {@code body} and fails it, as a handler that threw would. */
    static DeliveryTable.Held failedDelivery(JdbcDeliveryStore node, byte[] body) throws Exception {
        PostCallEvent event = new EventParser().parse(BodySource.ofBytes(body));
        DeliveryTable.Held held = dispatched(node.admit(Delivery.of(event, 1L, "application/json"), WAIT));
        assertThat(held.failed(new IllegalStateException())).isTrue();
        return held;
    }

    /** A transcription of {@code conversationId}, as {@link DeliveryTableTest#delivery} keys it. */
    static byte[] body(String conversationId) {
        return ("{\"type\":\"post_call_transcription\",\"event_timestamp\":1761400000,"
                + "\"data\":{\"conversation_id\":\"" + conversationId + "\"}}").getBytes(StandardCharsets.UTF_8);
    }

    static HandlerRunner handlers(PostCallEventHandler... handlers) {
        return new HandlerRunner(List.of(List.of(handlers)));
    }

    ReplayReport replay(JdbcDeliveryStore node, PostCallEventHandler... handlers) throws StoreException {
        return new Dispatcher(node, WAIT).replayFailed(new EventParser(), handlers(handlers),
                (kept, event, result, nanos) -> replayed.add(new Replayed(kept, event, result)));
    }

    static byte[] bytes(BodySource body) throws IOException {
        try (InputStream in = body.openStream()) {
            return in.readAllBytes();
        }
    }

    static byte[] range(BodySource body, long start, long end) throws IOException {
        try (InputStream in = body.openRange(start, end)) {
            return in.readAllBytes();
        }
    }

    /** The row of a transcription's conversation, read directly as another node would. */
    static Map<String, Object> row(Database.Fixture db, String conversationId) throws Exception {
        return row(db, EventParser.TRANSCRIPTION, conversationId);
    }

    static Map<String, Object> row(Database.Fixture db, String type, String conversationId) throws Exception {
        return db.rows().deliveries().stream().filter(r -> type.equals(r.get("event_type"))
                && conversationId.equals(r.get("conversation_id"))).findFirst().orElseThrow();
    }

    static int attempts(Map<String, Object> row) {
        return ((Number) row.get("attempts")).intValue();
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aReplayClaimsEachDeliveryBeforeItsHandlersRunHandsThemItsStoredBytesAndMarksItDone(Database database)
            throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore node = db.open(db.options().nodeId("node-a").build(), clock);
        JdbcDeliveryStore other = db.open(db.options().nodeId("node-b").build(), clock);
        byte[] transcription = SamplePayloads.bytes("transcription", Instant.ofEpochSecond(1761400000L));
        byte[] audio = SamplePayloads.bytes("audio", Instant.ofEpochSecond(1761400001L));
        long transcriptionId = failedDelivery(node, transcription).id();
        clock.advance(Duration.ofSeconds(1));
        long audioId = failedDelivery(node, audio).id();
        Map<String, byte[]> whole = new ConcurrentHashMap<>();
        Map<String, List<byte[]>> ranges = new ConcurrentHashMap<>();
        List<String> claimedAs = Collections.synchronizedList(new ArrayList<>());
        List<Admission> retriesMeanwhile = Collections.synchronizedList(new ArrayList<>());
        List<String> handled = Collections.synchronizedList(new ArrayList<>());

        // the stored body is read while the handler runs (as a request's spilled body, it is gone afterwards)
        ReplayReport report = replay(node, event -> {
            Map<String, Object> row = row(db, event.type(), event.conversationId());
            claimedAs.add(row.get("state") + " by " + row.get("owner_node"));
            retriesMeanwhile.add(other.admit(Delivery.of(event, 2L, "application/json"), Duration.ZERO));
            BodySource body = event.body();
            long n = body.length();
            whole.put(event.type(), bytes(body));
            ranges.put(event.type(), List.of(range(body, 0, 10), range(body, n / 2 - 3, n / 2 + 4),
                    range(body, n - 5, n), range(body, n, n)));
            handled.add(event instanceof TranscriptionEvent t ? "transcription of " + t.report().conversationId()
                    : event.type() + " of " + event.conversationId());
        });

        assertThat(report).isEqualTo(new ReplayReport(2, List.of(), 0));
        assertThat(handled).hasSize(2);
        assertThat(handled.get(0)).startsWith("transcription of conv_");
        assertThat(handled.get(1)).startsWith(EventParser.AUDIO + " of conv_");
        assertThat(claimedAs).as("claimed before the handlers ran").containsExactly("replaying by node-a",
                "replaying by node-a");
        assertThat(retriesMeanwhile).as("the sender's retry meanwhile is not dispatched")
                .allSatisfy(a -> assertThat(a).isInstanceOf(DeliveryStore.InProgress.class)).hasSize(2);
        for (byte[] sent : List.of(transcription, audio)) {
            String type = sent == audio ? EventParser.AUDIO : EventParser.TRANSCRIPTION;
            int n = sent.length;
            assertThat(whole.get(type)).as(type).isEqualTo(sent);
            assertThat(ranges.get(type)).as(type).containsExactly(Arrays.copyOfRange(sent, 0, 10),
                    Arrays.copyOfRange(sent, n / 2 - 3, n / 2 + 4), Arrays.copyOfRange(sent, n - 5, n), new byte[0]);
        }
        assertThat(replayed).extracting(r -> r.result().outcome()).containsExactly(Outcome.HANDLED, Outcome.HANDLED);
        assertThat(replayed).extracting(r -> r.kept().id())
                .containsExactly(Long.toString(transcriptionId), Long.toString(audioId));
        assertThat(db.rows().delivery(transcriptionId)).containsEntry("state", "done");
        assertThat(db.rows().delivery(audioId)).containsEntry("state", "done");
        assertThat(attempts(db.rows().delivery(audioId))).isEqualTo(2);
        assertThat(db.rows().allChunks()).isZero();
        assertThat(node.failed(null, 10)).isEmpty();
        assertThat(node.failedCount()).isZero();
        assertThat(node.body(replayed.get(1).kept())).isEmpty();
        PostCallEvent first = replayed.get(0).event();
        assertThat(other.admit(new Delivery(first.type(), first.conversationId(), first.eventTimestamp(), 3L, null,
                BodySource.ofBytes(transcription)), WAIT))
                .as("and the sender's retry afterwards is a duplicate").isInstanceOf(DeliveryStore.Duplicate.class);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aBodyOfSeveralChunksIsReplayedByteForByteWholeAndByRangesAcrossTheChunkBoundaries(Database database)
            throws Exception {
        Database.Fixture db = database.fresh();
        JdbcDeliveryStore node = db.open(new MutableClock());
        long audioBytes = 2L * MIB; // base64: 2.67 MiB of body, three chunks
        byte[] body = bytes(LargeBodyCheck.generated(audioBytes));
        failedDelivery(node, body);
        int n = body.length;
        long[][] wanted = {{0, n}, {MIB - 10, MIB + 10}, {MIB - 1, 2L * MIB + 1}, {2L * MIB, n}, {MIB, 2L * MIB},
                {n - 3, n}};
        List<byte[]> read = new ArrayList<>();
        AtomicReference<String> audioDigest = new AtomicReference<>();

        ReplayReport report = replay(node, event -> {
            for (long[] r : wanted) {
                read.add(range(event.body(), r[0], r[1]));
            }
            // the audio is decoded from its range of the stored body: not a byte before it or after it
            try (InputStream decoded = ((AudioEvent) event).openStream()) {
                audioDigest.set(LargeBodyCheck.sha256(decoded));
            }
        });

        assertThat(report).isEqualTo(new ReplayReport(1, List.of(), 0));
        assertThat(n).isGreaterThan(2 * MIB);
        for (int i = 0; i < wanted.length; i++) {
            assertThat(read.get(i)).as("[%d, %d)", wanted[i][0], wanted[i][1])
                    .isEqualTo(Arrays.copyOfRange(body, (int) wanted[i][0], (int) wanted[i][1]));
        }
        assertThat(audioDigest.get()).isEqualTo(LargeBodyCheck.sha256(LargeBodyCheck.audio(audioBytes)));
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aReplayThatFailsIsFailedAgainWithItsAttemptsCountedAndTheNewFailureClass(Database database)
            throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore node = db.open(clock);
        long id = failedDelivery(node, SamplePayloads.bytes("transcription", Instant.ofEpochSecond(1761400000L)))
                .id();
        byte[] notJson = "not json".getBytes(StandardCharsets.UTF_8);
        DeliveryTable.Held garbage = dispatched(node.admit(Delivery.unreadable(BodySource.ofBytes(notJson), 1L,
                "application/json"), WAIT));
        garbage.failed(new MalformedEventException("not an envelope"));
        clock.advance(Duration.ofMinutes(5));

        ReplayReport report = replay(node, event -> {
            throw new UnsupportedOperationException("still broken for " + event.conversationId());
        });

        assertThat(report.replayed()).isZero();
        assertThat(report.claimedElsewhere()).isZero();
        assertThat(report.failedAgain()).containsExactlyInAnyOrder(Long.toString(id), Long.toString(garbage.id()));
        assertThat(replayed).extracting(r -> r.result().outcome())
                .containsExactlyInAnyOrder(Outcome.FAILED_KEPT, Outcome.MALFORMED_KEPT);
        assertThat(db.rows().delivery(id)).containsEntry("state", "failed")
                .containsEntry("failure_class", UnsupportedOperationException.class.getName());
        assertThat(db.rows().delivery(garbage.id())).containsEntry("state", "failed")
                .containsEntry("failure_class", MalformedEventException.class.getName());
        List<Kept> failed = node.failed(null, 10);
        assertThat(failed).extracting(Kept::attempts).containsExactly(2, 2);
        assertThat(failed).extracting(Kept::failedAt).containsOnly(clock.instant());
        Kept kept = failed.stream().filter(k -> k.key() == null).findFirst().orElseThrow();
        assertThat(bytes(node.body(kept).orElseThrow())).isEqualTo(notJson);
        assertThat(storedBytes(node, id)).isEqualTo(SamplePayloads.bytes("transcription",
                Instant.ofEpochSecond(1761400000L)));

        // the handler fixed: the next replay handles the event, and the body that is no event stays for an upgrade
        replayed.clear();
        AtomicInteger calls = new AtomicInteger();
        assertThat(replay(node, event -> calls.incrementAndGet()))
                .isEqualTo(new ReplayReport(1, List.of(Long.toString(garbage.id())), 0));
        assertThat(calls).hasValue(1);
        assertThat(db.rows().delivery(id)).containsEntry("state", "done");
        assertThat(attempts(db.rows().delivery(id))).isEqualTo(3);
        assertThat(attempts(db.rows().delivery(garbage.id()))).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void ofTwoNodesClaimingOneFailedDeliveryForReplayExactlyOneGetsIt(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore node1 = db.open(db.options().nodeId("node-a").build(), clock);
        JdbcDeliveryStore node2 = db.open(db.options().nodeId("node-b").build(), clock);
        DeliveryTable.Held held = dispatched(node1.admit(delivery("conv_1"), WAIT));
        held.failed(new IllegalStateException());
        Kept kept = node1.failed(null, 10).get(0);

        Optional<Claim> first = node2.claimFailed(kept);
        Optional<Claim> second = node1.claimFailed(kept);

        assertThat(first).isPresent();
        assertThat(second).isEmpty();
        assertThat(first.get().attempt()).isEqualTo(2);
        assertThat(bytes(first.get().body())).isEqualTo(BODY);
        assertThat(db.rows().delivery(held.id())).containsEntry("state", "replaying")
                .containsEntry("owner_node", "node-b");
        assertThat(node1.failedCount()).isZero();
        // a live delivery of the key meanwhile waits for the replay, and is not dispatched after it succeeded
        Future<Admission> live = admitBehind(db, clock, "node-c", delivery("conv_1"));
        assertThat(live).isNotDone();
        first.get().handled();
        assertThat(live.get(10, TimeUnit.SECONDS)).isInstanceOf(DeliveryStore.Duplicate.class);
        assertThat(node1.claimFailed(kept)).as("done: nothing to claim").isEmpty();
        assertThat(node1.body(kept)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void twoNodesReplayingAtOnceNeverDispatchTheSameDelivery(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        List<JdbcDeliveryStore> nodes = List.of(db.open(db.options().nodeId("node-a").build(), clock),
                db.open(db.options().nodeId("node-b").build(), clock));
        int count = 150; // more than a page of the replay's listing
        Map<String, byte[]> sent = new ConcurrentHashMap<>();
        for (int i = 0; i < count; i++) {
            byte[] body = ("{\"type\":\"post_call_transcription\",\"event_timestamp\":1761400000,"
                    + "\"data\":{\"conversation_id\":\"conv_" + i + "\"}}").getBytes(StandardCharsets.UTF_8);
            sent.put("conv_" + i, body);
            failedDelivery(nodes.get(0), body);
        }
        Map<String, AtomicInteger> dispatches = new ConcurrentHashMap<>();
        Map<String, byte[]> received = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> byNode = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<ReplayReport>> reports = new ArrayList<>();
            for (JdbcDeliveryStore node : nodes) {
                reports.add(pool.submit(() -> {
                    start.await();
                    return replay(node, event -> {
                        dispatches.computeIfAbsent(event.conversationId(), k -> new AtomicInteger()).incrementAndGet();
                        received.put(event.conversationId(), bytes(event.body()));
                        byNode.computeIfAbsent(Thread.currentThread().getName(), k -> new AtomicInteger())
                                .incrementAndGet();
                    });
                }));
            }
            start.countDown();
            int handled = 0;
            for (Future<ReplayReport> report : reports) {
                ReplayReport r = report.get(120, TimeUnit.SECONDS);
                assertThat(r.failedAgain()).isEmpty();
                handled += r.replayed();
            }
            assertThat(handled).isEqualTo(count);
            assertThat(dispatches).hasSize(count);
            assertThat(dispatches.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
            assertThat(received).allSatisfy((conversation, bytes) ->
                    assertThat(bytes).as(conversation).isEqualTo(sent.get(conversation)));
            System.out.println("replayed by thread: " + byNode);
        } finally {
            pool.shutdownNow();
        }
        assertThat(db.rows().deliveries()).hasSize(count)
                .allSatisfy(row -> assertThat(row).containsEntry("state", "done"));
        // attempts 2 everywhere: no row was dispatched by both nodes
        assertThat(db.rows().deliveries()).allSatisfy(row -> assertThat(attempts(row)).isEqualTo(2));
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aDeliveryTheSendersRetryTookDuringTheReplayIsSkippedNotDispatchedTwice(Database database)
            throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore node = db.open(db.options().nodeId("node-a").build(), clock);
        JdbcDeliveryStore other = db.open(db.options().nodeId("node-b").build(), clock);
        failedDelivery(node, body("conv_a"));
        clock.advance(Duration.ofSeconds(1));
        failedDelivery(node, body("conv_b"));
        AtomicReference<Claim> retry = new AtomicReference<>();
        List<String> handled = Collections.synchronizedList(new ArrayList<>());

        // while the replay handles conv_a, the sender's retry of conv_b arrives at another node and takes it
        ReplayReport report = replay(node, event -> {
            handled.add(event.conversationId());
            if (event.conversationId().equals("conv_a")) {
                retry.set(dispatched(other.admit(delivery("conv_b", BodySource.ofBytes(body("conv_b"))), WAIT)));
            }
        });

        assertThat(report).isEqualTo(new ReplayReport(1, List.of(), 1));
        assertThat(handled).containsExactly("conv_a");
        assertThat(row(db, "conv_b")).containsEntry("state", "received").containsEntry("owner_node", "node-b");
        retry.get().handled();
        assertThat(row(db, "conv_b")).containsEntry("state", "done");
        assertThat(attempts(row(db, "conv_b"))).as("dispatched once more: by the retry").isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aStoreFailureDuringAReplayIsReportedAndNothingIsLost(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        TestPool failing = db.dataSource().separate();
        JdbcDeliveryStore node = db.through(failing).open(db.options().nodeId("node-a").build(), clock);
        JdbcDeliveryStore other = db.open(db.options().nodeId("node-b").build(), clock);
        failedDelivery(node, body("conv_a"));
        clock.advance(Duration.ofSeconds(1));
        DeliveryTable.Held b = failedDelivery(node, body("conv_b"));
        List<String> handled = Collections.synchronizedList(new ArrayList<>());

        ReplayReport report;
        try {
            // the database goes away while the first one's handlers run
            report = replay(node, event -> {
                handled.add(event.conversationId());
                failing.refuse(true);
            });
        } finally {
            failing.refuse(false);
        }

        assertThat(handled).containsExactly("conv_a");
        assertThat(report).isEqualTo(new ReplayReport(1, List.of(Long.toString(b.id())), 0));
        assertThat(replayed).extracting(r -> r.result().outcome())
                .containsExactly(Outcome.HANDLED_UNRECORDED, Outcome.STORE_UNAVAILABLE);
        assertThat(replayed.get(1).result().store()).isInstanceOf(StoreException.class);
        assertThat(row(db, "conv_b")).containsEntry("state", "failed");
        assertThat(attempts(row(db, "conv_b"))).as("never claimed").isEqualTo(1);
        // conv_a was handled but could not be recorded: after the take-over age it is failed again (the one window
        // in which a delivery can be handled twice), its body still kept
        assertThat(row(db, "conv_a")).containsEntry("state", "replaying");
        clock.advance(Duration.ofMinutes(11));
        assertThat(other.recoverInterrupted()).isEqualTo(1);
        assertThat(other.failed(null, 10)).extracting(Kept::conversationId).containsExactly("conv_a", "conv_b");
        assertThat(storedBytes(other, Long.parseLong(other.failed(null, 1).get(0).id()))).isEqualTo(body("conv_a"));
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aReplayWhoseNodeDiesGoesBackToFailedAfterTheTakeoverAge(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore dying = db.open(db.options().nodeId("node-a").build(), clock);
        JdbcDeliveryStore other = db.open(db.options().nodeId("node-b").build(), clock);
        DeliveryTable.Held held = dispatched(dying.admit(delivery("conv_1"), WAIT));
        held.failed(new IllegalStateException());
        Claim lost = dying.claimFailed(dying.failed(null, 10).get(0)).orElseThrow();

        clock.advance(Duration.ofMinutes(11));
        assertThat(other.recoverInterrupted()).isEqualTo(1);

        assertThat(other.failed(null, 10)).singleElement().satisfies(f -> {
            assertThat(f.failureClass()).isEqualTo(Kept.INTERRUPTED);
            assertThat(f.attempts()).isEqualTo(2);
        });
        List<byte[]> bodies = new ArrayList<>();
        assertThat(replay(other, event -> bodies.add(bytes(event.body()))))
                .isEqualTo(new ReplayReport(1, List.of(), 0));
        assertThat(bodies).containsExactly(BODY);
        assertThat(db.rows().delivery(held.id())).containsEntry("state", "done");
        assertThat(attempts(db.rows().delivery(held.id()))).isEqualTo(3);
        assertThatThrownBy(lost::handled).as("the dead replay's late outcome is refused")
                .isInstanceOf(StoreException.class);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void failedDeliveriesAreListedOldestFirstPageByPage(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore store = db.open(clock);
        Instant firstArrival = clock.instant();
        for (int i = 0; i < 5; i++) {
            Delivery d = new Delivery("post_call_transcription", "conv_" + i, 1761400000L + i, 1761400100L + i,
                    i == 0 ? null : "application/json", BodySource.ofBytes(BODY));
            dispatched(store.admit(d, WAIT)).failed(new AssertionError());
            if (i % 2 == 1) {
                clock.advance(Duration.ofSeconds(1)); // two arrive in the same millisecond, twice
            }
        }

        List<Kept> first = store.failed(null, 2);
        List<Kept> second = store.failed(first.get(1), 2);
        List<Kept> third = store.failed(second.get(1), 2);

        List<Kept> all = new ArrayList<>(first);
        all.addAll(second);
        all.addAll(third);
        assertThat(third).hasSize(1);
        assertThat(store.failed(third.get(0), 2)).isEmpty();
        assertThat(all).extracting(Kept::conversationId)
                .containsExactlyInAnyOrder("conv_0", "conv_1", "conv_2", "conv_3", "conv_4");
        assertThat(all).extracting(Kept::receivedAt).isSorted();
        assertThat(store.failed(null, 100)).isEqualTo(all);
        assertThat(store.failedCount()).isEqualTo(5);
        Kept conv0 = all.stream().filter(f -> f.conversationId().equals("conv_0")).findFirst().orElseThrow();
        assertThat(conv0.type()).isEqualTo("post_call_transcription");
        // the key column holds the key's timestamp: none for a type sent once per conversation (DeliveryKey)
        assertThat(conv0.eventTimestamp()).isZero();
        assertThat(conv0.signatureTimestamp()).isEqualTo(1761400100L);
        assertThat(conv0.receivedAt()).isEqualTo(firstArrival);
        assertThat(conv0.contentType()).isNull();
        assertThat(conv0.failureClass()).isEqualTo("java.lang.AssertionError");
        assertThat(conv0.attempts()).isEqualTo(1);
        assertThat(conv0.bodyLength()).isEqualTo(BODY.length);
    }
}
