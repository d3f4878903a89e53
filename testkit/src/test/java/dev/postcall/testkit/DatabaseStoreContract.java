package dev.postcall.testkit;

import dev.postcall.jdbc.JdbcDeliveryStore;
import dev.postcall.spi.DeliveryStore;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The database store on one database: each test on tables of its own, the node named (as {@code inbox-node-id} does)
 * so that a restart recovers its own interrupted deliveries at once. Its storage fails as a database that went away
 * does: every new connection is refused (SQLState 08001) until repaired.
 */
abstract class DatabaseStoreContract extends DeliveryStoreContract {

    private static final AtomicInteger TABLES = new AtomicInteger();

    private final AtomicBoolean down = new AtomicBoolean();
    private String prefix;

    /** The database, pooled or not; a connection a test closes is the store's to give back. */
    protected abstract DataSource database();

    @Override
    protected DeliveryStore open() throws SQLException {
        prefix = "k" + TABLES.incrementAndGet() + "_";
        return openOn(prefix);
    }

    @Override
    protected DeliveryStore restart(DeliveryStore crashed) throws SQLException {
        JdbcDeliveryStore store = openOn(prefix);
        store.recoverInterrupted();
        return store;
    }

    private JdbcDeliveryStore openOn(String tablePrefix) throws SQLException {
        return JdbcDeliveryStore.open(new Switchable(database(), down), JdbcDeliveryStore.options()
                .tablePrefix(tablePrefix).createSchema(true).nodeId("contract-node")
                .pollInterval(Duration.ofMillis(10)).maintenanceInterval(Duration.ZERO).build());
    }

    @Override
    protected Faults faults() {
        return new Faults() {
            @Override
            public void fail(Step step) {
                down.set(true);
            }

            @Override
            public void repair() {
                down.set(false);
            }
        };
    }

    /** A DataSource that refuses connections while {@code down} is set. */
    private record Switchable(DataSource target, AtomicBoolean down) implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            if (down.get()) {
                throw new SQLException("Connection refused (the test stopped the database)", "08001");
            }
            return target.getConnection();
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override public PrintWriter getLogWriter() throws SQLException { return target.getLogWriter(); }
        @Override public void setLogWriter(PrintWriter out) throws SQLException { target.setLogWriter(out); }
        @Override public void setLoginTimeout(int seconds) throws SQLException { target.setLoginTimeout(seconds); }
        @Override public int getLoginTimeout() throws SQLException { return target.getLoginTimeout(); }
        @Override public Logger getParentLogger() throws SQLFeatureNotSupportedException { return target.getParentLogger(); }
        @Override public <T> T unwrap(Class<T> iface) throws SQLException { return target.unwrap(iface); }
        @Override public boolean isWrapperFor(Class<?> iface) throws SQLException { return target.isWrapperFor(iface); }
    }
}
