package dev.postcall.jdbc;

import dev.postcall.BodySource;
import dev.postcall.spi.DeliveryStore;
import dev.postcall.spi.DeliveryStore.Delivery;
import dev.postcall.spi.DeliveryStore.Kept;
import dev.postcall.spi.DeliveryStore.StoreException;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * The store's engine: the delivery table as the write-ahead inbox and the ledger at once, every change a short
 * transaction and every claim a conditional statement that succeeds for exactly one node.
 *
 * <table>
 *   <caption>The states of a row</caption>
 *   <tr><th>state</th><th>how a row gets there</th><th>what a new delivery of its key does</th></tr>
 *   <tr><td>{@code received}</td><td>inserted with its body, committed before the handlers run; from {@code failed}
 *       when delivered again; a stale claim taken over</td><td>waits for the outcome (polling, up to the request's
 *       wait), then answers by it; takes over a claim older than the take-over age (its node died)</td></tr>
 *   <tr><td>{@code done}</td><td>the handlers succeeded; the body is dropped, the row kept as the ledger's memory
 *       until the retention has passed, then pruned</td><td>not dispatched again</td></tr>
 *   <tr><td>{@code failed}</td><td>a handler threw (body, attempts and the failure's class name kept); a stale claim
 *       moved by maintenance ({@value #INTERRUPTED})</td><td>claims it ({@code → received}) and dispatches it
 *       again</td></tr>
 *   <tr><td>{@code replaying}</td><td>a replay claimed it ({@code failed → replaying}); it ends {@code done} or
 *       {@code failed}</td><td>waits, as for {@code received}</td></tr>
 * </table>
 *
 * <p>A claim is the row's {@code claim_token}: every later change names it ({@code WHERE id = ? AND claim_token =
 * ?}), so a node whose claim was taken over cannot overwrite the new holder's outcome.
 */
final class DeliveryTable {

    private static final System.Logger LOG = System.getLogger("dev.postcall.jdbc");

    static final String RECEIVED = "received";
    static final String REPLAYING = "replaying";
    static final String FAILED = "failed";
    static final String DONE = "done";
    /** The failure class recorded for a delivery whose node stopped while dispatching it. */
    static final String INTERRUPTED = Kept.INTERRUPTED;

    static final int TYPE_LENGTH = 128;
    static final int CONVERSATION_ID_LENGTH = 255;
    static final int TEXT_LENGTH = 255;

    /** How often a request retries at once after losing a race, before it waits a poll interval. */
    private static final int IMMEDIATE_RETRIES = 3;

    private final Sql sql;
    private final Tables tables;
    private final JdbcDeliveryStore.Options options;
    private final Clock clock;
    private final String nodeId;
    private final AtomicLong tokens = new AtomicLong();
    private final AtomicLong nextMaintenance;
    /** How long done rows stay: the options' retention, or longer while backfill needs them ({@link #keepDoneFor}). */
    private volatile Duration doneRetention;
    /**
     * Outcomes this node could not record (the database failed), by claim token: the handlers are over, so the claim
     * is, in this process. The next admit of the key (or maintenance) records them; a restart leaves the row to the
     * recovery of interrupted deliveries.
     */
    private final Map<String, Sql.Work<Integer>> unrecorded = new ConcurrentHashMap<>();

    private final String insertDelivery;
    private final String insertChunk;
    private final String selectChunk;
    private final String findByKey;
    private final String reclaimFailed;
    private final String takeOver;
    private final String claimForReplay;
    private final String selectClaimed;
    private final String markDone;
    private final String dropBody;
    private final String markFailed;
    private final String listFailed;
    private final String listFailedAfter;
    private final String countFailed;
    private final String selectBodyLength;
    private final String prune;
    private final String recoverStale;
    private final String recoverOwn;

    DeliveryTable(DataSource dataSource, Tables tables, JdbcDeliveryStore.Options options, Clock clock) {
        this.sql = new Sql(dataSource, options.statementTimeout());
        this.tables = tables;
        this.options = options;
        this.clock = clock;
        this.nodeId = options.nodeId() != null ? options.nodeId()
                : "node-" + ProcessHandle.current().pid() + "-" + Long.toHexString(random() & 0xffffffL);
        this.nextMaintenance = new AtomicLong(clock.millis());
        this.doneRetention = options.retention();
        String d = tables.delivery();
        String columns = "id, event_type, conversation_id, event_timestamp, state, attempts, failure_class, owner_node,"
                + " claim_token, received_at, updated_at, done_at, signature_timestamp, content_type, body_length";
        String claim = " SET state = ?, owner_node = ?, claim_token = ?, updated_at = ?, attempts = attempts + 1";
        String unclaim = "owner_node = NULL, claim_token = NULL, updated_at = ?";
        String inFlight = "state IN ('" + RECEIVED + "', '" + REPLAYING + "')";
        String failedColumns = "SELECT id, event_type, conversation_id, event_timestamp, received_at, updated_at,"
                + " attempts, failure_class, content_type, signature_timestamp, body_length FROM " + d
                + " WHERE state = '" + FAILED + "'";
        insertDelivery = "INSERT INTO " + d + " (" + columns + ") VALUES (?, ?, ?, ?, '" + RECEIVED + "', 1, NULL, ?, ?,"
                + " ?, ?, NULL, ?, ?, ?)";
        insertChunk = "INSERT INTO " + tables.chunk() + " (delivery_id, chunk_no, chunk_data) VALUES (?, ?, ?)";
        selectChunk = "SELECT chunk_data FROM " + tables.chunk() + " WHERE delivery_id = ? AND chunk_no = ?";
        findByKey = "SELECT id, state, claim_token, updated_at, attempts, body_length FROM " + d
                + " WHERE event_type = ? AND conversation_id = ? AND event_timestamp = ?";
        reclaimFailed = "UPDATE " + d + claim + " WHERE id = ? AND state = '" + FAILED + "'";
        takeOver = "UPDATE " + d + claim + " WHERE id = ? AND claim_token = ? AND " + inFlight;
        claimForReplay = reclaimFailed;
        selectClaimed = "SELECT event_type, conversation_id, attempts, body_length FROM " + d
                + " WHERE id = ? AND claim_token = ?";
        markDone = "UPDATE " + d + " SET state = '" + DONE + "', " + unclaim + ", done_at = ?, body_length = NULL"
                + " WHERE id = ? AND claim_token = ?";
        dropBody = "DELETE FROM " + tables.chunk() + " WHERE delivery_id = ?";
        markFailed = "UPDATE " + d + " SET state = '" + FAILED + "', " + unclaim + ", failure_class = ?"
                + " WHERE id = ? AND claim_token = ?";
        listFailed = failedColumns + " ORDER BY received_at, id";
        listFailedAfter = failedColumns + " AND (received_at > ? OR (received_at = ? AND id > ?)) ORDER BY received_at, id";
        countFailed = "SELECT COUNT(*) FROM " + d + " WHERE state = '" + FAILED + "'";
        selectBodyLength = "SELECT body_length FROM " + d + " WHERE id = ?";
        prune = "DELETE FROM " + d + " WHERE state = '" + DONE + "' AND updated_at < ?";
        String toFailed = "UPDATE " + d + " SET state = '" + FAILED + "', " + unclaim + ", failure_class = '"
                + INTERRUPTED + "' WHERE " + inFlight + " AND ";
        recoverStale = toFailed + "updated_at < ?";
        recoverOwn = toFailed + "owner_node = ?";
    }

    Sql sql() {
        return sql;
    }

    String selectChunk() {
        return selectChunk;
    }

    Tables tables() {
        return tables;
    }

    /** This node's name in {@code owner_node}. */
    String nodeId() {
        return nodeId;
    }

    // ---- the request path ----

    /**
     * Stores and claims a delivery, committed before this returns, so the handlers run only on a delivery that
     * survives this node. A key seen before is answered by its row: {@code done} is not dispatched again;
     * {@code failed} is claimed and dispatched again (its stored body is kept: a retry carries the same payload); one
     * being dispatched by another request is waited for (polling, at most {@code maxWait}), then answered by its
     * outcome, or taken over when its claim is older than the take-over age (its node died).
     *
     * @throws SQLException when the database cannot store it: the delivery must not be dispatched; the message names
     *                      the statement and SQLState, never a value
     */
    DeliveryStore.Admission admit(Delivery arrival, Duration maxWait) throws SQLException, InterruptedException {
        maintainIfDue();
        BodySource body = arrival.body();
        Key key = Key.of(arrival);
        long deadline = System.nanoTime() + Math.max(0, maxWait.toNanos());
        int immediate = 0;
        while (true) {
            Row row = key == null ? null : find(key);
            Held held = null;
            if (row == null) {
                held = insert(arrival, key, body);
            } else {
                switch (row.state()) {
                    case DONE:
                        return new DeliveryStore.Duplicate();
                    case FAILED:
                        held = claim(row, reclaimFailed, null, arrival);
                        break;
                    case RECEIVED:
                    case REPLAYING:
                        if (recordLate(row.token())) {
                            continue; // its outcome is recorded now: answer by it
                        }
                        if (clock.millis() - row.updatedAt() > options.takeoverAfter().toMillis()) {
                            held = claim(row, takeOver, row.token(), arrival);
                            if (held != null) {
                                LOG.log(Level.WARNING, "postcall delivery store: took over {0} of conversation {1}"
                                        + " (delivery {2}): its claim was older than {3}, its node stopped",
                                        arrival.type(), arrival.conversationId(), Long.toString(row.id()),
                                        options.takeoverAfter());
                            }
                        } else {
                            immediate = IMMEDIATE_RETRIES; // being handled: wait for it
                        }
                        break;
                    default:
                        throw new SQLException("postcall delivery store: delivery " + row.id() + " is in state '"
                                + row.state() + "', which this version does not know");
                }
            }
            if (held != null) {
                return new DeliveryStore.Dispatch(held);
            }
            // lost a race (the other's row is visible now): answer by it at once, a few times, then poll
            if (immediate++ < IMMEDIATE_RETRIES) {
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return new DeliveryStore.InProgress();
            }
            Thread.sleep(Math.max(1, Math.min(options.pollInterval().toMillis(), left / 1_000_000)));
        }
    }

    /**
     * Records the outcome this node could not record for the claim {@code token}, if any.
     *
     * @return whether there was one (now recorded)
     * @throws SQLException when the database still fails
     */
    private boolean recordLate(String token) throws SQLException {
        Sql.Work<Integer> work = token == null ? null : unrecorded.get(token);
        if (work == null) {
            return false;
        }
        sql.transaction("recording an earlier outcome", work);
        unrecorded.remove(token);
        return true;
    }

    /** Records every outcome this node could not record; those that still fail stay for the next time. */
    int recordUnrecorded() {
        int recorded = 0;
        for (String token : List.copyOf(unrecorded.keySet())) {
            try {
                if (recordLate(token)) {
                    recorded++;
                }
            } catch (SQLException e) {
                LOG.log(Level.DEBUG, "postcall delivery store: an earlier outcome is still not recorded ({0})",
                        e.getMessage());
                break;
            }
        }
        return recorded;
    }

    private Row find(Key key) throws SQLException {
        return sql.transaction("looking up a delivery", c -> {
            try (PreparedStatement s = sql.prepare(c, findByKey)) {
                s.setString(1, key.type());
                s.setString(2, key.conversationId());
                s.setLong(3, key.eventTimestamp());
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    return new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getInt(5),
                            nullableLength(rs, 6));
                }
            }
        });
    }

    /** The write-ahead record and the claim: the body's chunks, then the row, in one transaction; null if taken. */
    private Held insert(Delivery arrival, Key key, BodySource body) throws SQLException {
        long id = random() & Long.MAX_VALUE;
        String token = newToken();
        long now = clock.millis();
        long stored;
        try {
            stored = sql.transaction("storing a delivery", c -> {
                long length = StoredBody.write(sql, c, insertChunk, id, body);
                try (PreparedStatement s = sql.prepare(c, insertDelivery)) {
                    s.setLong(1, id);
                    s.setString(2, key != null ? key.type() : storable(arrival.type(), TYPE_LENGTH));
                    s.setString(3, key != null ? key.conversationId() : null);
                    // the key's timestamp (0 for the types sent once per conversation), or lookups by key miss
                    s.setLong(4, key != null ? key.eventTimestamp() : arrival.eventTimestamp());
                    s.setString(5, nodeId);
                    s.setString(6, token);
                    s.setLong(7, now);
                    s.setLong(8, now);
                    s.setLong(9, arrival.signatureTimestamp());
                    s.setString(10, arrival.contentType() == null ? null
                            : storable(arrival.contentType(), TEXT_LENGTH));
                    s.setLong(11, length);
                    s.executeUpdate();
                }
                return length;
            });
        } catch (SQLException e) {
            if (Dialect.isUniqueViolation(e)) {
                return null; // another request stored this key first (or, once in 2^63, the id was taken)
            }
            throw e;
        }
        return new Held(id, token, 1, stored, arrival.type(), body);
    }

    /** A conditional update that makes this node the row's holder; null when another got there first. */
    private Held claim(Row row, String statement, String expectedToken, Delivery arrival) throws SQLException {
        String token = newToken();
        boolean claimed = sql.transaction("claiming a delivery",
                c -> takeClaim(c, statement, RECEIVED, token, row.id(), expectedToken) == 1);
        if (!claimed) {
            return null;
        }
        return new Held(row.id(), token, row.attempts() + 1, row.bodyLength(), arrival.type(), arrival.body());
    }

    /** Runs one of the claiming updates ({@code SET state, owner_node, claim_token, updated_at WHERE id [token]}). */
    private int takeClaim(Connection c, String statement, String state, String token, long id, String expectedToken)
            throws SQLException {
        try (PreparedStatement s = sql.prepare(c, statement)) {
            s.setString(1, state);
            s.setString(2, nodeId);
            s.setString(3, token);
            s.setLong(4, clock.millis());
            s.setLong(5, id);
            if (expectedToken != null) {
                s.setString(6, expectedToken);
            }
            return s.executeUpdate();
        }
    }

    // ---- failed deliveries ----

    /**
     * The failed deliveries, oldest first, after {@code after} (exclusive, {@code null} from the start), at most
     * {@code max}. Paging by the last one seen lets a replay walk them all once, even while others fail again.
     */
    List<Kept> listFailed(Kept after, int max) throws SQLException {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1");
        }
        return sql.transaction("listing failed deliveries", c -> {
            try (PreparedStatement s = sql.prepare(c, after == null ? listFailed : listFailedAfter)) {
                s.setMaxRows(max);
                if (after != null) {
                    s.setLong(1, after.receivedAt().toEpochMilli());
                    s.setLong(2, after.receivedAt().toEpochMilli());
                    s.setLong(3, rowId(after));
                }
                List<Kept> failed = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next() && failed.size() < max) {
                        failed.add(new Kept(Long.toString(rs.getLong(1)), rs.getString(2),
                                rs.getString(3), rs.getLong(4), Instant.ofEpochMilli(rs.getLong(5)),
                                Instant.ofEpochMilli(rs.getLong(6)), rs.getInt(7), rs.getString(8), rs.getString(9),
                                rs.getLong(10), nullableLength(rs, 11)));
                    }
                }
                return failed;
            }
        });
    }

    /** How many deliveries are {@code failed}, waiting for a replay. */
    int countFailed() throws SQLException {
        return sql.transaction("counting failed deliveries", c -> {
            try (PreparedStatement s = sql.prepare(c, countFailed); ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    /** A kept delivery's row id; the ids this table hands out are decimal row ids. */
    static long rowId(Kept kept) throws SQLException {
        try {
            return Long.parseLong(kept.id());
        } catch (NumberFormatException e) {
            throw new SQLException("postcall delivery store: '" + kept.id() + "' is not a delivery id of this store");
        }
    }

    /**
     * Claims a failed delivery for a replay on this node ({@code failed → replaying}): of two nodes replaying at once
     * exactly one gets it. Empty when it is no longer failed (replayed or claimed elsewhere, or delivered again).
     */
    Optional<DeliveryStore.Claim> claimForReplay(long id) throws SQLException {
        String token = newToken();
        Held held = sql.transaction("claiming a failed delivery for replay", c -> {
            if (takeClaim(c, claimForReplay, REPLAYING, token, id, null) != 1) {
                return null;
            }
            try (PreparedStatement s = sql.prepare(c, selectClaimed)) {
                s.setLong(1, id);
                s.setString(2, token);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("postcall delivery store: delivery " + id + " vanished while claimed");
                    }
                    long bodyLength = nullableLength(rs, 4);
                    return new Held(id, token, rs.getInt(3), bodyLength, rs.getString(1),
                            new StoredBody(DeliveryTable.this, id, Math.max(0, bodyLength)));
                }
            }
        });
        return Optional.ofNullable(held);
    }

    /** The stored body of a delivery, read back chunk by chunk; empty when the row holds none (any longer). */
    Optional<BodySource> openBody(long id) throws SQLException {
        long length = sql.transaction("reading a delivery", c -> {
            try (PreparedStatement s = sql.prepare(c, selectBodyLength)) {
                s.setLong(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return -1L;
                    }
                    return nullableLength(rs, 1);
                }
            }
        });
        return length < 0 ? Optional.empty() : Optional.of(new StoredBody(this, id, length));
    }

    // ---- maintenance ----

    /** Keeps done rows at least {@code retention} from now on (backfill asks); never shortens it. */
    void keepDoneFor(Duration retention) {
        if (retention.compareTo(doneRetention) > 0) {
            doneRetention = retention;
        }
    }

    /** How long done rows stay now. */
    Duration doneRetention() {
        return doneRetention;
    }

    /** Deletes done rows older than the retention; failed ones stay until replayed. */
    int prune() throws SQLException {
        long before = clock.millis() - doneRetention.toMillis();
        return sql.transaction("pruning done deliveries", c -> {
            try (PreparedStatement s = sql.prepare(c, prune)) {
                s.setLong(1, before);
                return s.executeUpdate();
            }
        });
    }

    /**
     * Moves deliveries whose dispatch was interrupted to {@code failed}: those whose claim is older than the take-over
     * age and, when {@code ownToo}, those this node's id holds (a previous run of this node with the same configured
     * node id).
     *
     * @return how many were moved to {@code failed}
     */
    int recoverInterrupted(boolean ownToo) throws SQLException {
        long now = clock.millis();
        long staleBefore = now - options.takeoverAfter().toMillis();
        return sql.transaction("recovering interrupted deliveries", c -> {
            int moved = update(c, recoverStale, now, staleBefore);
            if (ownToo) {
                moved += update(c, recoverOwn, now, nodeId);
            }
            return moved;
        });
    }

    private int update(Connection c, String statement, long now, Object condition) throws SQLException {
        try (PreparedStatement s = sql.prepare(c, statement)) {
            s.setLong(1, now);
            s.setObject(2, condition);
            return s.executeUpdate();
        }
    }

    /** Runs pruning and recovery of stale claims on a request thread, at most once per maintenance interval. */
    private void maintainIfDue() {
        Duration interval = options.maintenanceInterval();
        if (interval.isZero()) {
            return;
        }
        long now = clock.millis();
        long due = nextMaintenance.get();
        if (now < due || !nextMaintenance.compareAndSet(due, now + interval.toMillis())) {
            return;
        }
        try {
            recordUnrecorded();
            int pruned = prune();
            int recovered = recoverInterrupted(false);
            if (recovered > 0) {
                LOG.log(Level.WARNING, "postcall delivery store: {0} delivery(ies) whose node stopped while dispatching"
                        + " them moved to failed; replay them", recovered);
            }
            LOG.log(Level.DEBUG, "postcall delivery store: pruned {0} done delivery(ies)", pruned);
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "postcall delivery store: maintenance failed, tried again in {0}: {1}", interval,
                    e.getMessage());
        }
    }

    // ---- schema ----

    /** Creates the tables (if they do not exist) with the dialect's DDL, each statement committed on its own. */
    void createSchema(Dialect dialect) throws SQLException {
        List<String> statements = dialect.statements(tables);
        try {
            sql.transaction("creating the tables", c -> {
                try (Statement s = c.createStatement()) {
                    for (String ddl : statements) {
                        s.execute(ddl);
                        c.commit();
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            // two nodes starting at once can race on CREATE ... IF NOT EXISTS: fine if the tables are there now
            try {
                verifySchema(dialect);
            } catch (SQLException notThere) {
                throw e;
            }
        }
    }

    /** Checks that both tables exist with every column the store uses. */
    void verifySchema(Dialect dialect) throws SQLException {
        try {
            sql.transaction("checking the tables", c -> {
                try (Statement s = c.createStatement()) {
                    s.executeQuery("SELECT id, event_type, conversation_id, event_timestamp, state, attempts,"
                            + " failure_class, owner_node, claim_token, received_at, updated_at, done_at,"
                            + " signature_timestamp, content_type, body_length FROM " + tables.delivery()
                            + " WHERE 1 = 0").close();
                    s.executeQuery("SELECT delivery_id, chunk_no, chunk_data FROM " + tables.chunk() + " WHERE 1 = 0")
                            .close();
                }
                return null;
            });
        } catch (SQLException e) {
            throw new SQLException("postcall delivery store: the tables " + tables.delivery() + " and "
                    + tables.chunk() + " are missing or lack columns (" + e.getMessage() + "); create them with"
                    + " dev/postcall/jdbc/" + (dialect == null ? "postgresql.sql (or mysql.sql, h2.sql)"
                    : dialect.resource()) + " from postcall-core's jar, or set createSchema(true)",
                    e.getSQLState(), e.getErrorCode());
        }
    }

    // ---- helpers ----

    /** A {@code body_length} column: -1 for NULL (no body held). */
    private static long nullableLength(ResultSet rs, int column) throws SQLException {
        long length = rs.getLong(column);
        return rs.wasNull() ? -1 : length;
    }

    private String newToken() {
        return Long.toHexString(random()) + "-" + Long.toHexString(tokens.incrementAndGet());
    }

    private static long random() {
        return ThreadLocalRandom.current().nextLong();
    }

    /**
     * A value the three databases store as it is: at most {@code max} characters, no NUL (PostgreSQL refuses it in
     * text) and no lone surrogate (no UTF-8 form); otherwise those characters become '?' and the rest is cut.
     * Trailing spaces are kept (they only keep a value from being a key: {@link #isStorable}).
     */
    static String storable(String s, int max) {
        if (isStorable(s, max)) {
            return s;
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), max));
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                if (b.length() + 2 > max) {
                    break;
                }
                b.append(c).append(s.charAt(++i));
            } else {
                b.append(c == 0 || Character.isSurrogate(c) ? '?' : c);
            }
        }
        return b.toString();
    }

    static boolean isStorable(String s, int max) {
        if (s.length() > max || s.endsWith(" ")) {
            return false; // MySQL's and MariaDB's collations ignore trailing spaces: "a" and "a " would be one key
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return false;
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** A delivery's identity as stored; null for one never recognised again. */
    private record Key(String type, String conversationId, long eventTimestamp) {
        static Key of(Delivery arrival) {
            if (arrival.key() == null) {
                return null;
            }
            if (!isStorable(arrival.type(), TYPE_LENGTH)
                    || !isStorable(arrival.conversationId(), CONVERSATION_ID_LENGTH)) {
                // a key the columns cannot hold exactly is not guessed at: dispatched always, like one without an id
                LOG.log(Level.DEBUG, "postcall delivery store: a delivery whose type or conversation id does not fit"
                        + " the key's columns is stored without its key and always dispatched");
                return null;
            }
            return new Key(arrival.type(), arrival.conversationId(), arrival.key().eventTimestamp());
        }
    }

    /** The columns of a keyed row a request answers by; {@code bodyLength} -1 when it holds no body. */
    private record Row(long id, String state, String token, long updatedAt, int attempts, long bodyLength) { }

    /** A claim this node holds on a row, identified by its token. */
    final class Held implements DeliveryStore.Claim {
        private final long id;
        private final String token;
        private final int attempt;
        private final long bodyLength;
        private final String type;
        private final BodySource body;
        private final AtomicBoolean reported = new AtomicBoolean();

        Held(long id, String token, int attempt, long bodyLength, String type, BodySource body) {
            this.id = id;
            this.token = token;
            this.attempt = attempt;
            this.bodyLength = bodyLength;
            this.type = type;
            this.body = body;
        }

        /** The row's id, unique in the table. */
        long id() {
            return id;
        }

        @Override
        public BodySource body() {
            return body;
        }

        @Override
        public int attempt() {
            return attempt;
        }

        @Override
        public void handled() throws StoreException {
            report("done", c -> {
                long now = clock.millis();
                int updated;
                try (PreparedStatement s = sql.prepare(c, markDone)) {
                    s.setLong(1, now);
                    s.setLong(2, now);
                    s.setLong(3, id);
                    s.setString(4, token);
                    updated = s.executeUpdate();
                }
                if (updated == 1 && bodyLength > 0) {
                    try (PreparedStatement s = sql.prepare(c, dropBody)) {
                        s.setLong(1, id);
                        s.executeUpdate();
                    }
                }
                return updated;
            });
        }

        @Override
        public boolean failed(Throwable cause) throws StoreException {
            String failureClass = storable(cause == null ? "unknown" : cause.getClass().getName(), TEXT_LENGTH);
            report("failed", c -> {
                try (PreparedStatement s = sql.prepare(c, markFailed)) {
                    s.setLong(1, clock.millis());
                    s.setString(2, failureClass);
                    s.setLong(3, id);
                    s.setString(4, token);
                    return s.executeUpdate();
                }
            });
            return true;
        }

        private void report(String outcome, Sql.Work<Integer> work) throws StoreException {
            if (!reported.compareAndSet(false, true)) {
                throw new IllegalStateException("delivery " + id + " was reported already");
            }
            int updated;
            try {
                updated = sql.transaction("recording a " + (outcome.equals("done") ? "handled" : "failed")
                        + " delivery", work);
            } catch (SQLException | RuntimeException e) {
                // recorded at the next admit of the key, or by maintenance; the WHERE claim_token keeps it harmless
                // when another node took the claim over meanwhile
                unrecorded.put(token, work);
                throw new StoreException("postcall delivery store: " + type + " (delivery " + id + ") could not be"
                        + " recorded as " + outcome + " (" + e.getMessage() + "); it is recorded when the database is"
                        + " back, or, if this node stops first, moved to failed at its restart (or after "
                        + options.takeoverAfter() + ") and may be handled again", e);
            }
            if (updated != 1) {
                throw new StoreException("postcall delivery store: " + type + " (delivery " + id + ") was taken over"
                        + " by another node (its claim outlived " + options.takeoverAfter() + ") before this one"
                        + " recorded it as " + outcome + "; it may be handled twice");
            }
        }
    }
}
