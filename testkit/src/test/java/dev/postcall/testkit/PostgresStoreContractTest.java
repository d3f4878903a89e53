package dev.postcall.testkit;

import dev.postcall.testsupport.EmbeddedPostgresServer;
import javax.sql.DataSource;

/** The database store on a real PostgreSQL the build starts (binaries from Maven Central). */
class PostgresStoreContractTest extends DatabaseStoreContract {

    @Override
    protected DataSource database() {
        return EmbeddedPostgresServer.instance().getPostgresDatabase();
    }
}
