package dev.postcall.jdbc;

import dev.postcall.BodySource;
import dev.postcall.spi.DeliveryStore;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The inbox and the delivery ledger in the application's database, shared by every node of a cluster: one insert,
 * committed before the handlers run, is both the write-ahead record of a verified delivery (its body included) and
 * the cluster-wide claim of its key ({@code type} + {@code conversation_id} + {@code event_timestamp}, a unique key).
 * Nothing is kept on a node: any node recognises a delivery another one handled, waits for one another node is
 * handling, takes over one whose node died, and replays what failed anywhere.
 *
 * <pre>{@code
 * DataSource dataSource = (DataSource) new InitialContext().lookup("java:comp/env/jdbc/postcall");
 * JdbcDeliveryStore store = JdbcDeliveryStore.open(dataSource, JdbcDeliveryStore.options()
 *         .tablePrefix("postcall_")          // tables postcall_delivery and postcall_body_chunk
 *         .createSchema(true)                // CREATE TABLE IF NOT EXISTS at start-up; off by default
 *         .retention(Duration.ofHours(2))    // how long a handled key is remembered
 *         .takeoverAfter(Duration.ofMinutes(10))
 *         .pollInterval(Duration.ofMillis(50))
 *         .nodeId(System.getenv("HOSTNAME")) // optional: a unique, stable name of this node
 *         .build());
 * store.recoverInterrupted();                // at start-up, before deliveries arrive
 * for (DeliveryStore.Kept f : store.failed(null, 100)) { ... f.type(), f.conversationId(), f.failureClass() ... }
 * }</pre>
 *
 * <p>Hand it to the servlet ({@code inbox=jndi:…} or {@code inbox=datasource} opens one itself) and replay what
 * failed through the webhook ({@code WebhookMonitor.replayFailed()}), so the replay runs your handlers with their
 * log line and counts.
 *
 * <h2>Semantics (those of the file inbox and the ledgers)</h2>
 * <ul>
 *   <li>A first delivery is stored (state {@code received}, with its body) and committed, then dispatched. When the
 *       handlers succeed its row becomes {@code done}: its body is dropped, the row stays as the ledger's memory of
 *       the key for {@link Options#retention()} (two hours by default), then it is pruned.</li>
 *   <li>When a handler throws, the row becomes {@code failed}: body kept, attempts counted, the failure's class name
 *       recorded (never its message, which could quote the payload), and the key released, so the sender's retry or
 *       a replay dispatches it again; on success it becomes {@code done}. Failed rows stay until replayed.</li>
 *   <li>A delivery of a {@code done} key is not dispatched again. A delivery of a key another request is handling
 *       waits for that one's outcome (polling every {@link Options#pollInterval()}, at most the request's wait), then
 *       answers by it, or says "in progress" (the servlet answers 503). A claim older than
 *       {@link Options#takeoverAfter()} (ten minutes) belongs to a node that died and is taken over.</li>
 *   <li>A delivery without a conversation id cannot be recognised again: it is stored under a unique id of its own
 *       and always dispatched, and a failure of it is kept like any other.</li>
 *   <li>{@link #recoverInterrupted()} moves deliveries whose node stopped while dispatching them to {@code failed}
 *       (the file inbox's {@code incoming/} at start-up); every node also does it for claims older than the
 *       take-over age once per {@link Options#maintenanceInterval()}, and prunes done rows at the same time.</li>
 *   <li>{@link #claimFailed} claims a failed row for a replay ({@code failed → replaying}, a conditional update that
 *       succeeds for exactly one node), so two nodes replaying at once never dispatch the same one; a replay that
 *       succeeds is {@code done}, one that fails is {@code failed} again.</li>
 * </ul>
 *
 * <h2>The DataSource</h2>
 * The store takes a connection for each short transaction and commits it itself, before the handlers run, so the
 * write-ahead record survives whatever the application's own transaction does. Give it a <b>non-JTA</b> DataSource:
 * {@code <non-jta-data-source>} rather than {@code <jta-data-source>}, on WildFly a {@code <datasource jta="false">},
 * on Open Liberty a {@code <dataSource transactional="false">}; a connection enlisted in a container transaction
 * refuses {@code commit()}, and the store answers every delivery with "store unavailable". Connections handed out
 * with autoCommit on or off both work. Bodies are written and read in chunks of 1 MiB, so a 100 MB audio delivery
 * never has to fit in the heap. A transaction the database rolls back to break a deadlock or a serialization
 * conflict (SQLState 40001, 40P01) is run again, up to five times, before a failure is reported. Tested on PostgreSQL,
 * MariaDB (InnoDB) and H2; MySQL is not tested. The DDL for each is in this jar as
 * {@code dev/postcall/jdbc/postgresql.sql}, {@code mysql.sql} (MariaDB's, written for MySQL 8 too) and
 * {@code h2.sql}, run at start-up only with {@link Options.Builder#createSchema(boolean) createSchema(true)}.
 *
 * <p>Thread-safe. The driver is the application's: postcall needs only {@code java.sql}.
 */
public final class JdbcDeliveryStore implements DeliveryStore {

    private static final System.Logger LOG = System.getLogger("dev.postcall.jdbc");

    private final DeliveryTable table;
    private final boolean nodeIdConfigured;
    private final String description;
    private final BackfillTable backfill;

    private JdbcDeliveryStore(DeliveryTable table, boolean nodeIdConfigured, String product, BackfillTable backfill) {
        this.table = table;
        this.backfill = backfill;
        this.nodeIdConfigured = nodeIdConfigured;
        this.description = "database " + product + " (table " + table.tables().delivery() + ")";
    }

    /**
     * Opens the store over {@code dataSource} with the default {@link Options}: tables {@code postcall_delivery} and
     * {@code postcall_body_chunk}, which must exist.
     *
     * @throws SQLException when the database cannot be reached or the tables are missing (the message names the DDL)
     */
    public static JdbcDeliveryStore open(DataSource dataSource) throws SQLException {
        return open(dataSource, Options.builder().build());
    }

    /**
     * Opens the store over {@code dataSource}: creates the tables when {@link Options#createSchema()} asks for it,
     * then checks that they are there with every column.
     *
     * @throws SQLException when the database cannot be reached, the tables are missing or cannot be created, or
     *                      {@code createSchema} is set for a database whose DDL is not shipped
     */
    public static JdbcDeliveryStore open(DataSource dataSource, Options options) throws SQLException {
        return open(dataSource, options, Clock.systemUTC(), null);
    }

    /** As {@link #open(DataSource, Options)}, on {@code clock}, with {@code ddl} instead of the detected dialect's. */
    static JdbcDeliveryStore open(DataSource dataSource, Options options, Clock clock, Dialect ddl)
            throws SQLException {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(options, "options");
        DeliveryTable table = new DeliveryTable(dataSource, Tables.withPrefix(options.tablePrefix()), options, clock);
        String product = table.sql().transaction("reading the database's product name",
                JdbcDeliveryStore::product);
        Dialect dialect = ddl != null ? ddl : Dialect.of(product);
        boolean created = false;
        if (options.createSchema()) {
            if (dialect == null) {
                throw new SQLException("postcall delivery store: no DDL ships for " + product + " (PostgreSQL, MySQL,"
                        + " MariaDB and H2 do): create the tables yourself after dev/postcall/jdbc/postgresql.sql in"
                        + " postcall-core's jar and leave createSchema off");
            }
            created = !exists(table, dialect);
            table.createSchema(dialect);
        }
        table.verifySchema(dialect);
        return new JdbcDeliveryStore(table, options.nodeId() != null, product,
                new BackfillTable(table, Dialect.of(product), clock, created));
    }

    private static boolean exists(DeliveryTable table, Dialect dialect) {
        try {
            table.verifySchema(dialect);
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static String product(Connection c) throws SQLException {
        return c.getMetaData().getDatabaseProductName();
    }

    /** A builder of {@link Options}, every setting at its default. */
    public static Options.Builder options() {
        return Options.builder();
    }

    /**
     * Moves to {@code failed} every delivery whose dispatch was interrupted: those claimed longer ago than the
     * take-over age and, when a {@linkplain Options#nodeId() node id} is configured, those this node held when it
     * stopped. Call it once at start-up, before deliveries arrive.
     *
     * @return how many deliveries were moved to {@code failed}
     */
    public int recoverInterrupted() throws SQLException {
        int moved = table.recoverInterrupted(nodeIdConfigured);
        if (moved > 0) {
            LOG.log(Level.WARNING, "postcall delivery store: {0} delivery(ies) were interrupted while being dispatched"
                    + " and moved to failed; replay them", moved);
        }
        return moved;
    }

    /**
     * Deletes the {@code done} rows older than the retention (every node also does it once per maintenance
     * interval); failed ones stay until replayed.
     *
     * @return how many rows were deleted
     */
    public int prune() throws SQLException {
        return table.prune();
    }

    @Override
    public Admission admit(Delivery delivery, Duration maxWait) throws StoreException, InterruptedException {
        try {
            return table.admit(delivery, maxWait);
        } catch (SQLException | RuntimeException e) {
            throw new StoreException(e.getMessage(), e);
        }
    }

    /**
     * The failed deliveries, oldest first, after {@code after} (exclusive; {@code null} from the oldest), at most
     * {@code max}: a page of them, so a caller walks them all once even while some fail again behind it.
     *
     * <pre>{@code
     * for (List<Kept> page = store.failed(null, 100); !page.isEmpty();
     *         page = store.failed(page.get(page.size() - 1), 100)) { ... }
     * }</pre>
     */
    @Override
    public List<Kept> failed(Kept after, int max) throws StoreException {
        try {
            return table.listFailed(after, max);
        } catch (SQLException | RuntimeException e) {
            throw new StoreException(e.getMessage(), e);
        }
    }

    /**
     * Claims a failed row for a replay ({@code failed → replaying}): of two nodes replaying at once exactly one gets
     * it; empty when it is no longer failed (replayed or claimed elsewhere, or delivered again). The claim's body is
     * read back from the database chunk by chunk.
     */
    @Override
    public Optional<Claim> claimFailed(Kept kept) throws StoreException {
        try {
            return table.claimForReplay(DeliveryTable.rowId(kept));
        } catch (SQLException | RuntimeException e) {
            throw new StoreException(e.getMessage(), e);
        }
    }

    /**
     * The stored body of a delivery, byte for byte as received and verified, read from the database chunk by chunk
     * as it is read; empty when the row holds no body (it was handled, or there is no such row).
     */
    @Override
    public Optional<BodySource> body(Kept kept) throws StoreException {
        try {
            return table.openBody(DeliveryTable.rowId(kept));
        } catch (SQLException | RuntimeException e) {
            throw new StoreException(e.getMessage(), e);
        }
    }

    /** How many deliveries are failed, waiting for a replay. */
    @Override
    public int failedCount() throws StoreException {
        try {
            return table.countFailed();
        } catch (SQLException | RuntimeException e) {
            throw new StoreException(e.getMessage(), e);
        }
    }

    @Override
    public boolean keepsBodies() {
        return true;
    }

    /**
     * Backfill's state in the table {@code <prefix>backfill} (created with the others by {@code createSchema}; needed
     * only when backfill is on, and then checked by {@link Backfilling#prepare}): whether a conversation is known is
     * its row in the delivery table, in any state; the watermark and a lease that one node of the cluster holds at a
     * time, timed by the database's clock. While backfill is on, handled rows are kept at least as long as it asks
     * (its lookback plus two intervals), even when {@link Options#retention()} is shorter.
     */
    @Override
    public Optional<Backfilling> backfilling() {
        return Optional.of(backfill);
    }

    /** The database product and the delivery table's name; never a URL or a password. */
    @Override
    public String description() {
        return description;
    }

    /** The engine. */
    DeliveryTable table() {
        return table;
    }

    /**
     * The store's settings, validated when built.
     *
     * @param tablePrefix         prefix of the two tables' names, optionally schema-qualified ({@code app.postcall_});
     *                            default {@code postcall_}
     * @param createSchema        whether {@link #open(DataSource, Options)} creates missing tables; default false
     * @param retention           how long a handled key is remembered; default two hours, longer than the signature
     *                            tolerance (30 min) plus the future skew (5 min) plus the sender's retry horizon
     *                            (about 40 min)
     * @param takeoverAfter       how old a claim must be before another node takes it over; default ten minutes, as
     *                            the JCache ledger. A handler that runs longer than this risks a second dispatch
     * @param pollInterval        how often a request waiting for another one of the same key looks again; default
     *                            50 ms
     * @param maintenanceInterval how often a node prunes done rows and moves stale claims to failed, on a request's
     *                            thread; default one minute; zero for never (then call {@link #prune()} and
     *                            {@link #recoverInterrupted()} yourself)
     * @param statementTimeout    the JDBC query timeout of every statement; default 30 s; zero for none
     * @param nodeId              this node's name in the table, unique in the cluster and the same across restarts
     *                            (the host or pod name), so {@link #recoverInterrupted()} at start-up can take back
     *                            what the previous run left at once; {@code null} (default) for a random name, with
     *                            which only claims older than the take-over age are recovered
     */
    public record Options(String tablePrefix, boolean createSchema, Duration retention, Duration takeoverAfter,
                          Duration pollInterval, Duration maintenanceInterval, Duration statementTimeout,
                          String nodeId) {

        private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,64}");

        /** @throws IllegalArgumentException naming every setting that is out of range */
        public Options {
            StringBuilder problems = new StringBuilder();
            try {
                Tables.withPrefix(tablePrefix);
            } catch (IllegalArgumentException e) {
                problems.append("; ").append(e.getMessage());
            }
            positive(problems, "retention", retention);
            positive(problems, "takeoverAfter", takeoverAfter);
            positive(problems, "pollInterval", pollInterval);
            notNegative(problems, "maintenanceInterval", maintenanceInterval);
            notNegative(problems, "statementTimeout", statementTimeout);
            if (nodeId != null && !NODE_ID.matcher(nodeId).matches()) {
                problems.append("; nodeId must be 1 to 64 letters, digits or . _ : @ -");
            }
            if (problems.length() > 0) {
                throw new IllegalArgumentException("postcall delivery store options: " + problems.substring(2));
            }
        }

        private static void positive(StringBuilder problems, String name, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                problems.append("; ").append(name).append(" must be positive");
            }
        }

        private static void notNegative(StringBuilder problems, String name, Duration value) {
            if (value == null || value.isNegative()) {
                problems.append("; ").append(name).append(" must be zero or positive");
            }
        }

        /** A builder with every setting at its default. */
        public static Builder builder() {
            return new Builder();
        }

        /** Builds {@link Options}; each setter replaces a default. */
        public static final class Builder {
            private String tablePrefix = "postcall_";
            private boolean createSchema;
            private Duration retention = Duration.ofHours(2);
            private Duration takeoverAfter = Duration.ofMinutes(10);
            private Duration pollInterval = Duration.ofMillis(50);
            private Duration maintenanceInterval = Duration.ofMinutes(1);
            private Duration statementTimeout = Duration.ofSeconds(30);
            private String nodeId;

            private Builder() {
            }

            /** @see Options#tablePrefix() */
            public Builder tablePrefix(String tablePrefix) {
                this.tablePrefix = tablePrefix;
                return this;
            }

            /** @see Options#createSchema() */
            public Builder createSchema(boolean createSchema) {
                this.createSchema = createSchema;
                return this;
            }

            /** @see Options#retention() */
            public Builder retention(Duration retention) {
                this.retention = retention;
                return this;
            }

            /** @see Options#takeoverAfter() */
            public Builder takeoverAfter(Duration takeoverAfter) {
                this.takeoverAfter = takeoverAfter;
                return this;
            }

            /** @see Options#pollInterval() */
            public Builder pollInterval(Duration pollInterval) {
                this.pollInterval = pollInterval;
                return this;
            }

            /** @see Options#maintenanceInterval() */
            public Builder maintenanceInterval(Duration maintenanceInterval) {
                this.maintenanceInterval = maintenanceInterval;
                return this;
            }

            /** @see Options#statementTimeout() */
            public Builder statementTimeout(Duration statementTimeout) {
                this.statementTimeout = statementTimeout;
                return this;
            }

            /** @see Options#nodeId() */
            public Builder nodeId(String nodeId) {
                this.nodeId = nodeId;
                return this;
            }

            /**
             * The options.
             *
             * @throws IllegalArgumentException naming every setting that is out of range
             */
            public Options build() {
                return new Options(tablePrefix, createSchema, retention, takeoverAfter, pollInterval,
                        maintenanceInterval, statementTimeout, nodeId);
            }
        }
    }
}
