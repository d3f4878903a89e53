package dev.postcall.jdbc;

import static dev.postcall.jdbc.DeliveryTableTest.BODY;
import static dev.postcall.jdbc.DeliveryTableTest.WAIT;
import static dev.postcall.jdbc.DeliveryTableTest.delivery;
import static dev.postcall.jdbc.DeliveryTableTest.dispatched;
import static dev.postcall.jdbc.DeliveryTableTest.storedBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postcall.spi.DeliveryStore;
import dev.postcall.spi.DeliveryStore.StoreException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Recovery of deliveries whose node stopped while dispatching them (the file inbox's {@code incoming/} at start-up),
 * pruning of done rows after the retention, and the store's background thread that runs both (and records outcomes
 * the database refused) while no request is in flight.
 */
class MaintenanceTest {

    @ParameterizedTest
    @EnumSource(Database.class)
    void aClaimOlderThanTheTakeoverAgeIsMovedToFailedByAnyNode(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore dead = db.open(db.options().nodeId("node-dead").build(), clock);
        JdbcDeliveryStore other = db.open(db.options().nodeId("node-other").build(), clock);
        DeliveryTable.Held interrupted = dispatched(dead.admit(delivery("conv_1"), WAIT));

        clock.advance(Duration.ofMinutes(9));
        assertThat(other.recoverInterrupted()).as("not stale yet").isZero();
        clock.advance(Duration.ofMinutes(2));
        assertThat(other.recoverInterrupted()).isEqualTo(1);

        assertThat(db.rows().delivery(interrupted.id())).containsEntry("state", "failed")
                .containsEntry("failure_class", "interrupted").containsEntry("owner_node", null);
        assertThat(other.failed(null, 10)).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo(Long.toString(interrupted.id()));
            assertThat(f.failureClass()).isEqualTo(DeliveryStore.Kept.INTERRUPTED);
            assertThat(f.attempts()).isEqualTo(1);
            assertThat(f.bodyLength()).isEqualTo(BODY.length);
        });
        assertThat(storedBytes(other, interrupted.id())).isEqualTo(BODY);
        assertThatThrownBy(interrupted::handled).as("the dead node's late outcome is refused")
                .isInstanceOf(StoreException.class).hasMessageContaining("may be handled twice");
        assertThat(db.rows().delivery(interrupted.id())).containsEntry("state", "failed");
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aRestartedNodeWithTheSameNodeIdRecoversWhatItHeldAtOnceAndNothingOfOthers(Database database)
            throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore before = db.open(db.options().nodeId("node-a").build(), clock);
        JdbcDeliveryStore busy = db.open(db.options().nodeId("node-b").build(), clock);
        DeliveryTable.Held mine = dispatched(before.admit(delivery("conv_mine"), WAIT));
        DeliveryTable.Held theirs = dispatched(busy.admit(delivery("conv_theirs"), WAIT));

        JdbcDeliveryStore anonymous = db.open(db.options().build(), clock);
        assertThat(anonymous.recoverInterrupted()).as("without a node id only stale claims").isZero();
        JdbcDeliveryStore restarted = db.open(db.options().nodeId("node-a").build(), clock);
        assertThat(restarted.recoverInterrupted()).isEqualTo(1);

        assertThat(db.rows().delivery(mine.id())).containsEntry("state", "failed");
        assertThat(db.rows().delivery(theirs.id())).containsEntry("state", "received");
        theirs.handled();
        assertThat(db.rows().delivery(theirs.id())).containsEntry("state", "done");
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void doneRowsArePrunedAfterTheRetentionFailedOnesStay(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore store = db.open(db.options().retention(Duration.ofHours(2)).build(), clock);
        dispatched(store.admit(delivery("conv_old_done"), WAIT)).handled();
        DeliveryTable.Held failed = dispatched(store.admit(delivery("conv_old_failed"), WAIT));
        failed.failed(new IllegalStateException());
        clock.advance(Duration.ofMinutes(90));
        dispatched(store.admit(delivery("conv_young_done"), WAIT)).handled();

        clock.advance(Duration.ofMinutes(31)); // the first is 2 h 1 min old, the third 31 min
        assertThat(store.prune()).isEqualTo(1);

        assertThat(db.rows().deliveries()).extracting(row -> row.get("conversation_id"))
                .containsExactly("conv_old_failed", "conv_young_done");
        assertThat(db.rows().chunks(failed.id())).isEqualTo(1);
        // forgotten: a delivery of the pruned key is dispatched again, as with the in-memory ledger
        assertThat(store.admit(delivery("conv_old_done"), WAIT)).isInstanceOf(DeliveryStore.Dispatch.class);
        assertThat(store.admit(delivery("conv_young_done"), WAIT)).isInstanceOf(DeliveryStore.Duplicate.class);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void pruningAndRecoveryRunOnTheStoresBackgroundThreadWhileNoRequestIsInFlight(Database database)
            throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore dead = db.open(db.options().nodeId("node-dead").build(), clock);
        ManualSchedule background = new ManualSchedule();
        JdbcDeliveryStore node = db.open(db.options().maintenanceInterval(Duration.ofMinutes(1)).build(), clock,
                background);
        DeliveryTable.Held stale = dispatched(dead.admit(delivery("conv_stale"), WAIT));
        dispatched(dead.admit(delivery("conv_done"), WAIT)).handled();
        clock.advance(Duration.ofHours(3));

        // a request does its own delivery's work only
        dispatched(node.admit(delivery("conv_1"), WAIT)).handled();
        assertThat(db.rows().deliveries()).extracting(row -> row.get("state"))
                .containsExactlyInAnyOrder("received", "done", "done");

        // no request in flight: the background thread's maintenance prunes and recovers
        background.run(Duration.ofMinutes(1));
        assertThat(db.rows().delivery(stale.id())).containsEntry("state", "failed")
                .containsEntry("failure_class", "interrupted");
        assertThat(db.rows().deliveries()).extracting(row -> row.get("conversation_id"))
                .containsExactly("conv_stale", "conv_1");
        assertThat(background.periods()).as("heartbeats three times per take-over age, then maintenance")
                .containsExactly(Duration.ofMinutes(10).dividedBy(3), Duration.ofMinutes(1));
        node.close();
        assertThat(background.closed()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void anOutcomeTheDatabaseRefusedIsRecordedByTheBackgroundThreadOnceItIsBack(Database database)
            throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        TestPool failing = db.dataSource().separate();
        ManualSchedule background = new ManualSchedule();
        JdbcDeliveryStore node = db.through(failing).open(db.options().build(), clock, background);
        DeliveryTable.Held held = dispatched(node.admit(delivery("conv_1"), WAIT));
        failing.refuse(true);
        try {
            assertThatThrownBy(held::handled).isInstanceOf(StoreException.class);
            background.run(Duration.ofMinutes(10).dividedBy(3));
            assertThat(db.rows().delivery(held.id())).as("still down").containsEntry("state", "received");
        } finally {
            failing.refuse(false);
        }

        background.run(Duration.ofMinutes(10).dividedBy(3));

        assertThat(db.rows().delivery(held.id())).containsEntry("state", "done");
        assertThat(db.rows().chunks(held.id())).isZero();
    }

    @Test
    void theBackgroundThreadIsADaemonThatStopsWhenTheStoreIsClosed() throws Exception {
        Database.Fixture db = Database.H2.fresh();
        JdbcDeliveryStore store = db.open(db.options().maintenanceInterval(Duration.ofMinutes(1)).build(),
                new MutableClock());
        String name = "postcall-store-" + db.prefix() + "delivery";
        Thread thread = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no thread " + name));
        assertThat(thread.isDaemon()).isTrue();

        store.close();

        thread.join(10_000);
        assertThat(thread.isAlive()).isFalse();
    }
}
