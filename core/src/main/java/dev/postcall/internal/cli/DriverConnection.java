package dev.postcall.internal.cli;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The CLI's database: one connection, opened through whichever JDBC driver on the classpath accepts the URL, handed
 * to the store as a {@link DataSource} whose connections' {@code close()} keeps it open, so the store's many short
 * transactions do not each log in again. Closed by {@link #close()}.
 */
final class DriverConnection implements DataSource, AutoCloseable {

    private final Connection connection;
    private final ReentrantLock inUse = new ReentrantLock();

    private DriverConnection(Connection connection) {
        this.connection = connection;
    }

    /**
     * Connects to {@code url} as {@code user} with {@code password} (either may be null: the driver's default).
     *
     * @throws NoDriverException when no driver on the classpath accepts the URL
     * @throws SQLException      when the driver cannot connect; its message may name the user, never the password
     */
    static DriverConnection open(String url, String user, String password) throws SQLException {
        Driver driver;
        try {
            driver = DriverManager.getDriver(url);
        } catch (SQLException e) {
            throw new NoDriverException();
        }
        Properties properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        Connection connection = driver.connect(url, properties);
        if (connection == null) {
            throw new NoDriverException();
        }
        return new DriverConnection(connection);
    }

    /**
     * The connection, for one thread at a time until it closes what it was handed: the store's background thread
     * (its claims' heartbeats) must not send a statement into the middle of the replay's transaction.
     */
    @Override
    public Connection getConnection() {
        inUse.lock();
        AtomicBoolean closed = new AtomicBoolean();
        // the store closes each connection it took; this one stays open for the next transaction
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        if (closed.compareAndSet(false, true)) {
                            inUse.unlock();
                        }
                        return null;
                    }
                    if (closed.get()) {
                        throw new SQLException("connection closed");
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the CLI's credentials come from the environment");
    }

    @Override
    public void close() throws SQLException {
        connection.close();
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

    /** No JDBC driver on the classpath accepts the URL. */
    static final class NoDriverException extends SQLException {
        private static final long serialVersionUID = 1L;

        NoDriverException() {
            super("no JDBC driver on the classpath accepts the URL", "08001");
        }
    }
}
