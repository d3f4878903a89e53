package dev.postcall.jdbc;

import dev.postcall.BodySource;
import dev.postcall.EventParser;
import dev.postcall.PostCallEvent;
import dev.postcall.internal.cli.WebhookReceiver;
import dev.postcall.spi.DeliveryStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcDataSource;

/**
 * A receiving node over real HTTP whose store is the database store, through the servlet's request path
 * ({@link WebhookReceiver}: verify the signature, parse, the Dispatcher's {@link JdbcDeliveryStore#admit admit} (the
 * insert that claims a failed row of the same key), the handler, done or failed, the servlet's answer). Public for
 * the CLI's tests in another package; its database is a real PostgreSQL (the tests' shared one, tables of its own)
 * or an H2 that checks a user and password. Its store's clock is moved by hand.
 */
public final class ReceivingNode implements AutoCloseable {

    /** Which database the node's store is on. */
    public enum Engine { POSTGRESQL, H2 }

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final Engine engine;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final TestPool pool;
    private final JdbcDataSource h2;
    private final Database.Fixture fixture;
    private final MutableClock clock = new MutableClock();
    private final JdbcDeliveryStore store;
    private final WebhookReceiver receiver;

    private ReceivingNode(Engine engine, String secret, boolean acceptFailures) throws IOException, SQLException {
        this.engine = engine;
        int n = COUNTER.incrementAndGet();
        if (engine == Engine.POSTGRESQL) {
            jdbcUrl = "jdbc:postgresql://localhost:" + Database.Postgres.INSTANCE.getPort() + "/postgres";
            user = "postgres";
            password = null; // the embedded server trusts local connections
            pool = Database.Postgres.POOL;
            h2 = null;
            fixture = new Database.Fixture(Database.POSTGRESQL, pool, "cli" + n + "_");
        } else {
            jdbcUrl = "jdbc:h2:mem:postcall_cli" + n + ";DB_CLOSE_DELAY=-1";
            user = "replayer";
            password = "h2-pw-" + Long.toHexString(System.nanoTime());
            h2 = new JdbcDataSource();
            h2.setURL(jdbcUrl);
            h2.setUser(user);
            h2.setPassword(password);
            pool = new TestPool(h2, false);
            fixture = new Database.Fixture(Database.H2, pool, "cli" + n + "_");
        }
        store = fixture.open(fixture.options().build(), clock);
        receiver = WebhookReceiver.start(store, secret, acceptFailures);
    }

    /**
     * Starts a node. With {@code acceptFailures} a handler failure is answered 200 (the servlet's
     * {@code on-handler-failure=accept}: the store keeps it as failed), otherwise 500 {@code handler-failed}.
     */
    public static ReceivingNode start(Engine engine, String secret, boolean acceptFailures)
            throws IOException, SQLException {
        return new ReceivingNode(engine, secret, acceptFailures);
    }

    /** The node's webhook URL. */
    public String webhookUrl() {
        return receiver.url();
    }

    /** The database's JDBC URL, without credentials. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The database user. */
    public String user() {
        return user;
    }

    /** The database password; null when the database asks for none. */
    public String password() {
        return password;
    }

    /** The store's table prefix. */
    public String tablePrefix() {
        return fixture.prefix();
    }

    /** From now on the handler throws on deliveries of {@code conversationId} ({@code "null"} for none). */
    public void breakConversation(String conversationId) {
        receiver.breakConversation(conversationId);
    }

    /** The handler takes deliveries of {@code conversationId} again. */
    public void fixConversation(String conversationId) {
        receiver.fixConversation(conversationId);
    }

    /** The conversation ids the handler took, in order. */
    public List<String> handled() {
        return receiver.handledConversations();
    }

    /** What the handler took, bodies included, in order. */
    public List<WebhookReceiver.Handled> handledDeliveries() {
        return receiver.handled();
    }

    /** Moves the node's clock (what its store records as received, failed, done) on. */
    public void advance(Duration duration) {
        clock.advance(duration);
    }

    /**
     * Stores a failed delivery as a handler that threw would have left it: a transcription of
     * {@code conversationId} (or, for null, an event of a type without one) whose transcript says {@code text}.
     *
     * @return the row's id
     */
    public long storeFailed(String conversationId, long eventTimestamp, String text) throws Exception {
        byte[] body = WebhookReceiver.body(conversationId, eventTimestamp, text).getBytes(StandardCharsets.UTF_8);
        PostCallEvent event = new EventParser().parse(BodySource.ofBytes(body));
        DeliveryStore.Admission admission = store.admit(DeliveryStore.Delivery.of(event, 1761400000L,
                "application/json"), Duration.ofSeconds(5));
        DeliveryTable.Held held = (DeliveryTable.Held) ((DeliveryStore.Dispatch) admission).claim();
        held.failed(new IllegalStateException());
        return held.id();
    }

    /** The row of {@code id} as column (lower case) → value, read directly; null when there is none. */
    public Map<String, Object> row(long id) throws SQLException {
        return fixture.rows().delivery(id);
    }

    /** Every delivery row, oldest first. */
    public List<Map<String, Object>> rows() throws SQLException {
        return fixture.rows().deliveries();
    }

    @Override
    public void close() throws SQLException {
        receiver.close();
        if (engine == Engine.H2) {
            // on a connection of its own: the pool's would check its autoCommit after the database is gone
            try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            }
        } else {
            fixture.execute("DROP TABLE ${chunk}");
            fixture.execute("DROP TABLE ${delivery}");
        }
    }
}
