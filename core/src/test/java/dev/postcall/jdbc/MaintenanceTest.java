package dev.postcall.jdbc;

import static dev.postcall.jdbc.DeliveryTableTest.BODY;
import static dev.postcall.jdbc.DeliveryTableTest.WAIT;
import static dev.postcall.jdbc.DeliveryTableTest.arrival;
import static dev.postcall.jdbc.DeliveryTableTest.dispatched;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postcall.BodySource;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Recovery of deliveries whose node stopped while dispatching them (the file inbox's {@code incoming/} at start-up),
 * and pruning of done rows after the retention.
 */
class MaintenanceTest {

    @ParameterizedTest
    @EnumSource(Database.class)
    void aClaimOlderThanTheTakeoverAgeIsMovedToFailedByAnyNode(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore dead = db.open(db.options().nodeId("node-dead").build(), clock);
        JdbcDeliveryStore other = db.open(db.options().nodeId("node-other").build(), clock);
        HeldDelivery interrupted = dispatched(dead.table().admit(arrival("conv_1"), BodySource.ofBytes(BODY), WAIT));
        HeldDelivery ledgerOnly = dispatched(dead.table().admit(arrival("conv_2"), null, WAIT));

        clock.advance(Duration.ofMinutes(9));
        assertThat(other.recoverInterrupted()).as("not stale yet").isZero();
        clock.advance(Duration.ofMinutes(2));
        assertThat(other.recoverInterrupted()).isEqualTo(1);

        assertThat(db.rows().delivery(interrupted.id())).containsEntry("state", "failed")
                .containsEntry("failure_class", "interrupted").containsEntry("owner_node", null);
        assertThat(db.rows().delivery(ledgerOnly.id())).as("a ledger-only claim is released").isNull();
        assertThat(other.failed(10)).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo(interrupted.id());
            assertThat(f.failureClass()).isEqualTo("interrupted");
            assertThat(f.bodyLength()).isEqualTo(BODY.length);
        });
        assertThat(interrupted.markDone()).as("the dead node's late outcome is refused").isFalse();
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aRestartedNodeWithTheSameNodeIdRecoversWhatItHeldAtOnceAndNothingOfOthers(Database database)
            throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore before = db.open(db.options().nodeId("node-a").build(), clock);
        JdbcDeliveryStore busy = db.open(db.options().nodeId("node-b").build(), clock);
        HeldDelivery mine = dispatched(before.table().admit(arrival("conv_mine"), BodySource.ofBytes(BODY), WAIT));
        HeldDelivery theirs = dispatched(busy.table().admit(arrival("conv_theirs"), BodySource.ofBytes(BODY), WAIT));

        JdbcDeliveryStore anonymous = db.open(db.options().build(), clock);
        assertThat(anonymous.recoverInterrupted()).as("without a node id only stale claims").isZero();
        JdbcDeliveryStore restarted = db.open(db.options().nodeId("node-a").build(), clock);
        assertThat(restarted.recoverInterrupted()).isEqualTo(1);

        assertThat(db.rows().delivery(mine.id())).containsEntry("state", "failed");
        assertThat(db.rows().delivery(theirs.id())).containsEntry("state", "received");
        assertThat(theirs.markDone()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void doneRowsArePrunedAfterTheRetentionFailedOnesStay(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore store = db.open(db.options().retention(Duration.ofHours(2)).build(), clock);
        WriteAheadLedger node = store.table();
        dispatched(node.admit(arrival("conv_old_done"), BodySource.ofBytes(BODY), WAIT)).markDone();
        HeldDelivery failed = dispatched(node.admit(arrival("conv_old_failed"), BodySource.ofBytes(BODY), WAIT));
        failed.markFailed(new IllegalStateException());
        clock.advance(Duration.ofMinutes(90));
        dispatched(node.admit(arrival("conv_young_done"), BodySource.ofBytes(BODY), WAIT)).markDone();

        clock.advance(Duration.ofMinutes(31)); // the first is 2 h 1 min old, the third 31 min
        assertThat(store.prune()).isEqualTo(1);

        assertThat(db.rows().deliveries()).extracting(row -> row.get("conversation_id"))
                .containsExactly("conv_old_failed", "conv_young_done");
        assertThat(db.rows().chunks(failed.id())).isEqualTo(1);
        // forgotten: a delivery of the pruned key is dispatched again, as with the in-memory ledger
        assertThat(node.admit(arrival("conv_old_done"), BodySource.ofBytes(BODY), WAIT))
                .isInstanceOf(Admission.Dispatch.class);
        assertThat(node.admit(arrival("conv_young_done"), BodySource.ofBytes(BODY), WAIT))
                .isInstanceOf(Admission.AlreadyDone.class);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void everyNodePrunesAndRecoversOnTheRequestPathAtMostOncePerInterval(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore dead = db.open(db.options().nodeId("node-dead").build(), clock);
        WriteAheadLedger node = db.open(db.options().maintenanceInterval(Duration.ofMinutes(1)).build(), clock)
                .table();
        HeldDelivery stale = dispatched(dead.table().admit(arrival("conv_stale"), BodySource.ofBytes(BODY), WAIT));
        HeldDelivery done = dispatched(dead.table().admit(arrival("conv_done"), BodySource.ofBytes(BODY), WAIT));
        done.markDone();
        clock.advance(Duration.ofHours(3));

        dispatched(node.admit(arrival("conv_1"), BodySource.ofBytes(BODY), WAIT)).markDone();
        assertThat(db.rows().delivery(stale.id())).containsEntry("state", "failed");
        assertThat(db.rows().delivery(done.id())).isNull();

        db.execute("UPDATE ${delivery} SET updated_at = 0 WHERE conversation_id = 'conv_1'");
        clock.advance(Duration.ofSeconds(30));
        dispatched(node.admit(arrival("conv_2"), BodySource.ofBytes(BODY), WAIT)).markDone();
        assertThat(db.rows().deliveries()).as("within the interval: not again").hasSize(3);
        clock.advance(Duration.ofSeconds(31));
        dispatched(node.admit(arrival("conv_3"), BodySource.ofBytes(BODY), WAIT)).markDone();
        assertThat(db.rows().deliveries()).extracting(row -> row.get("conversation_id"))
                .containsExactly("conv_stale", "conv_2", "conv_3");
    }
}
