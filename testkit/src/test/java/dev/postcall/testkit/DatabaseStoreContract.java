package dev.postcall.testkit;

import dev.postcall.jdbc.JdbcDeliveryStore;
import dev.postcall.spi.DeliveryStore;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The database store on one database: each test on tables of its own, the node named (as {@code inbox-node-id} does)
 * so that a restart recovers its own interrupted deliveries at once. Its storage fails as a database that went away
 * does ({@link StorageFaults#database}).
 */
abstract class DatabaseStoreContract extends DeliveryStoreContract {

    private static final AtomicInteger TABLES = new AtomicInteger();

    private StorageFaults.Database faults;
    private String prefix;

    /** The database, pooled or not; a connection a test closes is the store's to give back. */
    protected abstract DataSource database();

    @Override
    protected DeliveryStore open() throws SQLException {
        prefix = "k" + TABLES.incrementAndGet() + "_";
        faults = StorageFaults.database(database());
        return openOn(prefix);
    }

    @Override
    protected DeliveryStore restart(DeliveryStore crashed) throws SQLException {
        JdbcDeliveryStore store = openOn(prefix);
        store.recoverInterrupted();
        return store;
    }

    @Override
    protected DeliveryStore secondNode() throws SQLException {
        return openOn(prefix, "contract-node-2");
    }

    private JdbcDeliveryStore openOn(String tablePrefix) throws SQLException {
        return openOn(tablePrefix, "contract-node");
    }

    private JdbcDeliveryStore openOn(String tablePrefix, String nodeId) throws SQLException {
        return JdbcDeliveryStore.open(faults.dataSource(), JdbcDeliveryStore.options()
                .tablePrefix(tablePrefix).createSchema(true).nodeId(nodeId)
                .pollInterval(Duration.ofMillis(10)).maintenanceInterval(Duration.ZERO).build());
    }

    @Override
    protected Faults faults() {
        return faults;
    }
}
