package dev.postcall.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postcall.jdbc.JdbcDeliveryStore;
import dev.postcall.spi.DeliveryStore;
import dev.postcall.spi.DeliveryStore.Admission;
import dev.postcall.testsupport.MariaDbServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The database store on a real MariaDB (the machine's {@code mariadb-server}, started by test-support's
 * {@link MariaDbServer}; skipped loudly where it is missing), and what only a real InnoDB does: deadlocks between
 * racing inserts of one key, which the store runs again instead of failing the request.
 */
class MariaDbStoreContractTest extends DatabaseStoreContract {

    private static final int KEYS = 10;
    private static final int REQUESTS = 8;
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static DataSource database;

    @Override
    protected DataSource database() {
        return shared();
    }

    /** One database on the JVM's MariaDB; each test has tables of its own in it. */
    private static synchronized DataSource shared() {
        if (database == null) {
            database = MariaDbServer.instance().createDatabase().dataSource();
        }
        return database;
    }

    /**
     * While another node holds a new key uncommitted, every insert of it on the other nodes waits for a shared lock
     * on it; when the holder rolls back (its node died, and the server rolled back its transaction), the waiters all
     * hold that shared lock and each needs an exclusive one, and InnoDB breaks the deadlock by rolling back all but
     * one. The store runs those again: no admission fails (the servlet would answer 503), and the key is dispatched
     * once.
     */
    @Test
    void insertsOfOneKeyThatDeadlockWhenAnotherNodesInsertRollsBackAreRunAgainAndTheKeyIsDispatchedOnce()
            throws Exception {
        String prefix = "deadlock" + TABLES.incrementAndGet() + "_";
        List<DeliveryStore> nodes = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
            nodes.add(track(JdbcDeliveryStore.open(shared(), JdbcDeliveryStore.options().tablePrefix(prefix)
                    .createSchema(true).nodeId("node-" + n).pollInterval(Duration.ofMillis(10))
                    .maintenanceInterval(Duration.ZERO).build())));
        }
        long deadlocksBefore = MariaDbServer.deadlocks(shared());
        ExecutorService pool = Executors.newFixedThreadPool(REQUESTS);
        List<Integer> dispatches = new ArrayList<>();
        List<Integer> duplicates = new ArrayList<>();
        try {
            for (int key = 0; key < KEYS; key++) {
                String conversation = conversation("deadlock_" + key);
                AtomicInteger dispatched = new AtomicInteger();
                AtomicInteger duplicate = new AtomicInteger();
                List<Future<?>> requests = new ArrayList<>();
                try (Connection holder = shared().getConnection()) {
                    holder.setAutoCommit(false);
                    holdKey(holder, prefix + "delivery", key, conversation);
                    for (int i = 0; i < REQUESTS; i++) {
                        DeliveryStore node = nodes.get(i % nodes.size());
                        requests.add(pool.submit(() -> {
                            Admission admission = node.admit(delivery(conversation), LONG);
                            if (admission instanceof DeliveryStore.Dispatch dispatch) {
                                dispatched.incrementAndGet();
                                dispatch.claim().handled();
                            } else if (admission instanceof DeliveryStore.Duplicate) {
                                duplicate.incrementAndGet();
                            }
                            return null;
                        }));
                    }
                    awaitLockWaits(REQUESTS);
                    holder.rollback();
                }
                for (Future<?> request : requests) {
                    request.get(60, TimeUnit.SECONDS); // a StoreException here is what the servlet answers 503
                }
                dispatches.add(dispatched.get());
                duplicates.add(duplicate.get());
            }
        } finally {
            pool.shutdownNow();
        }
        long deadlocks = MariaDbServer.deadlocks(shared()) - deadlocksBefore;
        System.out.printf("MariaDB deadlocks between racing inserts of %d keys, %d requests each: %d%n", KEYS,
                REQUESTS, deadlocks);

        assertThat(deadlocks).as("deadlocks InnoDB broke").isPositive();
        assertThat(dispatches).as("dispatches per key").containsOnly(1).hasSize(KEYS);
        assertThat(duplicates).as("duplicates per key").containsOnly(REQUESTS - 1);
        try (Connection c = shared().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + prefix + "delivery WHERE state = 'done'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("done rows").isEqualTo(KEYS);
        }
    }

    /** Inserts a row of the key as another node's store would, and keeps it uncommitted. */
    private static void holdKey(Connection holder, String table, int id, String conversation) throws Exception {
        DeliveryStore.Delivery delivery = delivery(conversation);
        try (PreparedStatement s = holder.prepareStatement("INSERT INTO " + table + " (id, event_type,"
                + " conversation_id, event_timestamp, state, attempts, received_at, updated_at, signature_timestamp)"
                + " VALUES (?, ?, ?, ?, 'received', 1, 0, 0, 0)")) {
            s.setLong(1, id + 1);
            s.setString(2, delivery.type());
            s.setString(3, conversation);
            s.setLong(4, delivery.key().eventTimestamp()); // what the store keeps in the key's column
            s.executeUpdate();
        }
    }

    /** Until {@code n} statements wait for a row lock: every request is in InnoDB, queued behind the holder. */
    private static void awaitLockWaits(int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (MariaDbServer.lockWaits(shared()) < n) {
            assertThat(System.nanoTime()).as("%d requests waiting for the key's lock", n).isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
