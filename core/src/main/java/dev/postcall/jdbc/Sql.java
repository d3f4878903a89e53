package dev.postcall.jdbc;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * Short transactions on connections of the application's DataSource, each its own: autoCommit is switched off for
 * the work and restored afterwards, so the store behaves the same whether the pool hands out connections with
 * autoCommit on or off, and a write is committed before the method that made it returns.
 *
 * <p>A transaction the database rolled back to break a deadlock, or to keep transactions serializable, is run again
 * (at most {@value #ATTEMPTS} times in all, after a short random pause that grows), rather than reported: on MariaDB
 * two requests inserting one key deadlock when a third that held it rolls back, and PostgreSQL under a SERIALIZABLE
 * pool fails whichever loses. Every {@link Work} of the store can run again: it only runs statements on the
 * connection it is given, and reads again what it writes (a body's stream is opened anew).
 */
final class Sql {

    private static final System.Logger LOG = System.getLogger("dev.postcall.jdbc");

    /** How many times a transaction runs at most when the database keeps rolling it back to break deadlocks. */
    static final int ATTEMPTS = 5;

    /** MySQL's and MariaDB's deadlock (ER_LOCK_DEADLOCK), with SQLState 40001 from their own drivers. */
    private static final int MYSQL_DEADLOCK = 1213;

    /**
     * MySQL's and MariaDB's lock wait timeout (ER_LOCK_WAIT_TIMEOUT), which MySQL's driver reports as 40001 too. Not
     * run again: it has waited {@code innodb_lock_wait_timeout} (50 s) already, longer than a sender waits for its
     * answer, and would wait as long again; the sender's own retry comes later.
     */
    private static final int MYSQL_LOCK_WAIT_TIMEOUT = 1205;

    /**
     * SQLState classes whose driver messages carry no row values (connection, authorisation, catalog, syntax,
     * rollback, resources, operator intervention, system): their message is kept. Data and integrity errors (22,
     * 23) can quote a value (PostgreSQL's "Failing row contains (...)"), so of those only the state is kept.
     */
    private static final Set<String> MESSAGE_SAFE_CLASSES = Set.of("08", "28", "3D", "3F", "40", "42", "53", "57", "58");

    /**
     * Work inside one transaction. It may run more than once (see the class comment): only statements on the
     * connection, nothing kept from a run that was rolled back.
     */
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

    /** The application's DataSource. */
    DataSource dataSource() {
        return dataSource;
    }

    /**
     * Runs {@code work} in a transaction of its own and commits it; rolls back on any failure, and runs it again in a
     * new transaction when the database rolled it back to break a deadlock or a serialization conflict.
     *
     * @param what what the work does, for the message of a failure ("storing a delivery")
     * @throws SQLException with a message that names {@code what} and the SQLState but never a stored value
     */
    <T> T transaction(String what, Work<T> work) throws SQLException {
        return run(what, work, false);
    }

    /**
     * Runs {@code work}, one statement, as a transaction of its own: on a connection in autoCommit (a pool's
     * default) the statement commits itself, one round trip instead of three (begin, statement, commit); on one
     * handed out with autoCommit off it is committed as {@link #transaction} does. Run again like a transaction.
     *
     * @param what what the statement does, for the message of a failure
     * @throws SQLException with a message that names {@code what} and the SQLState but never a stored value
     */
    <T> T statement(String what, Work<T> work) throws SQLException {
        return run(what, work, true);
    }

    private <T> T run(String what, Work<T> work, boolean oneStatement) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return once(work, oneStatement);
            } catch (SQLException e) {
                if (attempt == ATTEMPTS || !isRolledBackToBeRunAgain(e)) {
                    throw scrubbed(attempt == 1 ? what : what + " (" + attempt + " attempts)", e);
                }
                LOG.log(Level.DEBUG, "postcall delivery store: {0}: the database rolled it back (SQLState {1}, vendor"
                        + " code {2}), attempt {3} of {4}", what, e.getSQLState(), e.getErrorCode(), attempt, ATTEMPTS);
                try {
                    // apart at random, so that the transactions that deadlocked do not meet again in step
                    Thread.sleep(ThreadLocalRandom.current().nextLong(1, 1 + (5L << attempt)));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw scrubbed(what, e);
                }
            }
        }
    }

    private <T> T once(Work<T> work, boolean oneStatement) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            if (autoCommit && oneStatement) {
                return work.in(connection);
            }
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
        }
    }

    /**
     * Whether the database rolled the transaction back so that it can be run again: a serialization failure (SQLState
     * 40001: PostgreSQL's, H2's and MariaDB's deadlock among them) or PostgreSQL's deadlock (40P01); MySQL's and
     * MariaDB's deadlock by its vendor code (1213) whatever the state. Not their lock wait timeout (1205, which MySQL's
     * driver also reports as 40001). Causes and chained exceptions count too, for drivers and pools that wrap.
     */
    static boolean isRolledBackToBeRunAgain(SQLException e) {
        return Dialect.anyInChain(e, s -> s.getErrorCode() == MYSQL_DEADLOCK
                || (("40001".equals(s.getSQLState()) || "40P01".equals(s.getSQLState()))
                        && s.getErrorCode() != MYSQL_LOCK_WAIT_TIMEOUT));
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
