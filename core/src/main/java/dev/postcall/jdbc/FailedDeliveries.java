package dev.postcall.jdbc;

import dev.postcall.BodySource;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** The inbox's {@code failed/} over the table: what a replay from any node lists, claims and reads. */
interface FailedDeliveries {

    /**
     * The failed deliveries, oldest first, after {@code after} (exclusive, {@code null} from the start), at most
     * {@code max}. Paging by the last one seen lets a replay walk them all once, even while others fail again.
     */
    List<JdbcDeliveryStore.FailedDelivery> listFailed(JdbcDeliveryStore.FailedDelivery after, int max)
            throws SQLException;

    /**
     * Claims a failed delivery for a replay on this node ({@code failed → replaying}): of two nodes replaying at once
     * exactly one gets it. Empty when it is no longer failed (replayed or claimed elsewhere, or delivered again).
     */
    Optional<HeldDelivery> claimForReplay(long id) throws SQLException;

    /** The stored body of a delivery, read back chunk by chunk; empty when the row holds none (any longer). */
    Optional<BodySource> openBody(long id) throws SQLException;
}
