package dev.postcall.testkit;

import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** The database store on H2, in memory, kept for the test JVM's life. */
class H2StoreContractTest extends DatabaseStoreContract {

    private static final JdbcDataSource H2 = new JdbcDataSource();

    static {
        H2.setURL("jdbc:h2:mem:contract;DB_CLOSE_DELAY=-1");
    }

    @Override
    protected DataSource database() {
        return H2;
    }
}
