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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store's engine: the delivery table as the write-ahead inbox and the ledger at once, every change a short
 * transaction (most of them one statement) and every claim a conditional statement that succeeds for exactly one
 * node.
 *
 * <table>
 *   <caption>The states of a row</caption>
 *   <tr><th>state</th><th>how a row gets there</th><th>what a new delivery of its key does</th></tr>
 *   <tr><td>{@code received}</td><td>inserted with its body, committed before the handlers run; from {@code failed}
 *       when delivered again; a stale claim taken over</td><td>waits for the outcome (up to the request's wait),
 *       then answers by it; takes over a claim whose node stopped keeping it alive for the take-over age</td></tr>
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
 * ?}), so a node whose claim was taken over cannot overwrite the new holder's outcome. While this node holds a claim
 * it refreshes the row's {@code updated_at} ({@link #heartbeat()}, on the store's background thread), so a handler
 * that runs longer than the take-over age is not taken over; every time the table holds is the database's clock
 * (the {@link Dialect#now()} expression), so a node whose clock is off neither takes over a live claim nor lets a
 * dead one sit.
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

    /** The longest pause of a request waiting for another claim of its key, between two looks at the row. */
    static final Duration LONGEST_PAUSE = Duration.ofSeconds(1);

    /** How many times in a row the key that blocked an insert may be found gone before that is an error. */
    private static final int VANISHED_ROWS = 5;

    private final Sql sql;
    private final Tables tables;
    private final JdbcDeliveryStore.Options options;
    /** The node's clock when a test (or a database without a known dialect) gives one; null: the database's. */
    private final Clock clock;
    /** The database's dialect, or null for one without shipped DDL. */
    private final Dialect dialect;
    private final String nodeId;
    private final AtomicLong tokens = new AtomicLong();
    /** How long done rows stay: the options' retention, or longer while backfill needs them ({@link #keepDoneFor}). */
    private volatile Duration doneRetention;
    /**
     * Outcomes this node could not record (the database failed), by claim token: the handlers are over, so the claim
     * is, in this process. The next admit of the key (or the background thread) records them; a restart leaves the
     * row to the recovery of interrupted deliveries.
     */
    private final Map<String, Sql.Work<Integer>> unrecorded = new ConcurrentHashMap<>();
    /** The claims this node holds, by token: kept alive by the heartbeat, waited on by requests of the same key. */
    private final Map<String, Held> live = new ConcurrentHashMap<>();

    private final String insertDelivery;
    private final String insertDeliveryAndChunk;
    private final String insertChunk;
    private final String selectChunk;
    private final String findByKey;
    private final String reclaimFailed;
    private final String takeOver;
    private final String claimForReplay;
    private final String selectClaimed;
    private final String keepAlive;
    private final String markDone;
    private final String markDoneAndDropBody;
    private final String dropBody;
    private final String markFailed;
    private final String listFailed;
    private final String listFailedAfter;
    private final String countFailed;
    private final String selectBodyLength;
    private final String prune;
    private final String recoverStale;
    private final String recoverOwn;

    /**
     * @param clock   the node's clock for every time the table holds, or {@code null} for the database's (then
     *                {@code dialect} must be known)
     * @param dialect the database's dialect, or {@code null} for one without shipped DDL
     */
    DeliveryTable(Sql sql, Tables tables, JdbcDeliveryStore.Options options, Clock clock, Dialect dialect) {
        if (clock == null && dialect == null) {
            throw new IllegalArgumentException("the database's clock needs a known dialect");
        }
        this.sql = sql;
        this.tables = tables;
        this.options = options;
        this.clock = clock;
        this.dialect = dialect;
        this.nodeId = options.nodeId() != null ? options.nodeId()
                : "node-" + ProcessHandle.current().pid() + "-" + Long.toHexString(random() & 0xffffffL);
        // the time a statement writes or compares: the database's own, or a parameter (MariaDB binds it literally,
        // the others need its type to subtract from it)
        String now = clock == null ? dialect.now() : dialect == Dialect.MYSQL ? "?" : "CAST(? AS BIGINT)";
        this.doneRetention = options.retention();
        String d = tables.delivery();
        String columns = "id, event_type, conversation_id, event_timestamp, state, attempts, failure_class, owner_node,"
                + " claim_token, received_at, updated_at, done_at, signature_timestamp, content_type, body_length";
        String claim = " SET state = ?, owner_node = ?, claim_token = ?, updated_at = " + now
                + ", attempts = attempts + 1";
        String unclaim = "owner_node = NULL, claim_token = NULL, updated_at = " + now;
        String inFlight = "state IN ('" + RECEIVED + "', '" + REPLAYING + "')";
        String failedColumns = "SELECT id, event_type, conversation_id, event_timestamp, received_at, updated_at,"
                + " attempts, failure_class, content_type, signature_timestamp, body_length FROM " + d
                + " WHERE state = '" + FAILED + "'";
        boolean ifAbsent = dialect != null && dialect.insertsIfAbsent();
        String insert = "INSERT INTO " + d + " (" + columns + ") VALUES (?, ?, ?, ?, '" + RECEIVED + "', 1, NULL, ?, ?, "
                + now + ", " + now + ", NULL, ?, ?, ?)" + (ifAbsent ? " ON CONFLICT DO NOTHING" : "");
        insertDelivery = insert;
        // PostgreSQL: the row and its one chunk in one statement, a transaction of its own; no chunk when the key is
        // taken
        insertDeliveryAndChunk = ifAbsent ? "WITH d AS (" + insert + " RETURNING id) INSERT INTO " + tables.chunk()
                + " (delivery_id, chunk_no, chunk_data) SELECT id, 0, ? FROM d" : null;
        insertChunk = "INSERT INTO " + tables.chunk() + " (delivery_id, chunk_no, chunk_data) VALUES (?, ?, ?)";
        selectChunk = "SELECT chunk_data FROM " + tables.chunk() + " WHERE delivery_id = ? AND chunk_no = ?";
        findByKey = "SELECT id, state, claim_token, attempts, body_length, CASE WHEN updated_at < " + now
                + " - ? THEN 1 ELSE 0 END FROM " + d
                + " WHERE event_type = ? AND conversation_id = ? AND event_timestamp = ?";
        reclaimFailed = "UPDATE " + d + claim + " WHERE id = ? AND state = '" + FAILED + "'";
        takeOver = "UPDATE " + d + claim + " WHERE id = ? AND claim_token = ? AND " + inFlight + " AND updated_at < "
                + now + " - ?";
        claimForReplay = reclaimFailed;
        selectClaimed = "SELECT event_type, conversation_id, attempts, body_length FROM " + d
                + " WHERE id = ? AND claim_token = ?";
        keepAlive = "UPDATE " + d + " SET updated_at = " + now + " WHERE id = ? AND claim_token = ? AND " + inFlight;
        markDone = "UPDATE " + d + " SET state = '" + DONE + "', " + unclaim + ", done_at = " + now
                + ", body_length = NULL WHERE id = ? AND claim_token = ?";
        dropBody = "DELETE FROM " + tables.chunk() + " WHERE delivery_id = ?";
        // PostgreSQL: done and the body dropped in one statement; the count is that of the rows marked done
        markDoneAndDropBody = ifAbsent ? "WITH u AS (" + markDone + " RETURNING id), c AS (DELETE FROM "
                + tables.chunk() + " WHERE delivery_id IN (SELECT id FROM u)) SELECT COUNT(*) FROM u" : null;
        markFailed = "UPDATE " + d + " SET state = '" + FAILED + "', " + unclaim + ", failure_class = ?"
                + " WHERE id = ? AND claim_token = ?";
        listFailed = failedColumns + " ORDER BY received_at, id";
        listFailedAfter = failedColumns + " AND (received_at > ? OR (received_at = ? AND id > ?)) ORDER BY received_at, id";
        countFailed = "SELECT COUNT(*) FROM " + d + " WHERE state = '" + FAILED + "'";
        selectBodyLength = "SELECT body_length FROM " + d + " WHERE id = ?";
        prune = "DELETE FROM " + d + " WHERE state = '" + DONE + "' AND updated_at < " + now + " - ?";
        String toFailed = "UPDATE " + d + " SET state = '" + FAILED + "', " + unclaim + ", failure_class = '"
                + INTERRUPTED + "' WHERE " + inFlight + " AND ";
        recoverStale = toFailed + "updated_at < " + now + " - ?";
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

    /** Whether the times the table holds are the database's clock (not a node's). */
    boolean onDatabaseClock() {
        return clock == null;
    }

    // ---- the request path ----

    /**
     * Stores and claims a delivery, committed before this returns, so the handlers run only on a delivery that
     * survives this node. The insert comes first (one statement on PostgreSQL, body included): a new delivery, the
     * common case, costs no lookup. Only when its key is taken is the row read and answered by: {@code done} is not
     * dispatched again; {@code failed} is claimed and dispatched again (its stored body is kept: a retry carries the
     * same payload); one being dispatched elsewhere is waited for (at most {@code maxWait}, looking again after pauses
     * that double up to {@link #LONGEST_PAUSE}; at once when this node holds it), then answered by its outcome, or
     * taken over when its claim has not been kept alive for the take-over age (its node died).
     *
     * @throws SQLException when the database cannot store it: the delivery must not be dispatched; the message names
     *                      the statement and SQLState, never a value
     */
    DeliveryStore.Admission admit(Delivery arrival, Duration maxWait) throws SQLException, InterruptedException {
        Key key = Key.of(arrival);
        long deadline = System.nanoTime() + Math.max(0, maxWait.toNanos());
        Held held = insert(arrival, key);
        if (held != null) {
            return new DeliveryStore.Dispatch(held);
        }
        long pause = options.pollInterval().toNanos();
        int vanished = 0;
        while (true) {
            Row row = key == null ? null : find(key);
            if (row == null) {
                // what blocked the insert is gone (pruned meanwhile), or a keyless delivery drew a taken id
                if (++vanished > VANISHED_ROWS) {
                    throw new SQLException("postcall delivery store: storing a delivery failed: its insert conflicts"
                            + " with a row that cannot be found (a unique key on " + tables.delivery()
                            + " that the store does not know?)");
                }
                held = insert(arrival, key);
                if (held != null) {
                    return new DeliveryStore.Dispatch(held);
                }
                continue;
            }
            vanished = 0;
            switch (row.state()) {
                case DONE:
                    return new DeliveryStore.Duplicate();
                case FAILED:
                    held = claim(row, reclaimFailed, null, arrival);
                    if (held != null) {
                        return new DeliveryStore.Dispatch(held);
                    }
                    continue; // another request claimed it first: answer by that claim
                case RECEIVED:
                case REPLAYING:
                    if (recordLate(row.token())) {
                        continue; // its outcome is recorded now: answer by it
                    }
                    if (row.stale()) {
                        held = claim(row, takeOver, row.token(), arrival);
                        if (held != null) {
                            LOG.log(Level.WARNING, "postcall delivery store: took over {0} of conversation {1}"
                                    + " (delivery {2}): its claim was not kept alive for {3}, its node stopped",
                                    arrival.type(), arrival.conversationId(), Long.toString(row.id()),
                                    options.takeoverAfter());
                            return new DeliveryStore.Dispatch(held);
                        }
                        continue;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return new DeliveryStore.InProgress();
                    }
                    awaitOutcome(row.token(), pause, left);
                    pause = Math.min(pause * 2, LONGEST_PAUSE.toNanos());
                    break;
                default:
                    throw new SQLException("postcall delivery store: delivery " + row.id() + " is in state '"
                            + row.state() + "', which this version does not know");
            }
        }
    }

    /**
     * Waits for the outcome of the claim {@code token}, at most {@code left}: for its end when this node holds it
     * (told at once), else a pause of about {@code pause} (a random half to all of it, so that the requests waiting
     * for one key do not look in step), or all of {@code left} when that is shorter (one last look at the end).
     */
    private void awaitOutcome(String token, long pause, long left) throws InterruptedException {
        Held mine = token == null ? null : live.get(token);
        if (mine == null) {
            TimeUnit.NANOSECONDS.sleep(pause >= left ? left
                    : pause / 2 + ThreadLocalRandom.current().nextLong(pause / 2 + 1));
            return;
        }
        try {
            mine.finished.get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // not over yet (or over: a new look answers either way)
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
        return sql.statement("looking up a delivery", c -> {
            try (PreparedStatement s = sql.prepare(c, findByKey)) {
                new Params(s).now().add(options.takeoverAfter().toMillis()).add(key.type())
                        .add(key.conversationId()).add(key.eventTimestamp());
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    return new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                            nullableLength(rs, 5), rs.getInt(6) == 1);
                }
            }
        });
    }

    /**
     * The write-ahead record and the claim: the row, then its body's chunks, in one transaction (on PostgreSQL a
     * body of one chunk goes in the same statement as the row); null when the key (or, once in 2^63, the id) is
     * taken, and then nothing was written.
     */
    private Held insert(Delivery arrival, Key key) throws SQLException {
        long id = random() & Long.MAX_VALUE;
        String token = newToken();
        BodySource body = arrival.body();
        long length = body.length();
        String type = key != null ? key.type() : storable(arrival.type(), TYPE_LENGTH);
        String conversationId = key != null ? key.conversationId() : null;
        String contentType = arrival.contentType() == null ? null : storable(arrival.contentType(), TEXT_LENGTH);
        Sql.Work<Boolean> work;
        boolean oneStatement;
        if (length == 0) {
            oneStatement = true;
            work = c -> {
                try (PreparedStatement s = sql.prepare(c, insertDelivery)) {
                    row(s, id, key, type, conversationId, arrival, token, contentType, length);
                    return s.executeUpdate() == 1;
                }
            };
        } else if (insertDeliveryAndChunk != null && length <= StoredBody.CHUNK_SIZE) {
            oneStatement = true;
            byte[] chunk;
            try {
                chunk = StoredBody.whole(body);
            } catch (SQLException e) {
                throw Sql.scrubbed("storing a delivery", e);
            }
            work = c -> {
                try (PreparedStatement s = sql.prepare(c, insertDeliveryAndChunk)) {
                    row(s, id, key, type, conversationId, arrival, token, contentType, length).add(chunk);
                    return s.executeUpdate() == 1;
                }
            };
        } else {
            oneStatement = false;
            work = c -> {
                try (PreparedStatement s = sql.prepare(c, insertDelivery)) {
                    row(s, id, key, type, conversationId, arrival, token, contentType, length);
                    if (s.executeUpdate() != 1) {
                        return false;
                    }
                }
                StoredBody.write(sql, c, insertChunk, id, body);
                return true;
            };
        }
        boolean inserted;
        try {
            inserted = oneStatement ? sql.statement("storing a delivery", work)
                    : sql.transaction("storing a delivery", work);
        } catch (SQLException e) {
            if (!Dialect.isUniqueViolation(e)) {
                throw e;
            }
            inserted = false; // another request stored this key first
        }
        return inserted ? held(id, token, 1, length, arrival.type(), body) : null;
    }

    /** Binds the row's values of {@link #insertDelivery}; the caller binds what follows them. */
    private Params row(PreparedStatement s, long id, Key key, String type, String conversationId, Delivery arrival,
                       String token, String contentType, long length) throws SQLException {
        return new Params(s).add(id).add(type).add(conversationId)
                // the key's timestamp (0 for the types sent once per conversation), or lookups by key miss
                .add(key != null ? key.eventTimestamp() : arrival.eventTimestamp()).add(nodeId)
                .add(token).now().now().add(arrival.signatureTimestamp()).add(contentType).add(length);
    }

    /** A conditional update that makes this node the row's holder; null when another got there first. */
    private Held claim(Row row, String statement, String expectedToken, Delivery arrival) throws SQLException {
        String token = newToken();
        boolean claimed = sql.statement("claiming a delivery",
                c -> takeClaim(c, statement, RECEIVED, token, row.id(), expectedToken) == 1);
        if (!claimed) {
            return null;
        }
        return held(row.id(), token, row.attempts() + 1, row.bodyLength(), arrival.type(), arrival.body());
    }

    /**
     * Runs one of the claiming updates ({@code SET state, owner_node, claim_token, updated_at WHERE id [token,
     * stale]}).
     */
    private int takeClaim(Connection c, String statement, String state, String token, long id, String expectedToken)
            throws SQLException {
        try (PreparedStatement s = sql.prepare(c, statement)) {
            Params p = new Params(s).add(state).add(nodeId).add(token).now().add(id);
            if (expectedToken != null) {
                p.add(expectedToken).now().add(options.takeoverAfter().toMillis());
            }
            return s.executeUpdate();
        }
    }

    /** A claim this node now holds: kept alive from now on, and the one the calling thread's handlers may join. */
    private Held held(long id, String token, int attempt, long bodyLength, String type, BodySource body) {
        Held held = new Held(id, token, attempt, bodyLength, type, body);
        live.put(token, held);
        JdbcDeliveryStore.Transaction.bind(held);
        return held;
    }

    /**
     * Refreshes {@code updated_at} of every claim this node holds, so that none is taken over while its handlers run,
     * however long they take; the store's background thread calls it three times per take-over age.
     *
     * @return how many rows were refreshed
     */
    int heartbeat() {
        int refreshed = 0;
        for (Held held : live.values()) {
            try {
                refreshed += sql.statement("keeping a claim alive", c -> {
                    try (PreparedStatement s = sql.prepare(c, keepAlive)) {
                        new Params(s).now().add(held.id).add(held.token);
                        return s.executeUpdate();
                    }
                });
            } catch (SQLException e) {
                LOG.log(Level.WARNING, "postcall delivery store: the claims this node holds could not be kept alive"
                        + " ({0}); tried again in {1}", e.getMessage(), heartbeatPeriod());
                break;
            }
        }
        return refreshed;
    }

    /** How often {@link #heartbeat()} runs: three times per take-over age. */
    Duration heartbeatPeriod() {
        return options.takeoverAfter().dividedBy(3);
    }

    /** How many claims this node holds now. */
    int liveClaims() {
        return live.size();
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
        return sql.statement("listing failed deliveries", c -> {
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
        return sql.statement("counting failed deliveries", c -> {
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
        Claimed claimed = sql.transaction("claiming a failed delivery for replay", c -> {
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
                    return new Claimed(rs.getString(1), rs.getInt(3), nullableLength(rs, 4));
                }
            }
        });
        if (claimed == null) {
            return Optional.empty();
        }
        return Optional.of(held(id, token, claimed.attempts(), claimed.bodyLength(), claimed.type(),
                new StoredBody(this, id, Math.max(0, claimed.bodyLength()))));
    }

    /** What a replay's claim read of its row. */
    private record Claimed(String type, int attempts, long bodyLength) { }

    /** The stored body of a delivery, read back chunk by chunk; empty when the row holds none (any longer). */
    Optional<BodySource> openBody(long id) throws SQLException {
        long length = sql.statement("reading a delivery", c -> {
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
        return sql.statement("pruning done deliveries", c -> {
            try (PreparedStatement s = sql.prepare(c, prune)) {
                new Params(s).now().add(doneRetention.toMillis());
                return s.executeUpdate();
            }
        });
    }

    /**
     * Moves deliveries whose dispatch was interrupted to {@code failed}: those whose claim was not kept alive for the
     * take-over age and, when {@code ownToo}, those this node's id holds (a previous run of this node with the same
     * configured node id).
     *
     * @return how many were moved to {@code failed}
     */
    int recoverInterrupted(boolean ownToo) throws SQLException {
        return sql.transaction("recovering interrupted deliveries", c -> {
            int moved;
            try (PreparedStatement s = sql.prepare(c, recoverStale)) {
                new Params(s).now().now().add(options.takeoverAfter().toMillis());
                moved = s.executeUpdate();
            }
            if (ownToo) {
                try (PreparedStatement s = sql.prepare(c, recoverOwn)) {
                    new Params(s).now().add(nodeId);
                    moved += s.executeUpdate();
                }
            }
            return moved;
        });
    }

    /**
     * Maintenance, on the store's background thread once per maintenance interval, never on a request's: records
     * late outcomes, prunes done rows past the retention, moves stale claims to failed.
     */
    void maintain() {
        recordUnrecorded();
        try {
            int pruned = prune();
            int recovered = recoverInterrupted(false);
            if (recovered > 0) {
                LOG.log(Level.WARNING, "postcall delivery store: {0} delivery(ies) whose node stopped while dispatching"
                        + " them moved to failed; replay them", recovered);
            }
            LOG.log(Level.DEBUG, "postcall delivery store: pruned {0} done delivery(ies)", pruned);
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "postcall delivery store: maintenance failed, tried again in {0}: {1}",
                    options.maintenanceInterval(), e.getMessage());
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


    /**
     * The columns of a keyed row a request answers by; {@code bodyLength} -1 when it holds no body; {@code stale}
     * when its claim was not kept alive for the take-over age, by the database's clock.
     */
    private record Row(long id, String state, String token, int attempts, long bodyLength, boolean stale) { }

    /**
     * Binds a statement's parameters in order. On the node's clock, each {@link #now()} is a parameter, the same time
     * for the whole statement; on the database's it binds nothing (the statement says the time itself).
     */
    private final class Params {
        private final PreparedStatement statement;
        private final long now;
        private int next = 1;

        Params(PreparedStatement statement) {
            this.statement = statement;
            this.now = clock == null ? 0 : clock.millis();
        }

        Params now() throws SQLException {
            return clock == null ? this : add(now);
        }

        Params add(long value) throws SQLException {
            statement.setLong(next++, value);
            return this;
        }

        Params add(String value) throws SQLException {
            statement.setString(next++, value);
            return this;
        }

        Params add(byte[] value) throws SQLException {
            statement.setBytes(next++, value);
            return this;
        }
    }

    /**
     * Marks a claim's row done, on {@code c}, in the caller's transaction, and drops its body when the row was this
     * claim's.
     *
     * @return 1 when the row was this claim's, 0 when another node holds it now
     */
    private int markDone(Connection c, long id, String token, long bodyLength) throws SQLException {
        if (bodyLength > 0 && markDoneAndDropBody != null) {
            try (PreparedStatement s = sql.prepare(c, markDoneAndDropBody)) {
                new Params(s).now().now().add(id).add(token);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        }
        int updated;
        try (PreparedStatement s = sql.prepare(c, markDone)) {
            new Params(s).now().now().add(id).add(token);
            updated = s.executeUpdate();
        }
        if (updated == 1 && bodyLength > 0) {
            try (PreparedStatement s = sql.prepare(c, dropBody)) {
                s.setLong(1, id);
                s.executeUpdate();
            }
        }
        return updated;
    }

    /** Whether {@link #markDone} is one statement: no body to drop, or PostgreSQL's that drops it in the same one. */
    private boolean markDoneIsOneStatement(long bodyLength) {
        return bodyLength <= 0 || markDoneAndDropBody != null;
    }

    /** Marks a claim's row failed (body kept, key released), on {@code c}. */
    private Sql.Work<Integer> markFailed(long id, String token, String failureClass) {
        return c -> {
            try (PreparedStatement s = sql.prepare(c, markFailed)) {
                new Params(s).now().add(failureClass).add(id).add(token);
                return s.executeUpdate();
            }
        };
    }

    /**
     * A claim this node holds on a row, identified by its token. Its handlers may make their work and the done mark
     * one transaction: through {@link #connection()} (the delivery's own connection, committed by {@link #handled()})
     * or {@link #markHandledIn} (the done mark in a transaction the caller commits).
     */
    final class Held implements DeliveryStore.Claim {
        private final long id;
        private final String token;
        private final int attempt;
        private final long bodyLength;
        private final String type;
        private final BodySource body;
        private final AtomicBoolean reported = new AtomicBoolean();
        /** Completes when the claim is over in this process: requests of the same key waiting here look again. */
        private final CompletableFuture<Void> finished = new CompletableFuture<>();
        private final Object lock = new Object();
        /** The delivery's own transaction, opened when a handler asks for it; guarded by {@link #lock}. */
        private Connection own;
        private boolean ownWasAutoCommit;
        private Connection handedOut;
        /** Whether the done mark went into the caller's transaction; guarded by {@link #lock}. */
        private boolean markedElsewhere;
        /** Whether the handlers are over (handled or failed was called); guarded by {@link #lock}. */
        private boolean over;

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

        /** Whether this claim's handlers are over. */
        boolean isOver() {
            synchronized (lock) {
                return over;
            }
        }

        /**
         * The delivery's own connection, in a transaction that {@link #handled()} commits together with the done mark
         * (and {@link #failed} rolls back); opened on the first call. Its {@code commit}, {@code rollback} and
         * {@code setAutoCommit} are refused, its {@code close} does nothing.
         *
         * @throws SQLException when no connection can be had, or the handlers are over, or {@link #markHandledIn}
         *                      was used
         */
        Connection connection() throws SQLException {
            synchronized (lock) {
                if (over) {
                    throw new SQLException("postcall delivery store: the handlers of delivery " + id + " are over;"
                            + " its transaction was committed or rolled back");
                }
                if (markedElsewhere) {
                    throw new SQLException("postcall delivery store: delivery " + id + " was marked handled in the"
                            + " caller's own transaction; use that one");
                }
                if (handedOut == null) {
                    Connection c = sql.dataSource().getConnection();
                    try {
                        ownWasAutoCommit = c.getAutoCommit();
                        if (ownWasAutoCommit) {
                            c.setAutoCommit(false);
                        }
                    } catch (SQLException | RuntimeException e) {
                        c.close();
                        throw e;
                    }
                    own = c;
                    handedOut = HandlerConnection.of(c, this::isOver);
                }
                return handedOut;
            }
        }

        /**
         * Marks the row done in the caller's transaction on {@code c} (of the store's DataSource, not in autoCommit):
         * the delivery is done when, and only if, the caller commits. {@link #handled()} then records nothing more.
         *
         * @throws SQLException when {@code c} is in autoCommit, the handlers are over, the delivery's own connection
         *                      is in use, or another node took the claim over (then the caller must roll back)
         */
        void markHandledIn(Connection c) throws SQLException {
            synchronized (lock) {
                if (over || markedElsewhere) {
                    throw new SQLException("postcall delivery store: delivery " + id + " is marked handled already,"
                            + " or its handlers are over");
                }
                if (own != null) {
                    throw new SQLException("postcall delivery store: delivery " + id + " is handled in its own"
                            + " transaction (connection()); it is marked done when that commits");
                }
                if (c.getAutoCommit()) {
                    throw new SQLException("postcall delivery store: the connection is in autoCommit, so the done mark"
                            + " would be committed before the handlers' work; begin a transaction first");
                }
                if (markDone(c, id, token, bodyLength) != 1) {
                    throw new SQLException("postcall delivery store: " + type + " (delivery " + id + ") was taken over"
                            + " by another node before this one marked it handled; roll back: the other node"
                            + " handles it");
                }
                markedElsewhere = true;
            }
        }

        @Override
        public void handled() throws StoreException {
            Connection joined;
            boolean elsewhere;
            begin();
            try {
                synchronized (lock) {
                    over = true;
                    joined = own;
                    elsewhere = markedElsewhere;
                }
                if (elsewhere) {
                    return; // the caller's transaction holds the done mark with its work
                }
                if (joined != null) {
                    commitWithTheHandlersWork(joined);
                    return;
                }
                record("done", c -> markDone(c, id, token, bodyLength), markDoneIsOneStatement(bodyLength));
            } finally {
                finished.complete(null);
            }
        }

        @Override
        public boolean failed(Throwable cause) throws StoreException {
            String failureClass = storable(cause == null ? "unknown" : cause.getClass().getName(), TEXT_LENGTH);
            Connection joined;
            begin();
            try {
                synchronized (lock) {
                    over = true;
                    joined = own;
                }
                if (joined != null) {
                    rollBackQuietly(joined);
                    giveBack(joined);
                }
                record("failed", markFailed(id, token, failureClass), true);
                return true;
            } finally {
                finished.complete(null);
            }
        }

        /** Once only; the heartbeat stops and the thread lets go of it, whatever happens next. */
        private void begin() {
            if (!reported.compareAndSet(false, true)) {
                throw new IllegalStateException("delivery " + id + " was reported already");
            }
            live.remove(token, this);
            JdbcDeliveryStore.Transaction.unbind(this);
        }

        /**
         * The done mark in the handlers' transaction, then its commit: both or neither. Never run again on a deadlock
         * (that would need the handlers to run again): when the commit fails, the delivery is kept as failed for a
         * replay, with a conditional update that changes nothing if the commit did reach the database after all.
         */
        private void commitWithTheHandlersWork(Connection c) throws StoreException {
            try {
                if (markDone(c, id, token, bodyLength) != 1) {
                    rollBackQuietly(c);
                    throw new StoreException("postcall delivery store: " + type + " (delivery " + id + ") was taken"
                            + " over by another node before this one recorded it as done; the handlers' work in its"
                            + " transaction was rolled back, and the other node handles it");
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollBackQuietly(c);
                String failure = e instanceof SQLException sqlFailure
                        ? Sql.scrubbed("recording a handled delivery", sqlFailure).getMessage() : e.getClass().getName();
                Sql.Work<Integer> keep = markFailed(id, token, storable(e.getClass().getName(), TEXT_LENGTH));
                try {
                    sql.transaction("keeping a delivery whose transaction failed", keep);
                } catch (SQLException second) {
                    unrecorded.put(token, keep);
                }
                throw new StoreException("postcall delivery store: " + type + " (delivery " + id + ") could not be"
                        + " recorded as done with the handlers' work (" + failure + "); both were rolled back and the"
                        + " delivery is kept as failed, to be replayed", e);
            } finally {
                giveBack(c);
            }
        }

        /** Records the outcome: one statement in autoCommit (one round trip) when it is one, else a transaction. */
        private void record(String outcome, Sql.Work<Integer> work, boolean oneStatement) throws StoreException {
            int updated;
            String what = "recording a " + (outcome.equals("done") ? "handled" : "failed") + " delivery";
            try {
                updated = oneStatement ? sql.statement(what, work) : sql.transaction(what, work);
            } catch (SQLException | RuntimeException e) {
                // recorded at the next admit of the key, or by the background thread; the WHERE claim_token keeps
                // it harmless when another node took the claim over meanwhile
                unrecorded.put(token, work);
                throw new StoreException("postcall delivery store: " + type + " (delivery " + id + ") could not be"
                        + " recorded as " + outcome + " (" + e.getMessage() + "); it is recorded when the database is"
                        + " back, or, if this node stops first, moved to failed at its restart (or after "
                        + options.takeoverAfter() + ") and may be handled again", e);
            }
            if (updated != 1) {
                throw new StoreException("postcall delivery store: " + type + " (delivery " + id + ") was taken over"
                        + " by another node (its claim was not kept alive for " + options.takeoverAfter()
                        + ") before this one recorded it as " + outcome + "; it may be handled twice");
            }
        }

        private void giveBack(Connection c) {
            try {
                if (ownWasAutoCommit) {
                    c.setAutoCommit(true);
                }
            } catch (SQLException | RuntimeException e) {
                // the connection is broken; the pool finds out
            }
            try {
                c.close();
            } catch (SQLException | RuntimeException e) {
                // as above
            }
        }
    }

    private static void rollBackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException | RuntimeException e) {
            // the connection is broken: the database rolls the transaction back when it goes
        }
    }
}
