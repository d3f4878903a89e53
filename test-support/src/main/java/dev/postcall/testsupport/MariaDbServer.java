package dev.postcall.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbDataSource;
import org.opentest4j.TestAbortedException;

/**
 * One real MariaDB server per test JVM, from the machine's own binaries (Debian: {@code sudo apt-get install
 * mariadb-server}), started on first use and stopped when the JVM exits. Its data directory, socket and logs live in a
 * temp folder of its own, it listens on a free port of 127.0.0.1 only, and it runs as the current user (as root too).
 * A test asks for a database of its own:
 *
 * <pre>{@code
 * MariaDbServer.Database db = MariaDbServer.instance().createDatabase(); // empty, utf8mb4_general_ci by default
 * DataSource dataSource = db.dataSource();   // unpooled; wrap it in the pool the test needs
 * String url = db.jdbcUrl();                 // with user and password, for a forked JVM
 * }</pre>
 *
 * <p>When the binaries are missing, {@link #instance()} aborts the calling test (JUnit reports it skipped, and test
 * support's {@link SkipReporter} prints why) after a banner naming the install command; with
 * {@code -Dpostcall.requireMariaDb=true}, which {@code .ci/run} sets, it fails the test instead. A server that is
 * there but does not start fails the test. {@code -Dpostcall.mariadb.bin=DIR} takes the binaries from DIR only (for
 * binaries outside the usual places, or none: {@code -Dpostcall.mariadb.bin=/none} shows the skip). A module that
 * calls it declares {@code org.mariadb.jdbc:mariadb-java-client} itself; this module only compiles against it.
 *
 * <p>A kill -9 of the test JVM leaves nothing behind: the server runs under a small shell that waits for the JVM's end
 * on a pipe (closed by the kernel when the JVM dies, however it dies), then stops the server and deletes the folder.
 */
public final class MariaDbServer {

    /** The system property that turns a missing MariaDB from a skip into a failure. */
    public static final String REQUIRED = "postcall.requireMariaDb";

    private static final String INSTALL = "sudo apt-get install mariadb-server";
    private static final String USER = "postcall";
    private static final String PASSWORD = "postcall";
    private static final long START_TIMEOUT_MILLIS = 120_000;

    /**
     * Stops the server and deletes its folder once the JVM has gone: {@code cat} returns when this pipe closes, at the
     * JVM's exit or when the kernel closes it after a kill -9.
     */
    private static final String WATCHDOG = "\"$@\" &\nserver=$!\ncat >/dev/null\nkill \"$server\" 2>/dev/null\n"
            + "wait \"$server\"\nrm -rf \"$POSTCALL_MARIADB_DIR\"\n";

    private static MariaDbServer started;
    private static String missing;
    private static String broken;

    private final Path dir;
    private final int port;
    private final Process watchdog;
    private final String version;
    private final AtomicInteger databases = new AtomicInteger();

    private MariaDbServer(Path dir, int port, Process watchdog, String version) {
        this.dir = dir;
        this.port = port;
        this.watchdog = watchdog;
        this.version = version;
    }

