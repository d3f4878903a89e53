package dev.postcall.servlet;

import static dev.postcall.servlet.DeliveryGuaranteesTest.transcription;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.postcall.testsupport.MariaDbServer;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link DatabaseInboxTest} on a real MariaDB (the machine's {@code mariadb-server}, started by test-support's
 * {@code MariaDbServer}; skipped loudly where it is missing), and what only a real InnoDB does: deadlocks between
 * racing inserts of one key, which the store runs again instead of answering 503.
 */
@OnDatabases(TestDatabase.MARIADB)
class MariaDbDatabaseInboxTest extends DatabaseInboxTest {

    private static final int REQUESTS = 6;

    /**
     * Another node inserts a key and holds it uncommitted while this node's requests of the same key queue behind it
     * in InnoDB; then its transaction rolls back (the node died: the server rolls back a dead client's transaction).
     * The queued inserts deadlock, InnoDB rolls back all but one, and the store runs those again: every request is
     * answered 200, none 503, and the delivery is dispatched once.
     */
    @Test
    void requestsWhoseInsertsDeadlockWhenAnotherNodesInsertRollsBackAreAnswered200AndDispatchedOnce()
            throws Exception {
        try (TestDatabase.Fixture db = TestDatabase.MARIADB.fresh(); TestServer server = db.server().start();
             HikariDataSource otherNode = TestDatabase.pool(db.url(), 2)) {
            long deadlocksBefore = MariaDbServer.deadlocks(otherNode);
            ExecutorService clients = Executors.newFixedThreadPool(REQUESTS);
            try {
                for (int key = 0; key < 5; key++) {
                    String conversation = "conv_deadlock_" + key;
                    List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                    try (Connection holder = otherNode.getConnection()) {
                        holder.setAutoCommit(false);
                        try (PreparedStatement insert = holder.prepareStatement("INSERT INTO " + db.deliveries()
                                + " (id, event_type, conversation_id, event_timestamp, state, attempts, received_at,"
                                + " updated_at, signature_timestamp) VALUES (?, 'post_call_transcription', ?,"
                                + " 0, 'received', 1, 0, 0, 0)")) { // a transcription's key has no timestamp
                            insert.setLong(1, key + 1);
                            insert.setString(2, conversation);
                            insert.executeUpdate();
                        }
                        for (int i = 0; i < REQUESTS; i++) {
                            answers.add(clients.submit(() -> server.postSigned(transcription(conversation))));
                        }
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                        while (MariaDbServer.lockWaits(otherNode) < REQUESTS) {
                            assertThat(System.nanoTime()).as("requests queued behind the other node's insert")
                                    .isLessThan(deadline);
                            Thread.sleep(5);
                        }
                        holder.rollback();
                    }
                    for (Future<HttpResponse<String>> answer : answers) {
                        HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
                        assertThat(response.statusCode()).as("%s: %s", conversation, response.body()).isEqualTo(200);
                    }
                    assertThat(server.handler.events()).as(conversation).hasSize(key + 1);
                }
            } finally {
                clients.shutdownNow();
            }
            assertThat(MariaDbServer.deadlocks(otherNode) - deadlocksBefore).as("deadlocks InnoDB broke").isPositive();
            assertThat(db.rows("done")).isEqualTo(5);
            assertThat(server.webhook().health().isUp()).isTrue();
        }
    }
}
