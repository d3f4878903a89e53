package dev.postcall.jdbc;

import static dev.postcall.jdbc.DeliveryTableTest.BODY;
import static dev.postcall.jdbc.DeliveryTableTest.WAIT;
import static dev.postcall.jdbc.DeliveryTableTest.delivery;
import static dev.postcall.jdbc.DeliveryTableTest.dispatched;
import static dev.postcall.jdbc.DeliveryTableTest.storedBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postcall.spi.DeliveryStore;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The shipped DDL on each database, created only when asked, and the options that shape it. */
class SchemaTest {

    @ParameterizedTest
    @EnumSource(Database.class)
    void theTablesAreCreatedWhenAskedAndCreatingThemAgainIsHarmless(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        JdbcDeliveryStore first = db.open(new MutableClock());
        dispatched(first.admit(delivery("conv_1"), WAIT)).handled();

        JdbcDeliveryStore second = db.open(new MutableClock()); // a second node starting: IF NOT EXISTS

        assertThat(second.admit(delivery("conv_1"), WAIT)).isInstanceOf(DeliveryStore.Duplicate.class);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void withoutCreateSchemaMissingTablesStopTheStartWithTheDdlToRun(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        String expected = database.ddl == null && database == Database.H2 ? "h2.sql"
                : database == Database.POSTGRESQL ? "postgresql.sql" : "mysql.sql";

        assertThatThrownBy(() -> db.open(db.options().createSchema(false).build(), Clock.systemUTC()))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("the tables " + db.prefix() + "delivery and " + db.prefix() + "body_chunk")
                .hasMessageContaining("dev/postcall/jdbc/" + expected).hasMessageContaining("createSchema(true)");
        // a start with the tables there needs no createSchema
        db.open(new MutableClock());
        db.open(db.options().createSchema(false).build(), Clock.systemUTC());
    }

    @Test
    void theMysqlDdlAlsoParsesOnH2InMariaDbMode() throws Exception {
        TestPool pool = new TestPool(Database.h2("jdbc:h2:mem:postcall_mariadb;MODE=MariaDB;DATABASE_TO_LOWER=TRUE"),
                false);
        JdbcDeliveryStore store = JdbcDeliveryStore.open(pool, JdbcDeliveryStore.options().createSchema(true).build(),
                Clock.systemUTC(), Dialect.MYSQL);
        dispatched(store.admit(delivery("conv_1"), WAIT)).handled();
        assertThat(store.admit(delivery("conv_1"), WAIT)).isInstanceOf(DeliveryStore.Duplicate.class);
    }

    @Test
    void aSchemaQualifiedPrefixPutsTheTablesInThatSchema() throws Exception {
        Database.Fixture db = Database.POSTGRESQL.fresh();
        String schema = "app_" + db.prefix().replace("_", "");
        db.execute("CREATE SCHEMA " + schema);
        Database.Fixture qualified = new Database.Fixture(Database.POSTGRESQL, db.dataSource(), schema + ".postcall_");
        JdbcDeliveryStore store = qualified.open(new MutableClock());

        DeliveryTable.Held held = dispatched(store.admit(delivery("conv_1"), WAIT));
        held.failed(new IllegalStateException());

        assertThat(qualified.rows().delivery(held.id())).containsEntry("state", "failed");
        assertThat(storedBytes(store, held.id())).isEqualTo(BODY);
        assertThat(db.execute("UPDATE " + schema + ".postcall_delivery SET attempts = 5")).isEqualTo(1);
    }

    @Test
    void eachDialectsDdlHasItsTablesAndIndexesUnderThePrefix() {
        Tables tables = Tables.withPrefix("pc_");
        assertThat(Dialect.POSTGRESQL.statements(tables)).hasSize(4)
                .allSatisfy(s -> assertThat(s).doesNotContain("${").doesNotContain("--"))
                .anySatisfy(s -> assertThat(s).startsWith("CREATE TABLE IF NOT EXISTS pc_delivery ("))
                .anySatisfy(s -> assertThat(s).startsWith("CREATE INDEX IF NOT EXISTS pc_delivery_state ON pc_delivery"))
                .anySatisfy(s -> assertThat(s).contains("CONSTRAINT pc_delivery_key UNIQUE (event_type,"
                        + " conversation_id, event_timestamp)"))
                .anySatisfy(s -> assertThat(s).contains("chunk_data  BYTEA"))
                .anySatisfy(s -> assertThat(s).startsWith("CREATE TABLE IF NOT EXISTS pc_backfill ("));
        assertThat(Dialect.H2.statements(tables)).hasSize(4);
        assertThat(Dialect.MYSQL.statements(tables)).hasSize(3)
                .allSatisfy(s -> assertThat(s).endsWith("COLLATE=utf8mb4_bin"))
                .anySatisfy(s -> assertThat(s).contains("MEDIUMBLOB"));
        assertThat(Dialect.POSTGRESQL.statements(Tables.withPrefix("app.pc_")).get(1))
                .startsWith("CREATE INDEX IF NOT EXISTS pc_delivery_state ON app.pc_delivery");
    }

    @Test
    void theDialectFollowsTheDriversProductName() {
        assertThat(Dialect.of("PostgreSQL")).isEqualTo(Dialect.POSTGRESQL);
        assertThat(Dialect.of("MySQL")).isEqualTo(Dialect.MYSQL);
        assertThat(Dialect.of("MariaDB")).isEqualTo(Dialect.MYSQL);
        assertThat(Dialect.of("H2")).isEqualTo(Dialect.H2);
        assertThat(Dialect.of("Apache Derby")).isNull();
        assertThat(Dialect.of(null)).isNull();
    }

    @Test
    void createSchemaOnADatabaseWithoutShippedDdlSaysWhatToDo() {
        DataSource h2 = Database.h2("jdbc:h2:mem:postcall_derby_like");
        DataSource derbyLike = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataSource.class}, (p, m, args) -> {
                    Object result = m.invoke(h2, args);
                    return m.getName().equals("getConnection") ? renamed((Connection) result) : result;
                });

