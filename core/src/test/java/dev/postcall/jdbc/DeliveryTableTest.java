package dev.postcall.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postcall.BodySource;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The request path's semantics, the same as the file inbox's and the ledgers': on a real PostgreSQL, on H2, and on
 * H2 in MySQL mode with the MySQL/MariaDB DDL. Two store instances over one database are two nodes of a cluster.
 */
class DeliveryTableTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final byte[] BODY = ("{\"type\":\"post_call_transcription\",\"event_timestamp\":1761400000,"
            + "\"data\":{\"conversation_id\":\"conv_1\"}}").getBytes(StandardCharsets.UTF_8);

    static Arrival arrival(String conversationId) {
        return new Arrival("post_call_transcription", conversationId, 1761400000L, 1761400005L, "application/json");
    }

    static HeldDelivery dispatched(Admission admission) {
        assertThat(admission).isInstanceOf(Admission.Dispatch.class);
        return ((Admission.Dispatch) admission).delivery();
    }

    static WriteAheadLedger node(Database.Fixture db, MutableClock clock, String nodeId) throws SQLException {
        return db.open(db.options().nodeId(nodeId).build(), clock).table();
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aFirstDeliveryIsStoredAndCommittedBeforeItIsDispatched(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        WriteAheadLedger node = node(db, new MutableClock(), "node-a");

        HeldDelivery held = dispatched(node.admit(arrival("conv_1"), BodySource.ofBytes(BODY), WAIT));

        // another connection sees it before any handler ran: the write-ahead record is committed
        Map<String, Object> row = db.rows().delivery(held.id());
        assertThat(row).containsEntry("state", "received").containsEntry("event_type", "post_call_transcription")
                .containsEntry("conversation_id", "conv_1").containsEntry("owner_node", "node-a");
        assertThat(((Number) row.get("attempts")).intValue()).isEqualTo(1);
        assertThat(((Number) row.get("body_length")).longValue()).isEqualTo(BODY.length);
        assertThat(((Number) row.get("event_timestamp")).longValue()).isEqualTo(1761400000L);
        assertThat(((Number) row.get("signature_timestamp")).longValue()).isEqualTo(1761400005L);
        assertThat(row.get("content_type")).isEqualTo("application/json");
        assertThat(held.attempt()).isEqualTo(1);
        try (var in = held.body().openStream()) {
            assertThat(in.readAllBytes()).isEqualTo(BODY);
        }
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aDoneKeyIsNotDispatchedAgainAndItsRowOutlivesItsBody(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        WriteAheadLedger node1 = node(db, clock, "node-a");
        WriteAheadLedger node2 = node(db, clock, "node-b");

        HeldDelivery held = dispatched(node1.admit(arrival("conv_1"), BodySource.ofBytes(BODY), WAIT));
        assertThat(held.markDone()).isTrue();

        assertThat(node1.admit(arrival("conv_1"), BodySource.ofBytes(BODY), WAIT))
                .isInstanceOf(Admission.AlreadyDone.class);
        assertThat(node2.admit(arrival("conv_1"), BodySource.ofBytes(BODY), WAIT))
                .isInstanceOf(Admission.AlreadyDone.class);
        Map<String, Object> row = db.rows().delivery(held.id());
        assertThat(row).containsEntry("state", "done").containsEntry("owner_node", null)
                .containsEntry("claim_token", null).containsEntry("body_length", null);
        assertThat(((Number) row.get("done_at")).longValue()).isEqualTo(clock.millis());
        assertThat(db.rows().chunks(held.id())).isZero();
        assertThat(db.rows().deliveries()).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void manySimultaneousDeliveriesOfOneKeyOnTwoNodesAreDispatchedOnce(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        List<WriteAheadLedger> nodes = List.of(node(db, clock, "node-a"), node(db, clock, "node-b"));
        int requests = 8;
        ExecutorService pool = Executors.newFixedThreadPool(requests);
        try {
            for (int round = 0; round < 5; round++) {
                String conversation = "conv_race_" + round;
                CountDownLatch start = new CountDownLatch(1);
                AtomicInteger dispatches = new AtomicInteger();
                List<Future<Admission>> answers = new ArrayList<>();
                for (int i = 0; i < requests; i++) {
                    WriteAheadLedger node = nodes.get(i % 2);
                    answers.add(pool.submit(() -> {
                        start.await();
                        Admission a = node.admit(arrival(conversation), BodySource.ofBytes(BODY), WAIT);
                        if (a instanceof Admission.Dispatch d) {
                            dispatches.incrementAndGet();
                            Thread.sleep(20); // the handlers run a while
                            d.delivery().markDone();
                        }
                        return a;
                    }));
                }
                start.countDown();
                int done = 0;
                for (Future<Admission> answer : answers) {
                    if (answer.get(30, TimeUnit.SECONDS) instanceof Admission.AlreadyDone) {
                        done++;
                    }
                }
                assertThat(dispatches.get()).as("round %d", round).isEqualTo(1);
                assertThat(done).isEqualTo(requests - 1);
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
        WriteAheadLedger node1 = node(db, clock, "node-a");
        WriteAheadLedger node2 = node(db, clock, "node-b");
        HeldDelivery first = dispatched(node1.admit(arrival("conv_1"), BodySource.ofBytes(BODY), WAIT));

        Future<Admission> second = inBackground(() -> node2.admit(arrival("conv_1"), BodySource.ofBytes(BODY), WAIT));
        Thread.sleep(300);
        assertThat(second).as("waits while the first is being handled").isNotDone();
        first.markDone();

        assertThat(second.get(10, TimeUnit.SECONDS)).isInstanceOf(Admission.AlreadyDone.class);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aConcurrentDeliveryWaitsAndIsDispatchedWhenTheFirstFails(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        WriteAheadLedger node1 = node(db, clock, "node-a");
        WriteAheadLedger node2 = node(db, clock, "node-b");
        HeldDelivery first = dispatched(node1.admit(arrival("conv_1"), BodySource.ofBytes(BODY), WAIT));

        Future<Admission> second = inBackground(() -> node2.admit(arrival("conv_1"), BodySource.ofBytes(BODY), WAIT));
        Thread.sleep(300);
        assertThat(second).isNotDone();
        first.markFailed(new IllegalStateException("boom"));

        HeldDelivery again = dispatched(second.get(10, TimeUnit.SECONDS));
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.attempt()).isEqualTo(2);
        assertThat(db.rows().delivery(again.id())).containsEntry("state", "received")
                .containsEntry("owner_node", "node-b");
        assertThat(again.markDone()).isTrue();
        assertThat(db.rows().delivery(again.id())).containsEntry("state", "done");
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aConcurrentDeliveryThatOutwaitsItsWaitIsAnsweredInProgress(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        WriteAheadLedger node1 = node(db, clock, "node-a");
        WriteAheadLedger node2 = node(db, clock, "node-b");
        HeldDelivery first = dispatched(node1.admit(arrival("conv_1"), BodySource.ofBytes(BODY), WAIT));

        assertThat(node2.admit(arrival("conv_1"), BodySource.ofBytes(BODY), Duration.ofMillis(200)))
                .isInstanceOf(Admission.InProgress.class);
        assertThat(node2.admit(arrival("conv_1"), BodySource.ofBytes(BODY), Duration.ZERO))
                .isInstanceOf(Admission.InProgress.class);
        // nine minutes on, the claim is not stale yet
        clock.advance(Duration.ofMinutes(9));
        assertThat(node2.admit(arrival("conv_1"), BodySource.ofBytes(BODY), Duration.ofMillis(50)))
                .isInstanceOf(Admission.InProgress.class);
        assertThat(first.markDone()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aFailureIsKeptWithItsClassNameNeverItsMessageAndTheKeyIsReleased(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        WriteAheadLedger node = node(db, clock, "node-a");
        HeldDelivery held = dispatched(node.admit(arrival("conv_1"), BodySource.ofBytes(BODY), WAIT));
        clock.advance(Duration.ofSeconds(3));

        assertThat(held.markFailed(new IllegalStateException("the caller said card 4242 4242 4242 4242"))).isTrue();

        Map<String, Object> row = db.rows().delivery(held.id());
        assertThat(row).containsEntry("state", "failed")
                .containsEntry("failure_class", "java.lang.IllegalStateException")
                .containsEntry("owner_node", null).containsEntry("claim_token", null);
        assertThat(((Number) row.get("attempts")).intValue()).isEqualTo(1);
        assertThat(((Number) row.get("updated_at")).longValue()).isEqualTo(clock.millis());
        assertThat(((Number) row.get("body_length")).longValue()).isEqualTo(BODY.length);
        assertThat(db.rows().chunks(held.id())).isEqualTo(1);
        for (Map<String, Object> r : db.rows().deliveries()) {
            assertThat(r.values()).allSatisfy(v -> assertThat(String.valueOf(v)).doesNotContain("4242"));
        }

        // the sender's retry (or a replay through the endpoint) is dispatched again, and then done
        HeldDelivery retry = dispatched(node.admit(arrival("conv_1"), BodySource.ofBytes(BODY), WAIT));
        assertThat(retry.id()).isEqualTo(held.id());
        assertThat(retry.attempt()).isEqualTo(2);
        assertThat(retry.markDone()).isTrue();
        assertThat(db.rows().delivery(held.id())).containsEntry("state", "done").containsEntry("failure_class",
                "java.lang.IllegalStateException");
        assertThat(((Number) db.rows().delivery(held.id()).get("attempts")).intValue()).isEqualTo(2);
        assertThat(node.admit(arrival("conv_1"), BodySource.ofBytes(BODY), WAIT))
                .isInstanceOf(Admission.AlreadyDone.class);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aStaleClaimOfANodeThatDiedIsTakenOverAndTheDeadNodeCannotOverwriteTheOutcome(Database database)
            throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        WriteAheadLedger dead = node(db, clock, "node-dead");
        WriteAheadLedger alive = node(db, clock, "node-alive");
        HeldDelivery lost = dispatched(dead.admit(arrival("conv_1"), BodySource.ofBytes(BODY), WAIT));

        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        HeldDelivery taken = dispatched(alive.admit(arrival("conv_1"), BodySource.ofBytes(BODY), Duration.ofMillis(50)));

        assertThat(taken.id()).isEqualTo(lost.id());
        assertThat(taken.attempt()).isEqualTo(2);
        try (var in = taken.body().openStream()) {
            assertThat(in.readAllBytes()).as("the dead node's committed body").isEqualTo(BODY);
        }
        assertThat(db.rows().delivery(taken.id())).containsEntry("owner_node", "node-alive")
                .containsEntry("state", "received");
        assertThat(lost.markFailed(new RuntimeException())).as("the old claim is void").isFalse();
        assertThat(db.rows().delivery(taken.id())).containsEntry("state", "received");
        assertThat(taken.markDone()).isTrue();
        assertThat(db.rows().delivery(taken.id())).containsEntry("state", "done");
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void deliveriesWithoutAConversationIdAreAlwaysDispatchedAndTheirFailuresKept(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        WriteAheadLedger node = node(db, new MutableClock(), "node-a");

        HeldDelivery first = dispatched(node.admit(arrival(null), BodySource.ofBytes(BODY), WAIT));
        assertThat(first.markDone()).isTrue();
        HeldDelivery second = dispatched(node.admit(arrival(null), BodySource.ofBytes(BODY), WAIT));
        assertThat(second.markFailed(new IllegalArgumentException())).isTrue();
        HeldDelivery third = dispatched(node.admit(arrival(null), BodySource.ofBytes(BODY), WAIT));

        assertThat(List.of(first.id(), second.id(), third.id())).doesNotHaveDuplicates();
        assertThat(db.rows().deliveries()).hasSize(3)
                .allSatisfy(row -> assertThat(row).containsEntry("conversation_id", null));
        assertThat(db.rows().delivery(second.id())).containsEntry("state", "failed");
        assertThat(third.markDone()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aKeyTheColumnsCannotHoldExactlyIsTreatedAsOneWithoutAConversationId(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        WriteAheadLedger node = node(db, new MutableClock(), "node-a");
        String tooLong = "conv_" + "x".repeat(300);
        String withNul = "conv_\u0000_1";

        for (String conversation : List.of(tooLong, tooLong, withNul, withNul)) {
            dispatched(node.admit(arrival(conversation), BodySource.ofBytes(BODY), WAIT)).markDone();
        }
        Arrival oddType = new Arrival("type_\u0000_" + "y".repeat(200), "conv_2", 1L, 2L, "text/\uD800plain");
        HeldDelivery odd = dispatched(node.admit(oddType, BodySource.ofBytes(BODY), WAIT));

        assertThat(db.rows().deliveries()).hasSize(5);
        Map<String, Object> row = db.rows().delivery(odd.id());
        assertThat(row).containsEntry("conversation_id", null).containsEntry("content_type", "text/?plain");
        assertThat((String) row.get("event_type")).startsWith("type_?_yyy").hasSize(128);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aLedgerOnlyClaimKeepsNoBodyAndIsReleasedWhenItFails(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        WriteAheadLedger node = node(db, new MutableClock(), "node-a");

        HeldDelivery held = dispatched(node.admit(arrival("conv_1"), null, WAIT));
        assertThat(held.body()).isNull();
        assertThat(db.rows().delivery(held.id())).containsEntry("body_length", null);
        assertThat(held.markFailed(new RuntimeException())).isTrue();
        assertThat(db.rows().deliveries()).isEmpty();

        HeldDelivery again = dispatched(node.admit(arrival("conv_1"), null, WAIT));
        assertThat(again.markDone()).isTrue();
        assertThat(node.admit(arrival("conv_1"), null, WAIT)).isInstanceOf(Admission.AlreadyDone.class);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aStaleLedgerOnlyClaimTakenOverByADeliveryWithABodyKeepsThatBody(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        WriteAheadLedger ledgerOnly = node(db, clock, "node-ledger");
        WriteAheadLedger inbox = node(db, clock, "node-inbox");
        dispatched(ledgerOnly.admit(arrival("conv_1"), null, WAIT));
        clock.advance(Duration.ofMinutes(11));

        HeldDelivery taken = dispatched(inbox.admit(arrival("conv_1"), BodySource.ofBytes(BODY), WAIT));
        assertThat(taken.markFailed(new IllegalStateException())).isTrue();

        assertThat(db.rows().delivery(taken.id())).containsEntry("state", "failed");
        try (var in = taken.body().openStream()) {
            assertThat(in.readAllBytes()).isEqualTo(BODY);
        }
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void worksWhenThePoolHandsOutConnectionsWithAutoCommitOff(Database database) throws Exception {
        Database.Fixture plain = database.fresh();
        Database.Fixture db = new Database.Fixture(database, plain.dataSource().withAutoCommitOff(), plain.prefix());
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore store = db.open(db.options().nodeId("node-a").build(), clock);
        WriteAheadLedger node = store.table();

        HeldDelivery held = dispatched(node.admit(arrival("conv_1"), BodySource.ofBytes(BODY), WAIT));
        // seen committed through the autoCommit-on pool: the pool's rollback on return undid nothing
        assertThat(plain.rows().delivery(held.id())).containsEntry("state", "received");
        assertThat(plain.rows().chunks(held.id())).isEqualTo(1);
        held.markFailed(new IllegalStateException());
        assertThat(plain.rows().delivery(held.id())).containsEntry("state", "failed");

        assertThat(store.failed(10)).singleElement().satisfies(f -> assertThat(f.id()).isEqualTo(held.id()));
        HeldDelivery retry = dispatched(node.admit(arrival("conv_1"), BodySource.ofBytes(BODY), WAIT));
        assertThat(retry.markDone()).isTrue();
        assertThat(plain.rows().delivery(held.id())).containsEntry("state", "done");
        assertThat(node.admit(arrival("conv_1"), BodySource.ofBytes(BODY), WAIT))
                .isInstanceOf(Admission.AlreadyDone.class);
        clock.advance(Duration.ofHours(3));
        assertThat(store.prune()).isEqualTo(1);
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
        WriteAheadLedger node = node(db, new MutableClock(), "node-a");

        for (String conversation : List.of("conv_abc", "conv_ABC", "conv_\u00e0bc", "conv_abc ")) {
            dispatched(node.admit(arrival(conversation), BodySource.ofBytes(BODY), WAIT)).markDone();
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
