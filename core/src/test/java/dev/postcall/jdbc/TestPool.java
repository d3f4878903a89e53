package dev.postcall.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A minimal connection pool, as an application server's: connections are reused, a returned one is rolled back
 * when it is not in autoCommit (as HikariCP and the servers' pools do) and handed out again with the pool's
 * autoCommit default, which can be off. It counts the connections it hands out, and can be made to refuse them (the
 * database gone) with {@link #refuse(boolean)}, or to lose a commit ({@link #breakAtNextCommit()}).
 */
final class TestPool implements DataSource {

    private final DataSource physical;
    private final boolean autoCommitOff;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    final AtomicInteger handedOut = new AtomicInteger();
    /** How many statements were prepared on its connections: one per statement the store runs. */
    final AtomicInteger prepared = new AtomicInteger();
    /** How many explicit commits its connections were asked for (a statement in autoCommit needs none). */
    final AtomicInteger commits = new AtomicInteger();
    private volatile boolean refusing;
    private final java.util.concurrent.atomic.AtomicBoolean breakAtNextCommit =
            new java.util.concurrent.atomic.AtomicBoolean();

    TestPool(DataSource physical, boolean autoCommitOff) {
        this.physical = physical;
        this.autoCommitOff = autoCommitOff;
    }

    private TestPool autoCommitOffTwin;

    /** The same database, through a pool whose connections come with autoCommit off (one such twin per pool). */
    synchronized TestPool withAutoCommitOff() {
        if (autoCommitOffTwin == null) {
            autoCommitOffTwin = new TestPool(physical, true);
        }
        return autoCommitOffTwin;
    }

    /** The same database through a pool of its own: its own count, and refusing without touching this one. */
    TestPool separate() {
        return new TestPool(physical, autoCommitOff);
    }

    /** From now on, until called with {@code false}, every connection asked for is refused: the database is down. */
    void refuse(boolean refuse) {
        refusing = refuse;
    }

    /** The next {@code commit()} on a connection of this pool rolls back and throws instead: the line broke. */
    void breakAtNextCommit() {
        breakAtNextCommit.set(true);
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (refusing) {
            throw new SQLException("Connection refused (the test's database is down)", "08001");
        }
        Connection c = idle.pollFirst();
        if (c == null || c.isClosed()) {
            c = physical.getConnection();
        }
        c.setAutoCommit(!autoCommitOff);
        handedOut.incrementAndGet();
        Connection real = c;
        boolean[] closed = {false};
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "close":
                            if (!closed[0]) {
                                closed[0] = true;
                                if (!real.getAutoCommit()) {
                                    real.rollback();
                                }
                                idle.addFirst(real);
                            }
                            return null;
                        case "isClosed":
                            return closed[0];
                        case "commit":
                            commits.incrementAndGet();
                            if (breakAtNextCommit.compareAndSet(true, false)) {
                                real.rollback();
                                throw new SQLException("the test's connection broke at commit", "08006");
                            }
                            // otherwise the commit itself, as any other call
                        default:
                            if (closed[0]) {
                                throw new SQLException("connection returned to the pool");
                            }
                            if (method.getName().equals("prepareStatement")) {
                                prepared.incrementAndGet();
                            }
                            try {
                                return method.invoke(real, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                    }
                });
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override public PrintWriter getLogWriter() { return null; }
    @Override public void setLogWriter(PrintWriter out) { }
    @Override public void setLoginTimeout(int seconds) { }
    @Override public int getLoginTimeout() { return 0; }
    @Override public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }
    @Override public <T> T unwrap(Class<T> iface) throws SQLException { throw new SQLException("not a wrapper"); }
    @Override public boolean isWrapperFor(Class<?> iface) { return false; }
}
