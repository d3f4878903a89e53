package dev.postcall.servlet;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import com.zaxxer.hikari.HikariDataSource;

import dev.postcall.AudioEvent;
import dev.postcall.EventParser;
import dev.postcall.jdbc.JdbcDeliveryStore;

/**
 * A webhook server with the database inbox in its own JVM, as one node of a cluster: its DataSource (a pool) is
 * bound in JNDI at {@code java:comp/env/jdbc/postcall} and the servlet finds it with
 * {@code inbox=jndi:java:comp/env/jdbc/postcall}. Prints {@code PORT <n>} and {@code MAXHEAP <bytes>}, then {@code DISPATCHING <conversation>}
 * or {@code HANDLED <conversation>} per event in the modes that say so; serves until its stdin closes.
 *
 * <p>Arguments: the JDBC URL, the table prefix, the node id, and the mode: {@code hang} (every handler call blocks
 * forever), {@code handle} (handled), {@code fail} (every handler call throws), {@code count:<fail percent>}
 * ({@link CountingHandler} on the table {@code <prefix>handled}) or {@code txcount:<fail percent>} (the same
 * handler, its work in the delivery's transaction). A line {@code REPLAY <file>} on stdin replays the
 * failed deliveries in this JVM, saving the audio of each to the file, and prints {@code REPLAYED <n>}.
 */
public final class ForkedDatabaseServer {
    static final String JNDI_NAME = "java:comp/env/jdbc/postcall";

    private ForkedDatabaseServer() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String prefix = args[1];
        String node = args[2];
        String mode = args[3];
        TestNaming.install();
        try (HikariDataSource pool = TestDatabase.pool(url, 16)) {
            TestNaming.bind(JNDI_NAME, pool);
            try (TestServer server = TestServer.builder()
                    .servletParam(DeliverySettings.INBOX, "jndi:" + JNDI_NAME)
                    .servletParam(DeliverySettings.INBOX_CREATE_SCHEMA, "true")
                    .servletParam(DeliverySettings.INBOX_TABLE_PREFIX, prefix)
                    .servletParam(DeliverySettings.INBOX_NODE_ID, node)
                    .start()) {
                if (mode.startsWith("count:")) {
                    CountingHandler counting = new CountingHandler(pool, prefix + "handled",
                            Integer.parseInt(mode.substring(6)), node);
                    server.handler.onEvent(counting::handle);
                } else if (mode.startsWith("txcount:")) {
                    CountingHandler counting = CountingHandler.transactional(pool, prefix + "handled",
                            Integer.parseInt(mode.substring(8)), node);
                    server.handler.onEvent(counting::handle);
                } else if (mode.equals("fail")) {
                    server.handler.failing(true);
                } else {
                    ForkedInboxServer.printEvents(server, mode.equals("hang"));
                }
                System.out.println("PORT " + server.uri().getPort());
                System.out.println("MAXHEAP " + Runtime.getRuntime().maxMemory());
                System.out.flush();
                BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                for (String line; (line = stdin.readLine()) != null; ) {
                    if (line.startsWith("REPLAY ")) {
                        Path audio = Path.of(line.substring(7));
                        JdbcDeliveryStore store = JdbcDeliveryStore.open(pool,
                                JdbcDeliveryStore.options().tablePrefix(prefix).build());
                        int replayed = Replays.replay(store, event -> ((AudioEvent) event).saveTo(audio)).replayed();
                        System.out.println("REPLAYED " + replayed);
                        System.out.flush();
                    }
                }
            }
        }
    }
}
