package dev.postcall.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Short transactions on connections of the application's DataSource, each its own: autoCommit is switched off for
 * the work and restored afterwards, so the store behaves the same whether the pool hands out connections with
 * autoCommit on or off, and a write is committed before the method that made it returns.
 */
final class Sql {

    /**
     * SQLState classes whose driver messages carry no row values (connection, authorisation, catalog, syntax,
     * rollback, resources, operator intervention, system): their message is kept. Data and integrity errors (22,
     * 23) can quote a value (PostgreSQL's "Failing row contains (...)"), so of those only the state is kept.
     */
    private static final Set<String> MESSAGE_SAFE_CLASSES = Set.of("08", "28", "3D", "3F", "40", "42", "53", "57", "58");

    /** Work inside one transaction. */
    @FunctionalInterface
    interface Work<T> {
        T in(Connection connection) throws SQLException;
    }

    private final DataSource dataSource;
    private final int timeoutSeconds;

    Sql(DataSource dataSource, Duration statementTimeout) {
        this.dataSource = dataSource;
        this.timeoutSeconds = (int) Math.min(Integer.MAX_VALUE, (statementTimeout.toMillis() + 999) / 1000);
    }

    /**
     * Runs {@code work} in a transaction of its own and commits it; rolls back on any failure.
     *
     * @param what what the work does, for the message of a failure ("storing a delivery")
     * @throws SQLException with a message that names {@code what} and the SQLState but never a stored value
     */
    <T> T transaction(String what, Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            if (autoCommit) {
                connection.setAutoCommit(false);
            }
            try {
                T result = work.in(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                try {
                    connection.rollback();
                } catch (SQLException suppressed) {
                    // the connection is broken; the pool will find out, and the first failure is the one to report
                }
                throw e;
            } finally {
                if (autoCommit) {
                    try {
                        connection.setAutoCommit(true);
                    } catch (SQLException e) {
                        // as above
                    }
                }
            }
        } catch (SQLException e) {
            throw scrubbed(what, e);
        }
    }

    /** A statement with the store's timeout. */
    PreparedStatement prepare(Connection connection, String sql) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        if (timeoutSeconds > 0) {
            statement.setQueryTimeout(timeoutSeconds);
        }
        return statement;
    }

    /**
     * The same failure, told without anything the database might have quoted from a row: the SQLState and vendor
     * code survive (so a unique violation is still recognised), the stack trace too, the driver's message only for
     * the classes known to quote no values.
     */
    static SQLException scrubbed(String what, SQLException e) {
        if (e.getMessage() != null && e.getMessage().startsWith("postcall delivery store: ")) {
            return e;
        }
        String state = e.getSQLState();
        boolean safe = state != null && state.length() >= 2 && MESSAGE_SAFE_CLASSES.contains(state.substring(0, 2));
        SQLException clean = new SQLException("postcall delivery store: " + what + " failed (" + e.getClass().getName()
                + ", SQLState " + state + ", vendor code " + e.getErrorCode()
                + (safe && e.getMessage() != null ? ": " + e.getMessage() : "") + ")", state, e.getErrorCode());
        clean.setStackTrace(e.getStackTrace());
        return clean;
    }
}
