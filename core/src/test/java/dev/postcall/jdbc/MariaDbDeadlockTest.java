package dev.postcall.jdbc;

import static dev.postcall.jdbc.DeliveryTableTest.BODY;
import static dev.postcall.jdbc.DeliveryTableTest.WAIT;
import static dev.postcall.jdbc.DeliveryTableTest.arrival;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postcall.BodySource;
import dev.postcall.testsupport.MariaDbServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Real InnoDB deadlocks between racing inserts of one key, on a real MariaDB: while one transaction holds a new key
 * uncommitted, every other insert of it waits for a shared lock on it; when the holder rolls back (its node died, or
 * its commit failed), the waiters all hold that shared lock and each needs an exclusive one, and InnoDB breaks the
 * deadlock by rolling back all but one. The store runs a transaction rolled back that way again, so no request fails
 * on it (the servlet would answer 503), and the key is still dispatched once.
 */
class MariaDbDeadlockTest {

    private static final int KEYS = 10;
    private static final int REQUESTS = 8;

    @Test
    void insertsOfOneKeyThatDeadlockWhenItsHolderRollsBackAreRunAgainAndTheKeyIsDispatchedOnce() throws Exception {
        Database.Fixture db = Database.MARIADB.fresh();
        MutableClock clock = new MutableClock();
        List<WriteAheadLedger> nodes = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
            nodes.add(DeliveryTableTest.node(db, clock, "node-" + n));
        }
        long deadlocksBefore = MariaDbServer.deadlocks(db.dataSource());
        ExecutorService pool = Executors.newFixedThreadPool(REQUESTS);
        List<Integer> dispatches = new ArrayList<>();
        List<Integer> duplicates = new ArrayList<>();
        try {
            for (int key = 0; key < KEYS; key++) {
                String conversation = "conv_deadlock_" + key;
                AtomicInteger dispatched = new AtomicInteger();
                AtomicInteger done = new AtomicInteger();
                List<Future<?>> requests = new ArrayList<>();
                try (Connection holder = db.dataSource().getConnection()) {
                    holder.setAutoCommit(false);
                    holdKey(holder, db, conversation);
                    for (int i = 0; i < REQUESTS; i++) {
                        WriteAheadLedger node = nodes.get(i % nodes.size());
                        requests.add(pool.submit(() -> {
                            Admission admission = node.admit(arrival(conversation), BodySource.ofBytes(BODY), WAIT);
                            if (admission instanceof Admission.Dispatch dispatch) {
                                dispatched.incrementAndGet();
                                assertThat(dispatch.delivery().markDone()).isTrue();
                            } else if (admission instanceof Admission.AlreadyDone) {
                                done.incrementAndGet();
                            }
                            return null;
                        }));
                    }
                    awaitLockWaits(db, REQUESTS);
                    holder.rollback();
                }
                for (Future<?> request : requests) {
                    request.get(60, TimeUnit.SECONDS); // a SQLException here is what the servlet answers 503
                }
                dispatches.add(dispatched.get());
                duplicates.add(done.get());
            }
        } finally {
            pool.shutdownNow();
        }
        long deadlocks = MariaDbServer.deadlocks(db.dataSource()) - deadlocksBefore;
        System.out.printf("MariaDB deadlocks between racing inserts of %d keys, %d requests each: %d%n", KEYS,
                REQUESTS, deadlocks);

        assertThat(deadlocks).as("deadlocks InnoDB broke").isPositive();
        assertThat(dispatches).as("dispatches per key").containsOnly(1).hasSize(KEYS);
        assertThat(duplicates).as("duplicates per key").containsOnly(REQUESTS - 1);
        assertThat(db.rows().deliveries()).hasSize(KEYS)
                .allSatisfy(row -> assertThat(row).containsEntry("state", "done"));
    }

    /** Inserts a row of the key as the store would, and keeps it uncommitted. */
    private static void holdKey(Connection holder, Database.Fixture db, String conversation) throws Exception {
        String insert = "INSERT INTO ${delivery} (id, event_type, conversation_id, event_timestamp, state, attempts,"
                + " received_at, updated_at, signature_timestamp) VALUES (?, ?, ?, ?, 'received', 1, 0, 0, 0)";
        try (PreparedStatement s = holder.prepareStatement(Tables.withPrefix(db.prefix()).substitute(insert))) {
            s.setLong(1, conversation.hashCode() & 0xffffffL);
            s.setString(2, arrival(conversation).type());
            s.setString(3, conversation);
            s.setLong(4, arrival(conversation).eventTimestamp());
            s.executeUpdate();
        }
    }

    /** Until {@code n} transactions wait for a lock: every request is in InnoDB, queued behind the holder. */
    private static void awaitLockWaits(Database.Fixture db, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (MariaDbServer.lockWaits(db.dataSource()) < n) {
            assertThat(System.nanoTime()).as("%d requests waiting for the key's lock", n).isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
