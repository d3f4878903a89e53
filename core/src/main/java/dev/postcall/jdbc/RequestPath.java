package dev.postcall.jdbc;

import dev.postcall.PostCallEvent;
import dev.postcall.internal.delivery.DeliveryStore;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The servlet's {@link DeliveryStore} over the table: {@link WriteAheadLedger#admit} is the write-ahead record and
 * the claim, the held row takes the outcome.
 */
final class RequestPath implements DeliveryStore {

    private final DeliveryTable table;
    private final String description;

    RequestPath(DeliveryTable table, String product) {
        this.table = table;
        this.description = "database " + product + " (table " + table.tables().delivery() + ")";
    }

    @Override
    public Admitted admit(PostCallEvent event, long signatureTimestamp, String contentType, Duration maxWait)
            throws UnavailableException, InterruptedException {
        Arrival arrival = new Arrival(event.type(), event.conversationId(), event.eventTimestamp(),
                signatureTimestamp, contentType);
        Admission admission;
        try {
            admission = table.admit(arrival, event.body(), maxWait);
        } catch (SQLException | RuntimeException e) {
            throw new UnavailableException(e.getMessage(), e);
        }
        if (admission instanceof Admission.Dispatch dispatch) {
            HeldDelivery held = dispatch.delivery();
            return new Dispatch(new Held() {
                @Override
                public void handled() {
                    held.markDone();
                }

                @Override
                public void failed(Throwable failure) {
                    held.markFailed(failure);
                }
            });
        }
        return admission instanceof Admission.AlreadyDone ? new Duplicate() : new InProgress();
    }

    @Override
    public int failedCount() throws UnavailableException {
        try {
            return table.countFailed();
        } catch (SQLException | RuntimeException e) {
            throw new UnavailableException(e.getMessage(), e);
        }
    }

    @Override
    public String description() {
        return description;
    }
}
