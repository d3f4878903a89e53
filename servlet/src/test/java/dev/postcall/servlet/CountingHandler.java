package dev.postcall.servlet;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

import dev.postcall.PostCallEvent;
import dev.postcall.spi.PostCallEventHandler;

/**
 * The application of the two-node test: each event it handles is one inserted row in a table of its own (no unique
 * key, so a second handling of an event is a second row); it fails at random, before inserting, on a share of them.
 */
final class CountingHandler implements PostCallEventHandler {
    private final DataSource dataSource;
    private final String table;
    private final int failPercent;
    private final String node;

    CountingHandler(DataSource dataSource, String table, int failPercent, String node) {
        this.dataSource = dataSource;
        this.table = table;
        this.failPercent = failPercent;
        this.node = node;
    }

    /** Creates the table when it is not there. */
    static void createTable(DataSource dataSource, String table) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (event_key VARCHAR(300) NOT NULL,"
                    + " node VARCHAR(64) NOT NULL)");
        }
    }

    static String key(PostCallEvent event) {
        return event.type() + ":" + event.conversationId() + ":" + event.eventTimestamp();
    }

    @Override
    public void handle(PostCallEvent event) throws Exception {
        if (ThreadLocalRandom.current().nextInt(100) < failPercent) {
            throw new IllegalStateException("failing at random");
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO " + table + " (event_key, node) VALUES (?, ?)")) {
            s.setString(1, key(event));
            s.setString(2, node);
            s.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }
}
