package dev.postcall.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.postcall.BodySource;
import dev.postcall.spi.DeliveryStore;
import dev.postcall.spi.DeliveryStore.Admission;
import dev.postcall.spi.DeliveryStore.Delivery;
import dev.postcall.spi.DeliveryStore.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The database store's request path ({@link JdbcDeliveryStore#admit} and its claims), the semantics of
 * {@link DeliveryStore}: on a real PostgreSQL, on H2, and on H2 in MySQL mode with the MySQL/MariaDB DDL. Two store
 * instances over one database are two nodes of a cluster.
 */
class DeliveryTableTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final byte[] BODY = ("{\"type\":\"post_call_transcription\",\"event_timestamp\":1761400000,"
            + "\"data\":{\"conversation_id\":\"conv_1\"}}").getBytes(StandardCharsets.UTF_8);

    /** A transcription of {@code conversationId} (null: none) whose body is {@link #BODY}. */
    static Delivery delivery(String conversationId) {
        return delivery(conversationId, BodySource.ofBytes(BODY));
    }

    static Delivery delivery(String conversationId, BodySource body) {
        return new Delivery("post_call_transcription", conversationId, 1761400000L, 1761400005L, "application/json",
                body);
    }

    /** The claim of an admission that must be a dispatch. */
    static DeliveryTable.Held dispatched(Admission admission) {
        assertThat(admission).isInstanceOf(DeliveryStore.Dispatch.class);
        return (DeliveryTable.Held) ((DeliveryStore.Dispatch) admission).claim();
    }

    static JdbcDeliveryStore node(Database.Fixture db, MutableClock clock, String nodeId) throws SQLException {
        return db.open(db.options().nodeId(nodeId).build(), clock);
    }

    /** The bytes the database holds for a delivery, read back through the store's own reader. */
    static byte[] storedBytes(JdbcDeliveryStore store, long id) throws SQLException, IOException {
        try (InputStream in = store.table().openBody(id).orElseThrow().openStream()) {
            return in.readAllBytes();
        }
    }

    /**
     * Admits {@code delivery} on a node of its own (a pool of its own) in the background, and returns once that node
     * is seen waiting for another claim of the key: an admit that found the key in flight looks it up again once per
     * connection, so six connections prove it waited, without guessing a time.
     */
    static Future<Admission> admitBehind(Database.Fixture db, MutableClock clock, String nodeId, Delivery delivery)
            throws SQLException {
        TestPool pool = db.dataSource().separate();
        JdbcDeliveryStore node = node(db.through(pool), clock, nodeId);
        int wanted = pool.handedOut.get() + 6;
        Future<Admission> admission = inBackground(() -> node.admit(delivery, WAIT));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pool.handedOut.get() < wanted) {
            if (System.nanoTime() > deadline) {
                fail("the admit on " + nodeId + " asked for " + pool.handedOut.get() + " of " + wanted
                        + " connections in 10 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return admission;
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aFirstDeliveryIsStoredAndCommittedBeforeItIsDispatched(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        JdbcDeliveryStore node = node(db, new MutableClock(), "node-a");

        DeliveryTable.Held held = dispatched(node.admit(delivery("conv_1"), WAIT));

        // another connection sees it before any handler ran: the write-ahead record is committed
        Map<String, Object> row = db.rows().delivery(held.id());
        assertThat(row).containsEntry("state", "received").containsEntry("event_type", "post_call_transcription")
                .containsEntry("conversation_id", "conv_1").containsEntry("owner_node", "node-a");
        assertThat(((Number) row.get("attempts")).intValue()).isEqualTo(1);
        assertThat(((Number) row.get("body_length")).longValue()).isEqualTo(BODY.length);
        // the key's timestamp, none for a transcription (sent once per conversation): what a lookup by key finds
        assertThat(((Number) row.get("event_timestamp")).longValue()).isZero();
        assertThat(((Number) row.get("signature_timestamp")).longValue()).isEqualTo(1761400005L);
        assertThat(row.get("content_type")).isEqualTo("application/json");
        assertThat(db.rows().chunks(held.id())).isEqualTo(1);
        assertThat(storedBytes(node, held.id())).isEqualTo(BODY);
        assertThat(held.attempt()).isEqualTo(1);
        try (var in = held.body().openStream()) {
            assertThat(in.readAllBytes()).isEqualTo(BODY);
        }
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aNewDeliveryIsStoredWithoutALookupInOneStatementOnPostgreSql(Database database) throws Exception {
        Database.Fixture plain = database.fresh();
        TestPool counting = plain.dataSource().separate();
        Database.Fixture db = plain.through(counting);
        JdbcDeliveryStore node = node(db, new MutableClock(), "node-a");
        boolean postgres = database == Database.POSTGRESQL;
        int connections = counting.handedOut.get();
        int statements = counting.prepared.get();
        int commits = counting.commits.get();

        DeliveryTable.Held held = dispatched(node.admit(delivery("conv_1"), WAIT));

        assertThat(counting.handedOut.get() - connections).as("one transaction").isEqualTo(1);
        assertThat(counting.prepared.get() - statements).as("the row and its chunk, no lookup")
                .isEqualTo(postgres ? 1 : 2);
        assertThat(counting.commits.get() - commits).as("PostgreSQL: one statement in autoCommit, one round trip")
                .isEqualTo(postgres ? 0 : 1);
        statements = counting.prepared.get();
        commits = counting.commits.get();
        held.handled();
        assertThat(counting.prepared.get() - statements).as("done, the body dropped").isEqualTo(postgres ? 1 : 2);
        assertThat(counting.commits.get() - commits).isEqualTo(postgres ? 0 : 1);
        statements = counting.prepared.get();
        assertThat(node.admit(delivery("conv_1"), WAIT)).isInstanceOf(DeliveryStore.Duplicate.class);
        assertThat(counting.prepared.get() - statements).as("a duplicate: the insert, then the row it met")
                .isEqualTo(2);
        assertThat(db.rows().deliveries()).hasSize(1);
        assertThat(db.rows().allChunks()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aDuplicateWaitingForAnotherNodeLooksAfterPausesThatDoubleAndAnswersWithinItsWait(Database database)
            throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore holder = node(db, clock, "node-a");
        TestPool counting = db.dataSource().separate();
        JdbcDeliveryStore waiter = db.through(counting).open(db.options().nodeId("node-b")
                .pollInterval(Duration.ofMillis(50)).build(), clock);
        dispatched(holder.admit(delivery("conv_1"), WAIT));
        int connections = counting.handedOut.get();
        long started = System.nanoTime();

        assertThat(waiter.admit(delivery("conv_1"), Duration.ofSeconds(2))).isInstanceOf(DeliveryStore.InProgress.class);

        long waited = System.nanoTime() - started;
        assertThat(waited).isBetween(Duration.ofSeconds(2).toNanos(), Duration.ofSeconds(5).toNanos());
        // pauses of 50, 100, 200, 400, 800 ms and then 1 s (each a random half to all of it): about ten looks in
        // two seconds, where one every 50 ms made forty
        assertThat(counting.handedOut.get() - connections).isBetween(5, 12);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aDuplicateWaitingOnTheNodeThatHandlesItIsAnsweredAsSoonAsTheClaimEnds(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        // pauses of at least 15 s between looks: only being told can answer it within the test's 10 s
        JdbcDeliveryStore node = db.open(db.options().nodeId("node-a").pollInterval(Duration.ofSeconds(30)).build(),
                new MutableClock());
        DeliveryTable.Held first = dispatched(node.admit(delivery("conv_1"), WAIT));
        CompletableFuture<Admission> second = new CompletableFuture<>();
        Thread waiting = new Thread(() -> {
            try {
                second.complete(node.admit(delivery("conv_1"), Duration.ofMinutes(1)));
            } catch (Exception e) {
                second.completeExceptionally(e);
            }
        });
        waiting.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (waiting.getState() != Thread.State.TIMED_WAITING) {
            if (System.nanoTime() > deadline) {
                fail("the second admit did not start waiting in 10 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }

        first.handled();

        assertThat(second.get(10, TimeUnit.SECONDS)).isInstanceOf(DeliveryStore.Duplicate.class);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aDoneKeyIsNotDispatchedAgainAndItsRowOutlivesItsBody(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore node1 = node(db, clock, "node-a");
        JdbcDeliveryStore node2 = node(db, clock, "node-b");

        DeliveryTable.Held held = dispatched(node1.admit(delivery("conv_1"), WAIT));
        held.handled();

        assertThat(node1.admit(delivery("conv_1"), WAIT)).isInstanceOf(DeliveryStore.Duplicate.class);
        assertThat(node2.admit(delivery("conv_1"), WAIT)).isInstanceOf(DeliveryStore.Duplicate.class);
        Map<String, Object> row = db.rows().delivery(held.id());
        assertThat(row).containsEntry("state", "done").containsEntry("owner_node", null)
                .containsEntry("claim_token", null).containsEntry("body_length", null);
        assertThat(((Number) row.get("done_at")).longValue()).isEqualTo(clock.millis());
        assertThat(db.rows().chunks(held.id())).isZero();
        assertThat(db.rows().deliveries()).hasSize(1);
        assertThat(node1.table().openBody(held.id())).as("no body is held any longer").isEmpty();
        assertThatThrownBy(held::handled).as("a claim is finished once").isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> held.failed(new RuntimeException())).isInstanceOf(IllegalStateException.class);
        assertThat(db.rows().delivery(held.id())).containsEntry("state", "done");
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void manySimultaneousDeliveriesOfOneKeyOnTwoNodesAreDispatchedOnce(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        List<JdbcDeliveryStore> nodes = List.of(node(db, clock, "node-a"), node(db, clock, "node-b"));
        int requests = 8;
        ExecutorService pool = Executors.newFixedThreadPool(requests);
        try {
            for (int round = 0; round < 5; round++) {
                String conversation = "conv_race_" + round;
                CountDownLatch start = new CountDownLatch(1);
                AtomicInteger dispatches = new AtomicInteger();
                List<Future<Admission>> answers = new ArrayList<>();
                for (int i = 0; i < requests; i++) {
                    JdbcDeliveryStore node = nodes.get(i % 2);
                    answers.add(pool.submit(() -> {
                        start.await();
                        Admission a = node.admit(delivery(conversation), WAIT);
                        if (a instanceof DeliveryStore.Dispatch d) {
                            dispatches.incrementAndGet();
                            Thread.sleep(20); // the handlers run a while, so the others find the key in flight
                            d.claim().handled();
                        }
                        return a;
                    }));
                }
                start.countDown();
                int duplicates = 0;
                for (Future<Admission> answer : answers) {
                    if (answer.get(30, TimeUnit.SECONDS) instanceof DeliveryStore.Duplicate) {
                        duplicates++;
                    }
                }
                assertThat(dispatches.get()).as("round %d", round).isEqualTo(1);
                assertThat(duplicates).isEqualTo(requests - 1);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(db.rows().deliveries()).hasSize(5).allSatisfy(row -> assertThat(row).containsEntry("state", "done"));
        assertThat(db.rows().allChunks()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aConcurrentDeliveryWaitsAndIsNotDispatchedWhenTheFirstSucceeds(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore node1 = node(db, clock, "node-a");
        DeliveryTable.Held first = dispatched(node1.admit(delivery("conv_1"), WAIT));

        Future<Admission> second = admitBehind(db, clock, "node-b", delivery("conv_1"));
        assertThat(second).as("waits while the first is being handled").isNotDone();
        first.handled();

        assertThat(second.get(10, TimeUnit.SECONDS)).isInstanceOf(DeliveryStore.Duplicate.class);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aConcurrentDeliveryWaitsAndIsDispatchedWhenTheFirstFails(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore node1 = node(db, clock, "node-a");
        DeliveryTable.Held first = dispatched(node1.admit(delivery("conv_1"), WAIT));

        Future<Admission> second = admitBehind(db, clock, "node-b", delivery("conv_1"));
        assertThat(second).isNotDone();
        assertThat(first.failed(new IllegalStateException("boom"))).isTrue();

        DeliveryTable.Held again = dispatched(second.get(10, TimeUnit.SECONDS));
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.attempt()).isEqualTo(2);
        assertThat(db.rows().delivery(again.id())).containsEntry("state", "received")
                .containsEntry("owner_node", "node-b");
        again.handled();
        assertThat(db.rows().delivery(again.id())).containsEntry("state", "done");
        assertThat(db.rows().deliveries()).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aConcurrentDeliveryThatOutwaitsItsWaitIsAnsweredInProgress(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore node1 = node(db, clock, "node-a");
        JdbcDeliveryStore node2 = node(db, clock, "node-b");
        DeliveryTable.Held first = dispatched(node1.admit(delivery("conv_1"), WAIT));

        assertThat(node2.admit(delivery("conv_1"), Duration.ofMillis(200)))
                .isInstanceOf(DeliveryStore.InProgress.class);
        assertThat(node2.admit(delivery("conv_1"), Duration.ZERO)).isInstanceOf(DeliveryStore.InProgress.class);
        // nine minutes on, the claim is not stale yet
        clock.advance(Duration.ofMinutes(9));
        assertThat(node2.admit(delivery("conv_1"), Duration.ofMillis(50)))
                .isInstanceOf(DeliveryStore.InProgress.class);
        first.handled();
        assertThat(db.rows().delivery(first.id())).containsEntry("state", "done");
        assertThat(node2.admit(delivery("conv_1"), Duration.ZERO)).isInstanceOf(DeliveryStore.Duplicate.class);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aFailureIsKeptWithItsClassNameNeverItsMessageAndTheKeyIsReleased(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore node = node(db, clock, "node-a");
        DeliveryTable.Held held = dispatched(node.admit(delivery("conv_1"), WAIT));
        clock.advance(Duration.ofSeconds(3));

        assertThat(held.failed(new IllegalStateException("the caller said card 4242 4242 4242 4242"))).isTrue();

        Map<String, Object> row = db.rows().delivery(held.id());
        assertThat(row).containsEntry("state", "failed")
                .containsEntry("failure_class", "java.lang.IllegalStateException")
                .containsEntry("owner_node", null).containsEntry("claim_token", null);
        assertThat(((Number) row.get("attempts")).intValue()).isEqualTo(1);
        assertThat(((Number) row.get("updated_at")).longValue()).isEqualTo(clock.millis());
        assertThat(((Number) row.get("body_length")).longValue()).isEqualTo(BODY.length);
        assertThat(db.rows().chunks(held.id())).isEqualTo(1);
        assertThat(storedBytes(node, held.id())).isEqualTo(BODY);
        for (Map<String, Object> r : db.rows().deliveries()) {
            assertThat(r.values()).allSatisfy(v -> assertThat(String.valueOf(v)).doesNotContain("4242"));
        }
        assertThat(node.failedCount()).isEqualTo(1);

        // the sender's retry is dispatched again on the same row (kept once), and then done
        DeliveryTable.Held retry = dispatched(node.admit(delivery("conv_1"), WAIT));
        assertThat(retry.id()).isEqualTo(held.id());
        assertThat(retry.attempt()).isEqualTo(2);
        assertThat(node.failedCount()).as("the retry holds it: no longer waiting for a replay").isZero();
        retry.handled();
        assertThat(db.rows().delivery(held.id())).containsEntry("state", "done").containsEntry("failure_class",
                "java.lang.IllegalStateException");
        assertThat(((Number) db.rows().delivery(held.id()).get("attempts")).intValue()).isEqualTo(2);
        assertThat(db.rows().deliveries()).hasSize(1);
        assertThat(node.admit(delivery("conv_1"), WAIT)).isInstanceOf(DeliveryStore.Duplicate.class);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aStaleClaimOfANodeThatDiedIsTakenOverAndTheDeadNodeCannotOverwriteTheOutcome(Database database)
            throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore dead = node(db, clock, "node-dead");
        JdbcDeliveryStore alive = node(db, clock, "node-alive");
        DeliveryTable.Held lost = dispatched(dead.admit(delivery("conv_1"), WAIT));

        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        DeliveryTable.Held taken = dispatched(alive.admit(delivery("conv_1"), Duration.ofMillis(50)));

        assertThat(taken.id()).isEqualTo(lost.id());
        assertThat(taken.attempt()).isEqualTo(2);
        assertThat(storedBytes(alive, taken.id())).as("the dead node's committed body").isEqualTo(BODY);
        assertThat(db.rows().delivery(taken.id())).containsEntry("owner_node", "node-alive")
                .containsEntry("state", "received");
        assertThatThrownBy(() -> lost.failed(new RuntimeException())).as("the old claim is void")
                .isInstanceOf(StoreException.class).hasMessageContaining("was taken over by another node")
                .hasMessageNotContaining("conv_1");
        assertThatThrownBy(lost::handled).as("and over: a claim is finished once, even when that failed")
                .isInstanceOf(IllegalStateException.class);
        assertThat(db.rows().delivery(taken.id())).containsEntry("state", "received")
                .containsEntry("owner_node", "node-alive");
        taken.handled();
        assertThat(db.rows().delivery(taken.id())).containsEntry("state", "done");
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aLateHandledOfATakenOverClaimThrowsAndLeavesTheNewHoldersOutcome(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore dead = node(db, clock, "node-dead");
        JdbcDeliveryStore alive = node(db, clock, "node-alive");
        DeliveryTable.Held lost = dispatched(dead.admit(delivery("conv_1"), WAIT));
        clock.advance(Duration.ofMinutes(11));
        DeliveryTable.Held taken = dispatched(alive.admit(delivery("conv_1"), WAIT));
        assertThat(taken.failed(new IllegalArgumentException())).isTrue();

        assertThatThrownBy(lost::handled).isInstanceOf(StoreException.class)
                .hasMessageContaining("recorded it as done").hasMessageContaining("may be handled twice");

        assertThat(db.rows().delivery(taken.id())).containsEntry("state", "failed")
                .containsEntry("failure_class", IllegalArgumentException.class.getName());
        assertThat(storedBytes(alive, taken.id())).isEqualTo(BODY);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void anOutcomeTheDatabaseCannotRecordThrowsEndsTheClaimAndIsRecoveredAfterTheTakeoverAge(Database database)
            throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        TestPool failing = db.dataSource().separate();
        JdbcDeliveryStore node = node(db.through(failing), clock, "node-a");
        JdbcDeliveryStore other = node(db, clock, "node-b");
        DeliveryTable.Held handled = dispatched(node.admit(delivery("conv_handled"), WAIT));
        DeliveryTable.Held failed = dispatched(node.admit(delivery("conv_failed"), WAIT));

        failing.refuse(true);
        try {
            assertThatThrownBy(handled::handled).isInstanceOf(StoreException.class)
                    .hasMessageContaining("could not be recorded as done").hasMessageContaining("SQLState 08001")
                    .hasMessageNotContaining("conv_handled");
            assertThatThrownBy(() -> failed.failed(new IllegalStateException("card 4242")))
                    .isInstanceOf(StoreException.class).hasMessageContaining("could not be recorded as failed")
                    .hasMessageNotContaining("conv_failed").hasMessageNotContaining("4242");
            assertThatThrownBy(() -> node.admit(delivery("conv_new"), WAIT)).isInstanceOf(StoreException.class)
                    .hasMessageContaining("SQLState 08001");
        } finally {
            failing.refuse(false);
        }

        // the claims are over in this process: a second outcome is refused, and nothing was written
        assertThatThrownBy(handled::handled).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> failed.failed(new RuntimeException())).isInstanceOf(IllegalStateException.class);
        assertThat(db.rows().deliveries()).extracting(row -> row.get("state")).containsExactly("received", "received");
        // both bodies were committed at admission: after the take-over age they wait for a replay, nothing lost
        clock.advance(Duration.ofMinutes(11));
        assertThat(other.recoverInterrupted()).isEqualTo(2);
        assertThat(other.failed(null, 10)).extracting(DeliveryStore.Kept::conversationId)
                .containsExactlyInAnyOrder("conv_handled", "conv_failed");
        assertThat(other.failed(null, 10)).allSatisfy(kept ->
                assertThat(kept.failureClass()).isEqualTo(DeliveryStore.Kept.INTERRUPTED));
        assertThat(storedBytes(other, failed.id())).isEqualTo(BODY);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void deliveriesWithoutAConversationIdAreAlwaysDispatchedAndTheirFailuresKept(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        JdbcDeliveryStore node = node(db, new MutableClock(), "node-a");

        DeliveryTable.Held first = dispatched(node.admit(delivery(null), WAIT));
        first.handled();
        DeliveryTable.Held second = dispatched(node.admit(delivery(null), WAIT));
        assertThat(second.failed(new IllegalArgumentException())).isTrue();
        DeliveryTable.Held third = dispatched(node.admit(delivery(null), WAIT));

        assertThat(List.of(first.id(), second.id(), third.id())).doesNotHaveDuplicates();
        assertThat(db.rows().deliveries()).hasSize(3)
                .allSatisfy(row -> assertThat(row).containsEntry("conversation_id", null));
        assertThat(db.rows().delivery(second.id())).containsEntry("state", "failed");
        assertThat(node.failed(null, 10)).singleElement().satisfies(kept -> {
            assertThat(kept.id()).isEqualTo(Long.toString(second.id()));
            assertThat(kept.key()).isNull();
        });
        third.handled();
        assertThat(db.rows().delivery(third.id())).containsEntry("state", "done");
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void anUnreadableBodyIsKeptWithoutAKeyEveryTime(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        JdbcDeliveryStore node = node(db, new MutableClock(), "node-a");
        byte[] garbage = "not an envelope".getBytes(StandardCharsets.UTF_8);

        DeliveryTable.Held first = dispatched(node.admit(Delivery.unreadable(BodySource.ofBytes(garbage), 7L, null),
                WAIT));
        first.failed(new IllegalArgumentException());
        DeliveryTable.Held second = dispatched(node.admit(Delivery.unreadable(BodySource.ofBytes(garbage), 7L, null),
                WAIT));
        second.failed(new IllegalArgumentException());

        assertThat(node.failed(null, 10)).hasSize(2).allSatisfy(kept -> {
            assertThat(kept.type()).isEqualTo(Delivery.UNREADABLE);
            assertThat(kept.conversationId()).isNull();
            assertThat(kept.key()).isNull();
            assertThat(kept.bodyLength()).isEqualTo(garbage.length);
        });
        assertThat(storedBytes(node, second.id())).isEqualTo(garbage);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aKeyTheColumnsCannotHoldExactlyIsTreatedAsOneWithoutAConversationId(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        JdbcDeliveryStore node = node(db, new MutableClock(), "node-a");
        String tooLong = "conv_" + "x".repeat(300);
        String withNul = "conv_\u0000_1";

        for (String conversation : List.of(tooLong, tooLong, withNul, withNul)) {
            dispatched(node.admit(delivery(conversation), WAIT)).handled();
        }
        Delivery oddType = new Delivery("type_\u0000_" + "y".repeat(200), "conv_2", 1L, 2L, "text/\uD800plain",
                BodySource.ofBytes(BODY));
        DeliveryTable.Held odd = dispatched(node.admit(oddType, WAIT));

        assertThat(db.rows().deliveries()).hasSize(5);
        Map<String, Object> row = db.rows().delivery(odd.id());
        assertThat(row).containsEntry("conversation_id", null).containsEntry("content_type", "text/?plain");
        assertThat((String) row.get("event_type")).startsWith("type_?_yyy").hasSize(128);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void worksWhenThePoolHandsOutConnectionsWithAutoCommitOff(Database database) throws Exception {
        Database.Fixture plain = database.fresh();
        Database.Fixture db = plain.through(plain.dataSource().withAutoCommitOff());
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore node = db.open(db.options().nodeId("node-a").build(), clock);

        DeliveryTable.Held held = dispatched(node.admit(delivery("conv_1"), WAIT));
        // seen committed through the autoCommit-on pool: the pool's rollback on return undid nothing
        assertThat(plain.rows().delivery(held.id())).containsEntry("state", "received");
        assertThat(plain.rows().chunks(held.id())).isEqualTo(1);
        held.failed(new IllegalStateException());
        assertThat(plain.rows().delivery(held.id())).containsEntry("state", "failed");

        assertThat(node.failed(null, 10)).singleElement()
                .satisfies(f -> assertThat(f.id()).isEqualTo(Long.toString(held.id())));
        DeliveryTable.Held retry = dispatched(node.admit(delivery("conv_1"), WAIT));
        retry.handled();
        assertThat(plain.rows().delivery(held.id())).containsEntry("state", "done");
        assertThat(node.admit(delivery("conv_1"), WAIT)).isInstanceOf(DeliveryStore.Duplicate.class);
        clock.advance(Duration.ofHours(3));
        assertThat(node.prune()).isEqualTo(1);
        assertThat(plain.rows().deliveries()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void theDatabasesDuplicateKeyErrorIsRecognised(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        db.open(new MutableClock());
        String insert = "INSERT INTO ${delivery} (id, event_type, conversation_id, event_timestamp, state, attempts,"
                + " received_at, updated_at, signature_timestamp) VALUES (%d, 't', 'c', 1, 'done', 1, 0, 0, 0)";
        db.execute(insert.formatted(1));

        SQLException duplicateKey = null;
        try {
            db.execute(insert.formatted(2));
        } catch (SQLException e) {
            duplicateKey = e;
        }
        SQLException duplicateId = null;
        try {
            db.execute(insert.replace("'c'", "'other'").formatted(1));
        } catch (SQLException e) {
            duplicateId = e;
        }

        assertThat((Object) duplicateKey).isNotNull();
        assertThat(Dialect.isUniqueViolation(duplicateKey)).as(duplicateKey.getSQLState()).isTrue();
        assertThat((Object) duplicateId).isNotNull();
        assertThat(Dialect.isUniqueViolation(duplicateId)).isTrue();
        assertThat(Dialect.isUniqueViolation(Sql.scrubbed("x", duplicateKey))).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void conversationIdsThatDifferOnlyInCaseOrAccentsAreDifferentKeys(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        JdbcDeliveryStore node = node(db, new MutableClock(), "node-a");

        for (String conversation : List.of("conv_abc", "conv_ABC", "conv_\u00e0bc", "conv_abc ")) {
            dispatched(node.admit(delivery(conversation), WAIT)).handled();
        }
        // a trailing space would be ignored by MySQL's collations, so such an id is never a key anywhere
        assertThat(db.rows().deliveries()).extracting(row -> row.get("conversation_id"))
                .containsExactlyInAnyOrder("conv_abc", "conv_ABC", "conv_\u00e0bc", null);
    }

    static <T> Future<T> inBackground(Callable<T> task) {
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            return one.submit(task);
        } finally {
            one.shutdown();
        }
    }
}
