package dev.postcall.servlet;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

import dev.postcall.PostCallEvent;
import dev.postcall.jdbc.JdbcDeliveryStore;
import dev.postcall.spi.PostCallEventHandler;

/**
 * The application of the two-node test: each event it handles is one inserted row in a table of its own (no unique
 * key, so a second handling of an event is a second row), and, in the same transaction, its effect in a table keyed
 * by the event key ({@code <table>_effects}), inserted only when absent: the idempotent handler the README
 * recommends for the window a store alone cannot close (a node killed after the handler committed, before postcall
 * recorded {@code done}). It fails at random, before inserting, on a share of them.
 *
 * <p>{@linkplain #transactional Transactional}, it writes both rows through the delivery's own transaction
 * ({@link JdbcDeliveryStore.Transaction}) instead, which postcall commits with its done mark: that window closes,
 * and no event is handled twice.
 */
final class CountingHandler implements PostCallEventHandler {
    private final DataSource dataSource;
    private final String table;
    private final int failPercent;
    private final String node;
    private final boolean transactional;

    CountingHandler(DataSource dataSource, String table, int failPercent, String node) {
        this(dataSource, table, failPercent, node, false);
    }

    private CountingHandler(DataSource dataSource, String table, int failPercent, String node,
                            boolean transactional) {
        this.dataSource = dataSource;
        this.table = table;
        this.failPercent = failPercent;
        this.node = node;
        this.transactional = transactional;
    }

    /** The same application, its work in the delivery's transaction, committed by postcall with the done mark. */
    static CountingHandler transactional(DataSource dataSource, String table, int failPercent, String node) {
        return new CountingHandler(dataSource, table, failPercent, node, true);
    }

    /** Creates the table when it is not there. */
    static void createTable(DataSource dataSource, String table) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (event_key VARCHAR(300) NOT NULL,"
                    + " node VARCHAR(64) NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS " + table + "_effects (event_key VARCHAR(300) PRIMARY KEY)");
        }
    }

    static String key(PostCallEvent event) {
        return event.type() + ":" + event.conversationId() + ":" + event.eventTimestamp();
    }

    /** The effect's insert when absent: PostgreSQL's and MariaDB's own words for it. */
    private String insertEffect(Connection c) throws SQLException {
        String insert = "INSERT INTO " + table + "_effects (event_key) VALUES (?)";
        return c.getMetaData().getDatabaseProductName().equals("MariaDB")
                ? insert + " ON DUPLICATE KEY UPDATE event_key = event_key" : insert + " ON CONFLICT DO NOTHING";
    }

    @Override
    public void handle(PostCallEvent event) throws Exception {
        if (ThreadLocalRandom.current().nextInt(100) < failPercent) {
            throw new IllegalStateException("failing at random");
        }
        if (transactional) {
            Connection c = JdbcDeliveryStore.Transaction.current().orElseThrow(
                    () -> new IllegalStateException("no delivery transaction on this thread")).connection();
            insert(c, event);
            return; // committed by postcall, with the record that the delivery was handled
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                insert(c, event);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** The handled row and the effect, on {@code c}, in its transaction. */
    private void insert(Connection c, PostCallEvent event) throws SQLException {
        try (PreparedStatement handled = c.prepareStatement(
                     "INSERT INTO " + table + " (event_key, node) VALUES (?, ?)");
             PreparedStatement effect = c.prepareStatement(insertEffect(c))) {
            handled.setString(1, key(event));
            handled.setString(2, node);
            handled.executeUpdate();
            effect.setString(1, key(event));
            effect.executeUpdate();
        }
    }
}
