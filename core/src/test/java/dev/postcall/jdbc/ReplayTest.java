package dev.postcall.jdbc;

import static dev.postcall.jdbc.DeliveryTableTest.BODY;
import static dev.postcall.jdbc.DeliveryTableTest.WAIT;
import static dev.postcall.jdbc.DeliveryTableTest.arrival;
import static dev.postcall.jdbc.DeliveryTableTest.dispatched;
import static dev.postcall.jdbc.DeliveryTableTest.inBackground;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postcall.BodySource;
import dev.postcall.EventParser;
import dev.postcall.MalformedEventException;
import dev.postcall.PostCallEvent;
import dev.postcall.TranscriptionEvent;
import dev.postcall.testing.SamplePayloads;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Replay from any node: failed rows listed, each claimed before it is dispatched, never by two nodes. */
class ReplayTest {

    /** Stores a real sample delivery and fails it, as a handler that threw would. */
    static long failedDelivery(WriteAheadLedger node, String sample, Instant eventTime) throws Exception {
        byte[] body = SamplePayloads.bytes(sample, eventTime);
        PostCallEvent event = new EventParser().parse(BodySource.ofBytes(body));
        Arrival arrival = new Arrival(event.type(), event.conversationId(), event.eventTimestamp(), 1L,
                "application/json");
        HeldDelivery held = dispatched(node.admit(arrival, BodySource.ofBytes(body), WAIT));
        held.markFailed(new IllegalStateException());
        return held.id();
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void replayHandsEachFailedDeliveryToTheHandlerParsedFromItsStoredBodyAndMarksItDone(Database database)
            throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore store = db.open(clock);
        long transcription = failedDelivery(store.table(), "transcription", Instant.ofEpochSecond(1761400000L));
        clock.advance(Duration.ofSeconds(1));
        long audio = failedDelivery(store.table(), "audio", Instant.ofEpochSecond(1761400001L));
        List<String> handled = new ArrayList<>();

        // the stored body is read while the handler runs (as a request's spilled body, it is gone afterwards)
        JdbcDeliveryStore.ReplayReport report = store.replayFailed(new EventParser(), event -> handled.add(
                event instanceof TranscriptionEvent t ? "transcription of " + t.report().conversationId()
                        : event.type() + " of " + event.conversationId()));

        assertThat(report).isEqualTo(new JdbcDeliveryStore.ReplayReport(2, 0, 0));
        assertThat(handled).hasSize(2);
        assertThat(handled.get(0)).startsWith("transcription of conv_");
        assertThat(handled.get(1)).startsWith(EventParser.AUDIO + " of conv_");
        assertThat(db.rows().delivery(transcription)).containsEntry("state", "done");
        assertThat(db.rows().delivery(audio)).containsEntry("state", "done");
        assertThat(db.rows().allChunks()).isZero();
        assertThat(store.failed(10)).isEmpty();
        assertThat(store.body(audio)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aReplayThatFailsAgainStaysFailedWithItsAttemptsAndTheNewFailureClass(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore store = db.open(clock);
        long id = failedDelivery(store.table(), "transcription", Instant.ofEpochSecond(1761400000L));
        HeldDelivery garbage = dispatched(store.table().admit(arrival("conv_garbage"),
                BodySource.ofBytes("not json".getBytes(StandardCharsets.UTF_8)), WAIT));
        garbage.markFailed(new IllegalStateException());
        clock.advance(Duration.ofMinutes(5));

        JdbcDeliveryStore.ReplayReport report = store.replayFailed(new EventParser(), event -> {
            throw new UnsupportedOperationException("still broken for " + event.conversationId());
        });

        assertThat(report).isEqualTo(new JdbcDeliveryStore.ReplayReport(0, 2, 0));
        assertThat(db.rows().delivery(id)).containsEntry("state", "failed")
                .containsEntry("failure_class", UnsupportedOperationException.class.getName());
        assertThat(db.rows().delivery(garbage.id())).containsEntry("state", "failed")
                .containsEntry("failure_class", MalformedEventException.class.getName());
        List<JdbcDeliveryStore.FailedDelivery> failed = store.failed(10);
        assertThat(failed).extracting(JdbcDeliveryStore.FailedDelivery::attempts).containsExactly(2, 2);
        assertThat(failed).extracting(JdbcDeliveryStore.FailedDelivery::failedAt).containsOnly(clock.instant());
        try (var in = store.body(garbage.id()).orElseThrow().openStream()) {
            assertThat(in.readAllBytes()).isEqualTo("not json".getBytes(StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void ofTwoNodesClaimingOneFailedDeliveryForReplayExactlyOneGetsIt(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        DeliveryTable node1 = db.open(db.options().nodeId("node-a").build(), clock).table();
        DeliveryTable node2 = db.open(db.options().nodeId("node-b").build(), clock).table();
        HeldDelivery held = dispatched(node1.admit(arrival("conv_1"), BodySource.ofBytes(BODY), WAIT));
        held.markFailed(new IllegalStateException());

        Optional<HeldDelivery> first = node2.claimForReplay(held.id());
        Optional<HeldDelivery> second = node1.claimForReplay(held.id());

        assertThat(first).isPresent();
        assertThat(second).isEmpty();
        assertThat(first.get().attempt()).isEqualTo(2);
        assertThat(db.rows().delivery(held.id())).containsEntry("state", "replaying")
                .containsEntry("owner_node", "node-b");
        // a live delivery of the key meanwhile waits for the replay, and is not dispatched after it succeeded
        Future<Admission> live = inBackground(() -> node1.admit(arrival("conv_1"), BodySource.ofBytes(BODY), WAIT));
        Thread.sleep(200);
        assertThat(live).isNotDone();
        assertThat(first.get().markDone()).isTrue();
        assertThat(live.get(10, TimeUnit.SECONDS)).isInstanceOf(Admission.AlreadyDone.class);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void twoNodesReplayingAtOnceNeverDispatchTheSameDelivery(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        List<JdbcDeliveryStore> nodes = List.of(db.open(db.options().nodeId("node-a").build(), clock),
                db.open(db.options().nodeId("node-b").build(), clock));
        int count = 150; // more than a page of the replay's listing
        for (int i = 0; i < count; i++) {
            byte[] body = ("{\"type\":\"post_call_transcription\",\"event_timestamp\":1761400000,"
                    + "\"data\":{\"conversation_id\":\"conv_" + i + "\"}}").getBytes(StandardCharsets.UTF_8);
            HeldDelivery held = dispatched(nodes.get(0).table().admit(arrival("conv_" + i), BodySource.ofBytes(body),
                    WAIT));
            held.markFailed(new IllegalStateException());
        }
        Map<String, AtomicInteger> dispatches = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> byNode = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<JdbcDeliveryStore.ReplayReport>> reports = new ArrayList<>();
            for (JdbcDeliveryStore node : nodes) {
                reports.add(pool.submit(() -> {
                    start.await();
                    return node.replayFailed(new EventParser(), event -> {
                        dispatches.computeIfAbsent(event.conversationId(), k -> new AtomicInteger()).incrementAndGet();
                        byNode.computeIfAbsent(Thread.currentThread().getName(), k -> new AtomicInteger())
                                .incrementAndGet();
                    });
                }));
            }
            start.countDown();
            int replayed = 0;
            for (Future<JdbcDeliveryStore.ReplayReport> report : reports) {
                JdbcDeliveryStore.ReplayReport r = report.get(120, TimeUnit.SECONDS);
                assertThat(r.failedAgain()).isZero();
                replayed += r.replayed();
            }
            assertThat(replayed).isEqualTo(count);
            assertThat(dispatches).hasSize(count);
            assertThat(dispatches.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
            System.out.println("replayed by thread: " + byNode);
        } finally {
            pool.shutdownNow();
        }
        assertThat(db.rows().deliveries()).hasSize(count)
                .allSatisfy(row -> assertThat(row).containsEntry("state", "done"));
        // attempts 2 everywhere: no row was dispatched by both nodes
        assertThat(db.rows().deliveries()).allSatisfy(row ->
                assertThat(((Number) row.get("attempts")).intValue()).isEqualTo(2));
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aReplayWhoseNodeDiesGoesBackToFailedAfterTheTakeoverAge(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        DeliveryTable dying = db.open(db.options().nodeId("node-a").build(), clock).table();
        JdbcDeliveryStore other = db.open(db.options().nodeId("node-b").build(), clock);
        HeldDelivery held = dispatched(dying.admit(arrival("conv_1"), BodySource.ofBytes(BODY), WAIT));
        held.markFailed(new IllegalStateException());
        assertThat(dying.claimForReplay(held.id())).isPresent();

        clock.advance(Duration.ofMinutes(11));
        assertThat(other.recoverInterrupted()).isEqualTo(1);

        assertThat(other.failed(10)).singleElement().satisfies(f -> {
            assertThat(f.failureClass()).isEqualTo("interrupted");
            assertThat(f.attempts()).isEqualTo(2);
        });
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void failedDeliveriesAreListedOldestFirstPageByPage(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore store = db.open(clock);
        Instant firstArrival = clock.instant();
        for (int i = 0; i < 5; i++) {
            Arrival a = new Arrival("post_call_transcription", "conv_" + i, 1761400000L + i, 1761400100L + i,
                    i == 0 ? null : "application/json");
            dispatched(store.table().admit(a, BodySource.ofBytes(BODY), WAIT)).markFailed(new AssertionError());
            if (i % 2 == 1) {
                clock.advance(Duration.ofSeconds(1)); // two arrive in the same millisecond, twice
            }
        }

        List<JdbcDeliveryStore.FailedDelivery> first = store.table().listFailed(null, 2);
        List<JdbcDeliveryStore.FailedDelivery> second = store.table().listFailed(first.get(1), 2);
        List<JdbcDeliveryStore.FailedDelivery> third = store.table().listFailed(second.get(1), 2);

        List<JdbcDeliveryStore.FailedDelivery> all = new ArrayList<>(first);
        all.addAll(second);
        all.addAll(third);
        assertThat(third).hasSize(1);
        assertThat(all).extracting(JdbcDeliveryStore.FailedDelivery::conversationId)
                .containsExactlyInAnyOrder("conv_0", "conv_1", "conv_2", "conv_3", "conv_4");
        assertThat(all).extracting(JdbcDeliveryStore.FailedDelivery::receivedAt).isSorted();
        assertThat(store.failed(100)).isEqualTo(all);
        JdbcDeliveryStore.FailedDelivery conv0 = all.stream().filter(f -> f.conversationId().equals("conv_0"))
                .findFirst().orElseThrow();
        assertThat(conv0.type()).isEqualTo("post_call_transcription");
        assertThat(conv0.eventTimestamp()).isEqualTo(1761400000L);
        assertThat(conv0.signatureTimestamp()).isEqualTo(1761400100L);
        assertThat(conv0.receivedAt()).isEqualTo(firstArrival);
        assertThat(conv0.contentType()).isNull();
        assertThat(conv0.failureClass()).isEqualTo("java.lang.AssertionError");
        assertThat(conv0.attempts()).isEqualTo(1);
        assertThat(conv0.bodyLength()).isEqualTo(BODY.length);
    }
}
