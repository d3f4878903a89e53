package dev.postcall.testkit;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * Real storage failures for postcall's own durable stores, as {@link DeliveryStoreContract.Faults}: a directory whose
 * folders stop being writable (what a full disk or a read-only mount does, reproduced in a way that holds when the
 * tests run as root), and a database that goes away. Useful to a store that wraps one of them.
 *
 * <pre>{@code
 * StorageFaults.Database database = StorageFaults.database(pool);
 * JdbcDeliveryStore store = JdbcDeliveryStore.open(database.dataSource(), options);
 * database.fail(DeliveryStoreContract.Step.ADMIT);   // every new connection is refused now
 * }</pre>
 */
public final class StorageFaults {

    private StorageFaults() {
    }

    /** The faults of the directory store whose {@code inbox-dir} is {@code root}. */
    public static Directory directory(Path root) {
        return new Directory(root);
    }

    /** A database that goes away: hand {@link Database#dataSource()} to the store instead of {@code target}. */
    public static Database database(DataSource target) {
        return new Database(target);
    }

    /**
     * A directory store's storage failing: {@code ADMIT} replaces {@code tmp/} by a file (no entry can be written),
     * {@code FAILED} replaces {@code failed/} by a file (no entry can be moved there), {@code HANDLED} puts a
     * non-empty folder where each entry being handled is renamed to when it is removed ({@code tmp/<id>.removed}),
     * so none can leave {@code incoming/}. {@link #repair()} undoes them all.
     */
    public static final class Directory implements DeliveryStoreContract.Faults {
        private final Path root;
        private final List<Runnable> repairs = new ArrayList<>();

        private Directory(Path root) {
            this.root = root;
        }

        @Override
        public synchronized void fail(DeliveryStoreContract.Step step) throws IOException {
            switch (step) {
                case ADMIT -> replaceByFile(root.resolve("tmp"));
                case FAILED -> replaceByFile(root.resolve("failed"));
                case HANDLED -> {
                    try (Stream<Path> entries = Files.list(root.resolve("incoming"))) {
                        for (Path entry : entries.toList()) {
                            Path junk = Files.createDirectories(root.resolve("tmp")
                                    .resolve(entry.getFileName() + ".removed"));
                            Files.writeString(junk.resolve("file"), "x");
                            repairs.add(() -> delete(junk.resolve("file"), junk));
                        }
                    }
                }
            }
        }

        private void replaceByFile(Path folder) throws IOException {
            Path aside = folder.resolveSibling(folder.getFileName() + ".aside");
            Files.move(folder, aside);
            Files.writeString(folder, "not a directory");
            repairs.add(() -> {
                delete(folder);
                try {
                    Files.move(aside, folder);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }

        private static void delete(Path... paths) {
            try {
                for (Path path : paths) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public synchronized void repair() {
            repairs.forEach(Runnable::run);
            repairs.clear();
        }
    }

    /** A database that refuses every new connection (SQLState 08001) while failed, whatever the step. */
    public static final class Database implements DeliveryStoreContract.Faults {
        private final AtomicBoolean down = new AtomicBoolean();
        private final DataSource dataSource;

        private Database(DataSource target) {
            this.dataSource = new Switchable(target, down);
        }

        /** The DataSource to hand the store: the target's connections, until {@link #fail}. */
        public DataSource dataSource() {
            return dataSource;
        }

        @Override
        public void fail(DeliveryStoreContract.Step step) {
            down.set(true);
        }

        @Override
        public void repair() {
            down.set(false);
        }
    }

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
