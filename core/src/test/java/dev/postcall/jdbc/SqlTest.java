package dev.postcall.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransactionRollbackException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * How the store reads the databases' errors: duplicate keys recognised everywhere, row values never repeated, a
 * transaction the database rolled back for a deadlock run again.
 */
class SqlTest {

    @Test
    void deadlocksAndSerializationFailuresAreRunAgainButNotLockWaitTimeouts() {
        assertThat(Sql.isRolledBackToBeRunAgain(new SQLTransactionRollbackException("Deadlock found", "40001", 1213)))
                .as("MariaDB's deadlock").isTrue();
        assertThat(Sql.isRolledBackToBeRunAgain(new SQLException("deadlock", "HY000", 1213))).isTrue();
        assertThat(Sql.isRolledBackToBeRunAgain(new SQLException("could not serialize access", "40001"))).isTrue();
        assertThat(Sql.isRolledBackToBeRunAgain(new SQLException("deadlock detected", "40P01"))).isTrue();
        assertThat(Sql.isRolledBackToBeRunAgain(new SQLException("wrapped",
                new SQLException("deadlock detected", "40P01")))).isTrue();
        assertThat(Sql.isRolledBackToBeRunAgain(new SQLException("Lock wait timeout exceeded", "HY000", 1205)))
                .as("MariaDB's lock wait timeout").isFalse();
        assertThat(Sql.isRolledBackToBeRunAgain(new SQLException("Lock wait timeout exceeded", "40001", 1205)))
                .as("MySQL Connector/J's lock wait timeout").isFalse();
        assertThat(Sql.isRolledBackToBeRunAgain(new SQLException("dup", "23505"))).isFalse();
        assertThat(Sql.isRolledBackToBeRunAgain(new SQLException("gone", "08006"))).isFalse();
    }

    @Test
    void aTransactionTheDatabaseRolledBackForADeadlockIsRunAgainInANewTransaction() throws Exception {
        Connections db = new Connections(2, new SQLTransactionRollbackException("Deadlock found", "40001", 1213));

        String result = new Sql(db, Duration.ZERO).transaction("storing a delivery", c -> "stored");

        assertThat(result).isEqualTo("stored");
        assertThat(db.calls).containsExactly("commit", "rollback", "close", "commit", "rollback", "close", "commit",
                "close");
    }

    @Test
    void aDeadlockThatKeepsComingIsReportedAfterTheLastAttempt() {
        Connections db = new Connections(Integer.MAX_VALUE,
                new SQLTransactionRollbackException("Deadlock found", "40001", 1213));

        assertThatThrownBy(() -> new Sql(db, Duration.ZERO).transaction("storing a delivery", c -> "stored"))
                .isInstanceOf(SQLException.class)
                .hasMessageStartingWith("postcall delivery store: storing a delivery (" + Sql.ATTEMPTS
                        + " attempts) failed (java.sql.SQLTransactionRollbackException, SQLState 40001, vendor code"
                        + " 1213");
        assertThat(db.connections.get()).isEqualTo(Sql.ATTEMPTS);
    }

    @Test
    void otherFailuresAreReportedAtOnce() {
        Connections db = new Connections(Integer.MAX_VALUE, new SQLException("Lock wait timeout", "HY000", 1205));

        assertThatThrownBy(() -> new Sql(db, Duration.ZERO).transaction("storing a delivery", c -> "stored"))
                .hasMessageStartingWith("postcall delivery store: storing a delivery failed");
        assertThat(db.connections.get()).isEqualTo(1);
    }

    /** Connections whose first {@code failing} commits throw {@code failure}; records what the store called. */
    private static final class Connections implements DataSource {
        final List<String> calls = new ArrayList<>();
        final AtomicInteger connections = new AtomicInteger();
        private final int failing;
        private final SQLException failure;

        Connections(int failing, SQLException failure) {
            this.failing = failing;
            this.failure = failure;
        }