    /**
     * The JVM's server, started on the first call.
     *
     * @throws TestAbortedException when the binaries are missing (the test is reported skipped)
     * @throws AssertionError       when they are missing and {@code -Dpostcall.requireMariaDb=true}
     * @throws IllegalStateException when they are there but the server did not start (its log's tail says why)
     */
    public static synchronized MariaDbServer instance() {
        if (started != null) {
            return started;
        }
        if (broken != null) {
            throw new IllegalStateException(broken);
        }
        if (missing == null) {
            Path mariadbd = find("mariadbd");
            Path installDb = find("mariadb-install-db");
            if (mariadbd == null || installDb == null) {
                missing = (mariadbd == null ? "mariadbd" : "mariadb-install-db") + " not found (looked in "
                        + String.join(", ", searchPath()) + ")";
                if (!Boolean.getBoolean(REQUIRED)) {
                    banner(missing);
                }
            } else {
                try {
                    started = start(mariadbd, installDb);
                    return started;
                } catch (IOException | SQLException | RuntimeException e) {
                    broken = "MariaDB did not start: " + e.getMessage();
                    throw new IllegalStateException(broken, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while MariaDB was starting", e);
                }
            }
        }
        if (Boolean.getBoolean(REQUIRED)) {
            throw new AssertionError("MariaDB is required (-D" + REQUIRED + "=true) but " + missing
                    + "; install it with: " + INSTALL);
        }
        throw new TestAbortedException("MariaDB tests skipped: " + missing + "; install it with: " + INSTALL);
    }

    /**
     * A new, empty database on the server, with the server's default character set (utf8mb4) and collation
     * ({@code utf8mb4_general_ci}, Debian's default: case- and accent-insensitive, trailing spaces ignored).
     */
    public Database createDatabase() {
        String name = "postcall_" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("", "root", "")); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("creating database " + name + " on MariaDB failed: " + e.getMessage(), e);
        }
        return new Database(name, url(name, USER, PASSWORD));
    }

    /** The server's {@code VERSION()}, such as {@code 10.11.18-MariaDB-0+deb12u1}. */
    public String version() {
        return version;
    }

    /** The TCP port it listens on, on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** How many deadlocks InnoDB has broken since the server started ({@code Innodb_deadlocks}). */
    public static long deadlocks(DataSource dataSource) throws SQLException {
        return queryLong(dataSource, "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
                + " WHERE VARIABLE_NAME = 'INNODB_DEADLOCKS'");
    }

    /**
     * How many statements wait for a row lock right now ({@code Innodb_row_lock_current_waits}; not
     * {@code INNODB_TRX}, whose cache is only refreshed after 100 ms without a reader, so it never changes under a
     * faster poll).
     */
    public static long lockWaits(DataSource dataSource) throws SQLException {
        return queryLong(dataSource, "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
                + " WHERE VARIABLE_NAME = 'INNODB_ROW_LOCK_CURRENT_WAITS'");
    }

    private static long queryLong(DataSource dataSource, String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String url(String database, String user, String password) {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + database + "?user=" + user
                + (password.isEmpty() ? "" : "&password=" + password);
    }

    /**
     * A database of the test server.
     *
     * @param name    its name
     * @param jdbcUrl a JDBC URL with user and password in it (the server listens on 127.0.0.1 only)
     */
    public record Database(String name, String jdbcUrl) {

        /** A new DataSource over this database, without a pool: every {@code getConnection()} is a new one. */
        public DataSource dataSource() {
            try {
                return new MariaDbDataSource(jdbcUrl);
            } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
    }

    // ---- start and stop ----

    private static MariaDbServer start(Path mariadbd, Path installDb)
            throws IOException, InterruptedException, SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(mariadbd, installDb);
            } catch (PortTaken e) {
                if (attempt == 3) {
                    throw new IOException(e.getMessage());
                }
                // another process took the free port between our look and the server's bind: again, elsewhere
            }
        }
    }

    private static MariaDbServer startOnce(Path mariadbd, Path installDb)
            throws IOException, InterruptedException, SQLException {
        long begin = System.nanoTime();
        Path dir = Files.createTempDirectory("postcall-mariadb-");
        Path data = dir.resolve("data");
        boolean root = "root".equals(System.getProperty("user.name"));
        // small: the tests' tables hold a few MB, and the machine is shared
        List<String> sizes = List.of("--innodb-buffer-pool-size=64M", "--innodb-log-file-size=48M");
        List<String> install = new ArrayList<>(List.of(installDb.toString(), "--no-defaults", "--datadir=" + data,
                "--auth-root-authentication-method=normal", "--skip-test-db"));
        if (root) {
            install.add("--user=root");
        }
        install.addAll(sizes);
        Path installLog = dir.resolve("install.log");
        Process installing = new ProcessBuilder(install).redirectErrorStream(true)
                .redirectOutput(installLog.toFile()).start();
        installing.getOutputStream().close();
        if (!installing.waitFor(START_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS) || installing.exitValue() != 0) {
            installing.destroyForcibly();
            String log = tail(installLog);
            delete(dir);
            throw new IOException("mariadb-install-db failed:\n" + log);
        }
        int port = freePort();
        List<String> server = new ArrayList<>(List.of(mariadbd.toString(), "--no-defaults",
                "--datadir=" + data, "--tmpdir=" + dir, "--socket=" + dir.resolve("mariadb.sock"),
                "--pid-file=" + dir.resolve("mariadb.pid"), "--log-error=" + dir.resolve("error.log"),
                "--port=" + port, "--bind-address=127.0.0.1", "--skip-name-resolve", "--max-connections=300",
                "--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci",
                // commits reach the OS at once and the disk once a second, as with the embedded PostgreSQL's
                // synchronous_commit=off: these tests are about locks and semantics, not a power cut
                "--innodb-flush-log-at-trx-commit=2"));
        if (root) {
            server.add("--user=root");
        }
        server.addAll(sizes);
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", WATCHDOG, "sh"));
        command.addAll(server);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("watchdog.log").toFile());
        builder.environment().put("POSTCALL_MARIADB_DIR", dir.toString());
        Process watchdog = builder.start();
        String failure = awaitReady(dir.resolve("error.log"));
        if (failure != null) {
            stop(watchdog); // which deletes the folder
            if (failure.contains("Address already in use")) {
                throw new PortTaken("mariadbd found no free port:\n" + failure);
            }
            throw new IOException("mariadbd did not start:\n" + failure);
        }
        MariaDbServer ready;
        try {
            ready = new MariaDbServer(dir, port, watchdog, setUp(port));
        } catch (SQLException | RuntimeException e) {
            stop(watchdog);
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(ready::stop, "postcall-mariadb-stop"));
        System.out.printf("[INFO] MariaDB %s started for the tests on 127.0.0.1:%d in %d ms (data in %s)%n",
                ready.version, port, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin), dir);
        return ready;
    }

    /** The server could not bind the port chosen for it. */
    private static final class PortTaken extends IOException {
        private static final long serialVersionUID = 1L;

        PortTaken(String message) {
            super(message);
        }
    }

    /** Null once the server says it is ready; otherwise its log's tail (it aborted, or did not finish in time). */
    private static String awaitReady(Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                String text = Files.readString(log, StandardCharsets.UTF_8);
                if (text.contains("ready for connections")) {
                    return null;
                }
                if (text.contains("Aborting")) {
                    return tail(log);
                }
            }
            Thread.sleep(50);
        }
        return "not ready after " + START_TIMEOUT_MILLIS + " ms:\n" + tail(log);
    }

    /** The tests' user, with a password as an application would have, and the server's version. */
    private static String setUp(int port) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/?user=root");
             Statement s = c.createStatement()) {
            s.execute("CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'");
            s.execute("GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'%'");
            try (ResultSet rs = s.executeQuery("SELECT VERSION()")) {
                rs.next();
                return rs.getString(1);
            }
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().contains("No suitable driver")) {
                throw new SQLException("the MariaDB driver is not on the test class path: declare"
                        + " org.mariadb.jdbc:mariadb-java-client (scope test) in the module's pom", e);
            }
            throw e;
        }
    }

    private void stop() {
        stop(watchdog);
    }

    /** Closes the watchdog's pipe, which stops the server and deletes the folder, and waits for it a while. */
    private static void stop(Process watchdog) {
        try (OutputStream pipe = watchdog.getOutputStream()) {
            pipe.flush();
        } catch (IOException e) {
            // closed already
        }
        try {
            watchdog.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- helpers ----

    private static List<String> searchPath() {
        String configured = System.getProperty("postcall.mariadb.bin");
        if (configured != null) {
            return List.of(configured);
        }
        List<String> dirs = new ArrayList<>();
        dirs.addAll(Arrays.asList(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        // Debian puts mariadbd in /usr/sbin, which is not on an ordinary user's PATH
        dirs.addAll(List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/opt/homebrew/bin"));
        return dirs.stream().filter(d -> !d.isBlank()).distinct().toList();
    }

    private static Path find(String name) {
        for (String dir : searchPath()) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void delete(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void banner(String why) {
        String line = "!".repeat(100);
        System.err.println(line);
        System.err.println("!!! [WARNING] MARIADB TESTS SKIPPED: the database store was NOT tested on a real MariaDB");
        System.err.println("!!! " + why);
        System.err.println("!!! to run them: " + INSTALL + " (or -Dpostcall.mariadb.bin=DIR for binaries in DIR)");
        System.err.println(line);
        System.err.flush();
    }

    @Override
    public String toString() {
        return "MariaDB " + version + " on 127.0.0.1:" + port + " (" + dir + ")";
    }
}
