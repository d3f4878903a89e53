package dev.postcall.jdbc;

import dev.postcall.spi.DeliveryKey;
import dev.postcall.spi.DeliveryStore;
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
import java.util.Optional;

/**
 * Backfill's state in the database ({@code <prefix>backfill}, one row named {@value #ROW}): the scheduled runs'
 * watermark, since when the delivery table knows every handled key, and the lease that lets one node of the cluster
 * run them at a time, timed by the database's clock. Whether a conversation is known is the delivery table's row of
 * its key, in any state. Used only when backfill is on; without it the table may be missing.
 */
final class BackfillTable implements DeliveryStore.Backfilling {

    private static final System.Logger LOG = System.getLogger("dev.postcall.jdbc");
    /** The row of the scheduled runs. */
    static final String ROW = "scheduled";

    private final DeliveryTable deliveries;
    private final Sql sql;
    private final Dialect dialect;
    private final Clock clock;
    private final boolean newStore;
    private final String selectKey;
    private final String selectState;
    private final String insertState;
    private final String advance;
    private final String lead;
    private volatile Instant knownSince;

    /**
     * @param deliveries the delivery table
     * @param dialect    the database's dialect, for its clock; {@code null} for one without shipped DDL (the lease is
     *                   then timed by this node's clock)
     * @param newStore   whether this start created the delivery table: then it never forgot a handled key
     */
    BackfillTable(DeliveryTable deliveries, Dialect dialect, Clock clock, boolean newStore) {
        this.deliveries = deliveries;
        this.sql = deliveries.sql();
        this.dialect = dialect;
        this.clock = clock;
        this.newStore = newStore;
        String b = deliveries.tables().backfill();
        selectKey = "SELECT 1 FROM " + deliveries.tables().delivery()
                + " WHERE event_type = ? AND conversation_id = ? AND event_timestamp = ?";
        selectState = "SELECT watermark, known_since FROM " + b + " WHERE name = '" + ROW + "'";
        insertState = "INSERT INTO " + b + " (name, watermark, known_since, lease_owner, lease_until) VALUES ('" + ROW
                + "', NULL, ?, NULL, 0)";
        advance = "UPDATE " + b + " SET watermark = ? WHERE name = '" + ROW + "' AND (watermark IS NULL OR watermark"
                + " < ?)";
        lead = "UPDATE " + b + " SET lease_owner = ?, lease_until = ? WHERE name = '" + ROW + "' AND (lease_owner = ?"
                + " OR lease_owner IS NULL OR lease_until < ?)";
    }

    @Override
    public void prepare(Duration keepKnown) throws StoreException {
        Duration configured = deliveries.doneRetention();
        try {
            knownSince = sql.transaction("preparing backfill's state", c -> {
                Instant since = readKnownSince(c);
                if (since != null) {
                    return since;
                }
                // done rows older than the retention were pruned before backfill asked for them
                long first = newStore ? 0 : Math.max(0, clock.millis() - configured.toMillis());
                try (PreparedStatement s = sql.prepare(c, insertState)) {
                    s.setLong(1, first);
                    s.executeUpdate();
                }
                return Instant.ofEpochMilli(first);
            });
        } catch (SQLException e) {
            if (Dialect.isUniqueViolation(e)) {
                prepare(keepKnown); // another node inserted the row first: read it
                return;
            }
            throw new StoreException("postcall delivery store: backfill needs the table "
                    + deliveries.tables().backfill() + " (" + e.getMessage() + "); create it with the last statement of"
                    + " dev/postcall/jdbc/" + (dialect == null ? "postgresql.sql (or mysql.sql, h2.sql)"
                    : dialect.resource()) + " from postcall-core's jar, or set createSchema(true)", e);
        }
        deliveries.keepDoneFor(keepKnown);
        if (keepKnown.compareTo(configured) > 0) {
            LOG.log(Level.INFO, "postcall delivery store: handled deliveries are kept {0} instead of {1} while backfill"
                    + " is on (its lookback plus two intervals), so that it never fetches a conversation it had",
                    keepKnown, configured);
        }
        if (dialect == null) {
            LOG.log(Level.WARNING, "postcall delivery store: backfill''s lease is timed by each node''s clock, as"
                    + " postcall does not know how this database tells the time; keep the nodes'' clocks in step");
        }
    }

    private Instant readKnownSince(Connection c) throws SQLException {
        try (PreparedStatement s = sql.prepare(c, selectState); ResultSet rs = s.executeQuery()) {
            return rs.next() ? Instant.ofEpochMilli(rs.getLong(2)) : null;
        }
    }

    @Override
    public boolean knows(DeliveryKey key) throws StoreException {
        if (!DeliveryTable.isStorable(key.type(), DeliveryTable.TYPE_LENGTH)
                || !DeliveryTable.isStorable(key.conversationId(), DeliveryTable.CONVERSATION_ID_LENGTH)) {
            return false; // stored without its key, as the table does with such a delivery
        }
        try {
            return sql.transaction("looking up a conversation for backfill", c -> {
                try (PreparedStatement s = sql.prepare(c, selectKey)) {
                    s.setString(1, key.type());
                    s.setString(2, key.conversationId());
                    s.setLong(3, key.eventTimestamp());
                    try (ResultSet rs = s.executeQuery()) {
                        return rs.next();
                    }
                }
            });
        } catch (SQLException e) {
            throw new StoreException(e.getMessage(), e);
        }
    }

    @Override
    public Instant knowsSince() {
        Instant since = knownSince;
        if (since == null) {
            throw new IllegalStateException("backfill's state was not prepared");
        }
        Instant forgotten = clock.instant().minus(deliveries.doneRetention());
        return forgotten.isAfter(since) ? forgotten : since;
    }

    @Override
    public Optional<Instant> watermark() throws StoreException {
        try {
            return Optional.ofNullable(sql.transaction("reading backfill's watermark", c -> {
                try (PreparedStatement s = sql.prepare(c, selectState); ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("postcall delivery store: the row '" + ROW + "' of "
                                + deliveries.tables().backfill() + " is gone");
                    }
                    long watermark = rs.getLong(1);
                    return rs.wasNull() ? null : Instant.ofEpochMilli(watermark);
                }
            }));
        } catch (SQLException e) {
            throw new StoreException(e.getMessage(), e);
        }
    }

    @Override
    public void advance(Instant watermark) throws StoreException {
        long millis = watermark.toEpochMilli();
        try {
            sql.transaction("advancing backfill's watermark", c -> {
                try (PreparedStatement s = sql.prepare(c, advance)) {
                    s.setLong(1, millis);
                    s.setLong(2, millis);
                    return s.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new StoreException(e.getMessage(), e);
        }
    }

    @Override
    public boolean tryLead(Duration lease) throws StoreException {
        try {
            return sql.transaction("taking backfill's lease", c -> {
                long now = databaseNow(c);
                try (PreparedStatement s = sql.prepare(c, lead)) {
                    s.setString(1, deliveries.nodeId());
                    s.setLong(2, now + lease.toMillis());
                    s.setString(3, deliveries.nodeId());
                    s.setLong(4, now);
                    return s.executeUpdate() == 1;
                }
            });
        } catch (SQLException e) {
            throw new StoreException(e.getMessage(), e);
        }
    }

    /** The database's clock in milliseconds, so that every node times the lease alike; this node's without one. */
    private long databaseNow(Connection c) throws SQLException {
        if (dialect == null) {
            return clock.millis();
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(dialect.nowMillis())) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