        @Override
        public Connection getConnection() {
            int n = connections.incrementAndGet();
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "getAutoCommit":
                                return true;
                            case "commit":
                                calls.add("commit");
                                if (n <= failing) {
                                    throw failure;
                                }
                                return null;
                            case "rollback":
                            case "close":
                                calls.add(method.getName());
                                return null;
                            default:
                                return null;
                        }
                    });
        }

        @Override public Connection getConnection(String user, String password) { return getConnection(); }
        @Override public java.io.PrintWriter getLogWriter() { return null; }
        @Override public void setLogWriter(java.io.PrintWriter out) { }
        @Override public void setLoginTimeout(int seconds) { }
        @Override public int getLoginTimeout() { return 0; }
        @Override public java.util.logging.Logger getParentLogger() { return null; }
        @Override public <T> T unwrap(Class<T> iface) { return null; }
        @Override public boolean isWrapperFor(Class<?> iface) { return false; }
    }

    @Test
    void duplicateKeysAreRecognisedByTheirSqlStateOrMysqlsVendorCodes() {
        assertThat(Dialect.isUniqueViolation(new SQLException("dup", "23505"))).isTrue();
        assertThat(Dialect.isUniqueViolation(new SQLIntegrityConstraintViolationException("dup", "23000", 1062)))
                .isTrue();
        assertThat(Dialect.isUniqueViolation(new SQLException("dup", "23000", 1586))).isTrue();
        assertThat(Dialect.isUniqueViolation(new SQLException("foreign key", "23000", 1452))).isFalse();
        assertThat(Dialect.isUniqueViolation(new SQLException("not null", "23502"))).isFalse();
        assertThat(Dialect.isUniqueViolation(new SQLException("gone", "08006"))).isFalse();
        SQLException batch = new SQLException("batch failed", "HY000");
        batch.setNextException(new SQLException("dup", "23505"));
        assertThat(Dialect.isUniqueViolation(batch)).isTrue();
        assertThat(Dialect.isUniqueViolation(new SQLException("wrapped", new SQLException("dup", "23505")))).isTrue();
    }

    @Test
    void aFailureIsToldWithoutWhatTheDatabaseQuotedFromARow() {
        SQLException quoting = new SQLException("ERROR: null value in column \"x\" violates not-null constraint\n"
                + "  Detail: Failing row contains (1, conv_1, the caller said 4242).", "23502", 0);

        SQLException clean = Sql.scrubbed("storing a delivery", quoting);

        assertThat(clean.getMessage()).isEqualTo("postcall delivery store: storing a delivery failed"
                + " (java.sql.SQLException, SQLState 23502, vendor code 0)");
        assertThat(clean.getSQLState()).isEqualTo("23502");
        assertThat((Object) clean.getCause()).isNull();
        assertThat(clean.getStackTrace()).isEqualTo(quoting.getStackTrace());
        assertThat((Object) Sql.scrubbed("again", clean)).isSameAs(clean);
        assertThat(Sql.scrubbed("x", new SQLException("Incorrect string value: '\\xF0\\x9F' for column", "HY000",
                1366)).getMessage()).doesNotContain("xF0");
    }

    @Test
    void messagesOfConnectionAndSchemaErrorsAreKeptForTheOperator() {
        assertThat(Sql.scrubbed("x", new SQLException("Connection to localhost:5432 refused.", "08001"))
                .getMessage()).endsWith("SQLState 08001, vendor code 0: Connection to localhost:5432 refused.)");
        assertThat(Sql.scrubbed("x", new SQLException("relation \"postcall_delivery\" does not exist", "42P01"))
                .getMessage()).contains("does not exist");
    }

    @Test
    void valuesTheColumnsCannotHoldExactlyAreMadeStorable() {
        assertThat(DeliveryTable.isStorable("conv_1", 255)).isTrue();
        assertThat(DeliveryTable.isStorable("conv_\uD83D\uDE00", 255)).isTrue();
        assertThat(DeliveryTable.isStorable("conv_\uD83D", 255)).isFalse();
        assertThat(DeliveryTable.isStorable("conv\u0000", 255)).isFalse();
        assertThat(DeliveryTable.isStorable("conv_1 ", 255)).isFalse();
        assertThat(DeliveryTable.isStorable("x".repeat(256), 255)).isFalse();
        assertThat(DeliveryTable.storable("a\u0000b\uDC00c", 255)).isEqualTo("a?b?c");
        assertThat(DeliveryTable.storable("ab\uD83D\uDE00", 3)).isEqualTo("ab");
        assertThat(DeliveryTable.storable("x".repeat(300), 255)).hasSize(255);
    }
}
