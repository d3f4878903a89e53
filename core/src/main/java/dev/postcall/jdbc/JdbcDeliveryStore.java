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
 * handling, takes over one whose node died, and replays what failed anywhere. A handler whose work goes to the same
 * database can commit it together with the record that the delivery was handled ({@link Transaction}): handled once
 * in effect, whenever a node dies.
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
 * store.close();                             // at shutdown: stops its background threads
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
 *   <li>A new delivery costs one insert (on PostgreSQL one statement, body included); its key is looked up only when
 *       the insert finds it taken. A delivery of a {@code done} key is not dispatched again. A delivery of a key
 *       another request is handling waits for that one's outcome, at most the request's wait: at once when this node
 *       handles it, else looking at the row again after pauses that start at {@link Options#pollInterval()} and double
 *       up to a second; then it answers by the outcome, or says "in progress" (the servlet answers 503).</li>
 *   <li>A node keeps each claim it holds alive while its handlers run (a heartbeat on the store's background thread,
 *       three times per {@link Options#takeoverAfter()}), so a handler that runs longer than the take-over age is
 *       never taken over; a claim not kept alive for the take-over age (ten minutes) belongs to a node that died and
 *       is taken over. Every time in the table, and so every take-over decision, is the database's clock, not a
 *       node's.</li>
 *   <li>A delivery without a conversation id cannot be recognised again: it is stored under a unique id of its own
 *       and always dispatched, and a failure of it is kept like any other.</li>
 *   <li>{@link #recoverInterrupted()} moves deliveries whose node stopped while dispatching them to {@code failed}
 *       (the file inbox's {@code incoming/} at start-up); every node's background thread also does it for stale
 *       claims once per {@link Options#maintenanceInterval()}, prunes done rows and records outcomes the database
 *       refused earlier, never on a request's thread. {@link #close()} stops that thread.</li>
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
 * with autoCommit on or off both work; a statement that is a transaction by itself runs in autoCommit, one round
 * trip. Bodies are written and read in chunks of 1 MiB, so a 100 MB audio delivery
 * never has to fit in the heap. A transaction the database rolls back to break a deadlock or a serialization
 * conflict (SQLState 40001, 40P01) is run again, up to five times, before a failure is reported (never the
 * transaction of a {@link Transaction}: that would run the handlers twice). Tested on PostgreSQL,
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
    private final Schedule background;
    private final BackfillTable backfill;

    private JdbcDeliveryStore(DeliveryTable table, boolean nodeIdConfigured, String product, Schedule background,
                              BackfillTable backfill) {
        this.table = table;
        this.backfill = backfill;
        this.nodeIdConfigured = nodeIdConfigured;
        this.description = "database " + product + " (table " + table.tables().delivery() + ")";
        this.background = background;
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
        return open(dataSource, options, null, null, null);
    }

    /** As {@link #open(DataSource, Options)}, on {@code clock}, with {@code ddl} instead of the detected dialect's. */
    static JdbcDeliveryStore open(DataSource dataSource, Options options, Clock clock, Dialect ddl)
            throws SQLException {
        return open(dataSource, options, clock, ddl, null);
    }

    /**
     * As {@link #open(DataSource, Options)}, with the times on {@code clock} instead of the database's clock (null:
     * the database's), the DDL of {@code ddl} instead of the detected dialect's (null: the detected one's), and the
     * background work on {@code background} instead of a daemon thread of its own (null: its own).
     */
    static JdbcDeliveryStore open(DataSource dataSource, Options options, Clock clock, Dialect ddl,
                                  Schedule background) throws SQLException {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(options, "options");
        Sql sql = new Sql(dataSource, options.statementTimeout());
        String product = sql.transaction("reading the database's product name", JdbcDeliveryStore::product);
        Dialect dialect = Dialect.of(product);
        if (clock == null && dialect == null) {
            LOG.log(Level.WARNING, "postcall delivery store: {0} is not a database whose clock the store knows how to"
                    + " read (PostgreSQL, MariaDB, MySQL and H2 are): claims are timed by each node''s own clock, so"
                    + " keep the nodes'' clocks in step (NTP) or a node may take over a live claim", product);
            clock = Clock.systemUTC();
        }
        Tables tables = Tables.withPrefix(options.tablePrefix());
        DeliveryTable table = new DeliveryTable(sql, tables, options, clock, dialect);
        Dialect schema = ddl != null ? ddl : dialect;
        boolean created = false;
        if (options.createSchema()) {
            if (schema == null) {
                throw new SQLException("postcall delivery store: no DDL ships for " + product + " (PostgreSQL, MySQL,"
                        + " MariaDB and H2 do): create the tables yourself after dev/postcall/jdbc/postgresql.sql in"
                        + " postcall-core's jar and leave createSchema off");
            }
            created = !exists(table, schema);
            table.createSchema(schema);
        }
        table.verifySchema(schema);
        Schedule schedule = background != null ? background : Schedule.daemon("postcall-store-" + tables.delivery());
        schedule.every(table.heartbeatPeriod(), () -> {
            table.heartbeat();
            table.recordUnrecorded();
        });
        if (!options.maintenanceInterval().isZero()) {
            schedule.every(options.maintenanceInterval(), table::maintain);
        }
        // backfill's lease is timed by the database's clock where the dialect is known, by this node's elsewhere
        BackfillTable backfill = new BackfillTable(table, dialect, clock != null ? clock : Clock.systemUTC(), created);
        return new JdbcDeliveryStore(table, options.nodeId() != null, product, schedule, backfill);
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
     * Deletes the {@code done} rows older than the retention (every node's background thread also does it once per
     * maintenance interval); failed ones stay until replayed.
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

    /**
     * Stops this store's background threads: the heartbeats of the claims it still holds (they are taken over after
     * {@link Options#takeoverAfter()}, or recovered at this node's restart) and maintenance. The servlet closes the
     * store it opened when it is taken out of service.
     */
    @Override
    public void close() {
        background.close();
    }

    /** The engine. */
    DeliveryTable table() {
        return table;
    }

    /**
     * The database transaction of the delivery this thread is handling: a handler's work on the store's
     * {@code DataSource} done through it commits together with postcall's record that the delivery was handled,
     * so that a node killed at any moment leaves both or neither. The delivery is then handled once in effect, with
     * no idempotency key of the application's own: a delivery whose node died before the commit is handled again,
     * and its earlier work was rolled back with it.
     *
     * <p>A handler (a CDI observer, a {@code PostCallEventHandler}) asks for it on the thread it is called on, and
     * neither commits nor rolls back: postcall commits once every handler has returned, and rolls back when one
     * throws (the delivery is then kept as failed, as always).
     *
     * <pre>{@code
     * void onCall(@Observes TranscriptionEvent call) throws SQLException {
     *     Connection c = JdbcDeliveryStore.Transaction.current().orElseThrow().connection();
     *     try (PreparedStatement s = c.prepareStatement("INSERT INTO call_report (conversation_id, summary) VALUES (?, ?)")) {
     *         s.setString(1, call.conversationId());
     *         s.setString(2, call.report().summary());
     *         s.executeUpdate();
     *     }   // committed by postcall with the delivery's done mark
     * }
     * }</pre>
     *
     * <p>Why a handle rather than the server's JTA: the store commits each delivery before its handlers run (the
     * write-ahead record must survive their transaction rolling back), so its DataSource is a non-JTA one, and a JTA
     * transaction around the handlers would need a second, XA-capable DataSource and a transaction manager that
     * Tomcat and Jetty do not have. The handle needs neither and works the same on every server. The Spring Boot
     * starter uses {@link #markHandled(Connection)} instead: there Spring's own transaction, on the same DataSource,
     * carries the listeners' {@code @Transactional} work and the done mark.
     *
     * <p>The connection is the delivery's alone, taken from the store's DataSource when first asked for (one more
     * connection per delivery in flight: size the pool for it). Its {@code commit()}, {@code rollback()} and
     * {@code setAutoCommit} are refused and its {@code close()} does nothing; it runs at the pool's isolation level.
     * On PostgreSQL under {@code REPEATABLE READ} or {@code SERIALIZABLE}, a handler that runs longer than a third of
     * {@link Options#takeoverAfter()} meets the row its claim's heartbeat updated and fails to commit (kept as
     * failed, replayed); under the default {@code READ COMMITTED} it does not.
     */
    public static final class Transaction {

        private static final ThreadLocal<DeliveryTable.Held> CURRENT = new ThreadLocal<>();

        private final DeliveryTable.Held held;

        private Transaction(DeliveryTable.Held held) {
            this.held = held;
        }

        /**
         * The transaction of the delivery whose handlers run on this thread right now, if it came from a
         * {@code JdbcDeliveryStore}; empty otherwise (another store, an {@code @Async} listener's thread, after the
         * handlers returned).
         */
        public static Optional<Transaction> current() {
            DeliveryTable.Held held = CURRENT.get();
            return held == null || held.isOver() ? Optional.empty() : Optional.of(new Transaction(held));
        }

        /**
         * The delivery's connection, in the transaction postcall commits with its done mark once the handlers
         * return; the same one on every call.
         *
         * @throws SQLException when the store's DataSource gives no connection, the handlers are over, or
         *                      {@link #markHandled} was used
         */
        public Connection connection() throws SQLException {
            return held.connection();
        }

        /**
         * Marks the delivery handled inside the caller's own transaction on {@code connection} (a connection of the
         * store's DataSource, not in autoCommit), which the caller commits: the delivery is handled when, and only
         * if, that transaction commits; postcall records nothing more afterwards. For integrations whose
         * transactions something else runs (the Spring Boot starter: Spring's transaction around the listeners).
         * Call it last, after the delivery's work.
         *
         * @throws SQLException when the connection is in autoCommit, the handlers are over, {@link #connection()} was
         *                      used, or another node took the delivery over meanwhile (then roll back: that node
         *                      handles it)
         */
        public void markHandled(Connection connection) throws SQLException {
            held.markHandledIn(Objects.requireNonNull(connection, "connection"));
        }

        /** From now on {@code held} is this thread's delivery (its claim was just taken on this thread). */
        static void bind(DeliveryTable.Held held) {
            CURRENT.set(held);
        }

        /** {@code held} is over: this thread lets go of it (when it is the one finishing it). */
        static void unbind(DeliveryTable.Held held) {
            if (CURRENT.get() == held) {
                CURRENT.remove();
            }
        }
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
     * @param takeoverAfter       how long a claim may go without its node keeping it alive before another node
     *                            takes it over (its node died); default ten minutes. The node handling a delivery
     *                            keeps the claim alive three times per this age, however long its handlers run
     * @param pollInterval        the first pause of a request waiting for another one of the same key on another
     *                            node, before it looks again; the pauses double up to one second; default 50 ms (a
     *                            request waiting for one on its own node is told at once)
     * @param maintenanceInterval how often the store's background thread prunes done rows and moves stale claims to
     *                            failed; default one minute; zero for never (then call {@link #prune()} and
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