        assertThatThrownBy(() -> JdbcDeliveryStore.open(derbyLike, JdbcDeliveryStore.options().createSchema(true)
                .build())).isInstanceOf(SQLException.class)
                .hasMessageContaining("no DDL ships for Apache Derby")
                .hasMessageContaining("dev/postcall/jdbc/postgresql.sql");
    }

    private static Connection renamed(Connection real) {
        return (Connection) Proxy.newProxyInstance(SchemaTest.class.getClassLoader(), new Class<?>[] {Connection.class},
                (p, m, args) -> {
                    if (m.getName().equals("getMetaData")) {
                        DatabaseMetaData meta = real.getMetaData();
                        return Proxy.newProxyInstance(SchemaTest.class.getClassLoader(),
                                new Class<?>[] {DatabaseMetaData.class}, (p2, m2, a2) ->
                                        m2.getName().equals("getDatabaseProductName") ? "Apache Derby"
                                                : m2.invoke(meta, a2));
                    }
                    return m.invoke(real, args);
                });
    }

    @Test
    void optionsOutOfRangeAreAllNamedInOneMessage() {
        assertThatThrownBy(() -> JdbcDeliveryStore.options().tablePrefix("x; DROP TABLE users; --")
                .retention(Duration.ZERO).takeoverAfter(Duration.ofMinutes(-1)).pollInterval(null)
                .maintenanceInterval(Duration.ofSeconds(-1)).statementTimeout(Duration.ofSeconds(-1))
                .nodeId("node a").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tablePrefix must be").hasMessageContaining("retention must be positive")
                .hasMessageContaining("takeoverAfter must be positive")
                .hasMessageContaining("pollInterval must be positive")
                .hasMessageContaining("maintenanceInterval must be zero or positive")
                .hasMessageContaining("statementTimeout must be zero or positive")
                .hasMessageContaining("nodeId must be");
        assertThatThrownBy(() -> JdbcDeliveryStore.options().tablePrefix("").build())
                .hasMessageContaining("tablePrefix");
        assertThatThrownBy(() -> JdbcDeliveryStore.options().tablePrefix("a.b.c_").build())
                .hasMessageContaining("tablePrefix");
        JdbcDeliveryStore.Options defaults = JdbcDeliveryStore.options().build();
        assertThat(defaults).isEqualTo(new JdbcDeliveryStore.Options("postcall_", false, Duration.ofHours(2),
                Duration.ofMinutes(10), Duration.ofMillis(50), Duration.ofMinutes(1), Duration.ofSeconds(30), null));
    }
}
