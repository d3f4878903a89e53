package dev.postcall.jdbc;

import static dev.postcall.jdbc.DeliveryTableTest.WAIT;
import static dev.postcall.jdbc.DeliveryTableTest.delivery;
import static dev.postcall.jdbc.DeliveryTableTest.dispatched;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postcall.spi.DeliveryStore;
import dev.postcall.spi.DeliveryStore.StoreException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A node keeps the claims it holds alive while their handlers run (a heartbeat on the store's background thread), so
 * a handler slower than the take-over age is never taken over; take-over decisions read the database's clock.
 */
class HeartbeatTest {

    private static final Duration TAKEOVER = Duration.ofMinutes(10);
    private static final Duration BEAT = TAKEOVER.dividedBy(3);

    @ParameterizedTest
    @EnumSource(Database.class)
    void aClaimKeptAliveByItsNodeIsNotTakenOverHoweverLongItsHandlersRun(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        ManualSchedule beats = new ManualSchedule();
        JdbcDeliveryStore slow = db.open(db.options().nodeId("node-slow").build(), clock, beats);
        JdbcDeliveryStore other = db.open(db.options().nodeId("node-other").build(), clock, new ManualSchedule());
        DeliveryTable.Held held = dispatched(slow.admit(delivery("conv_1"), WAIT));

        for (int beat = 1; beat <= 9; beat++) { // thirty minutes: three times the take-over age
            clock.advance(BEAT);
            beats.run(BEAT);
            assertThat(other.admit(delivery("conv_1"), Duration.ZERO)).as("after %s", BEAT.multipliedBy(beat))
                    .isInstanceOf(DeliveryStore.InProgress.class);
        }
        held.handled();

        assertThat(other.admit(delivery("conv_1"), Duration.ZERO)).isInstanceOf(DeliveryStore.Duplicate.class);
        assertThat(((Number) db.rows().delivery(held.id()).get("attempts")).intValue()).as("dispatched once")
                .isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aClaimWhoseNodeStoppedKeepingItAliveIsTakenOverAfterTheTakeoverAge(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        ManualSchedule beats = new ManualSchedule();
        JdbcDeliveryStore dying = db.open(db.options().nodeId("node-dying").build(), clock, beats);
        JdbcDeliveryStore other = db.open(db.options().nodeId("node-other").build(), clock, new ManualSchedule());
        DeliveryTable.Held held = dispatched(dying.admit(delivery("conv_1"), WAIT));
        clock.advance(BEAT);
        beats.run(BEAT);
        dying.close(); // its last beat: the node stops

        clock.advance(TAKEOVER.minusSeconds(1));
        assertThat(other.admit(delivery("conv_1"), Duration.ZERO)).isInstanceOf(DeliveryStore.InProgress.class);
        clock.advance(Duration.ofSeconds(2));
        DeliveryTable.Held taken = dispatched(other.admit(delivery("conv_1"), Duration.ZERO));

        assertThat(taken.id()).isEqualTo(held.id());
        assertThat(taken.attempt()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void theHeartbeatOfAClaimStopsWhenItEndsAlsoWhenRecordingItsOutcomeFails(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        MutableClock clock = new MutableClock();
        TestPool failing = db.dataSource().separate();
        JdbcDeliveryStore node = db.through(failing).open(db.options().build(), clock, new ManualSchedule());
        DeliveryTable.Held handled = dispatched(node.admit(delivery("conv_handled"), WAIT));
        DeliveryTable.Held failed = dispatched(node.admit(delivery("conv_failed"), WAIT));
        DeliveryTable.Held fine = dispatched(node.admit(delivery("conv_fine"), WAIT));
        assertThat(node.table().liveClaims()).isEqualTo(3);

        failing.refuse(true);
        try {
            assertThatThrownBy(handled::handled).isInstanceOf(StoreException.class);
            assertThatThrownBy(() -> failed.failed(new IllegalStateException())).isInstanceOf(StoreException.class);
        } finally {
            failing.refuse(false);
        }
        fine.handled();

        assertThat(node.table().liveClaims()).isZero();
        clock.advance(BEAT);
        assertThat(node.table().heartbeat()).as("no claim is kept alive any longer").isZero();
        assertThat(db.rows().delivery(handled.id()).get("updated_at"))
                .isEqualTo(db.rows().delivery(failed.id()).get("updated_at"));
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aHandlerThreeTimesSlowerThanTheTakeoverAgeIsDispatchedOnceWhileAnotherNodeReceivesTheRetries(
            Database database) throws Exception {
        Database.Fixture db = database.fresh();
        Duration takeover = Duration.ofSeconds(1);
        // both nodes as in production: the database's clock, a background thread each
        JdbcDeliveryStore slow = db.open(db.options().nodeId("node-slow").takeoverAfter(takeover).build(), null,
                null);
        JdbcDeliveryStore other = db.open(db.options().nodeId("node-other").takeoverAfter(takeover).build(), null,
                null);
        try {
            DeliveryTable.Held held = dispatched(slow.admit(delivery("conv_1"), WAIT));
            long started = System.nanoTime();
            int retries = 0;
            // the handler runs three take-over ages; the sender's retries meanwhile reach the other node
            while (System.nanoTime() - started < 3 * takeover.toNanos()) {
                assertThat(other.admit(delivery("conv_1"), Duration.ofMillis(100))).as("retry %d", retries)
                        .isInstanceOf(DeliveryStore.InProgress.class);
                retries++;
            }
            held.handled();

            assertThat(other.admit(delivery("conv_1"), WAIT)).isInstanceOf(DeliveryStore.Duplicate.class);
            assertThat(retries).isGreaterThan(5);
            assertThat(db.rows().delivery(held.id())).containsEntry("state", "done");
            assertThat(((Number) db.rows().delivery(held.id()).get("attempts")).intValue()).as("dispatched once")
                    .isEqualTo(1);
        } finally {
            slow.close();
            other.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void takeoverDecisionsReadTheDatabasesClock(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        JdbcDeliveryStore holder = db.open(db.options().nodeId("node-holder").build(), null, new ManualSchedule());
        JdbcDeliveryStore other = db.open(db.options().nodeId("node-other").build(), null, new ManualSchedule());
        DeliveryTable.Held held = dispatched(holder.admit(delivery("conv_1"), WAIT));
        long claimedAt = ((Number) db.rows().delivery(held.id()).get("updated_at")).longValue();
        assertThat(claimedAt).as("the database's time").isBetween(databaseNow(db) - 60_000, databaseNow(db));

        // the claim as if written nine, then eleven minutes ago by the database's clock: only the second is stale
        db.execute("UPDATE ${delivery} SET updated_at = " + (claimedAt - Duration.ofMinutes(9).toMillis()));
        assertThat(other.admit(delivery("conv_1"), Duration.ZERO)).isInstanceOf(DeliveryStore.InProgress.class);
        db.execute("UPDATE ${delivery} SET updated_at = " + (claimedAt - Duration.ofMinutes(11).toMillis()));
        DeliveryTable.Held taken = dispatched(other.admit(delivery("conv_1"), Duration.ZERO));

        assertThat(taken.id()).isEqualTo(held.id());
        long takenAt = ((Number) db.rows().delivery(held.id()).get("updated_at")).longValue();
        assertThat(takenAt).isBetween(claimedAt, databaseNow(db));
    }

    /** What the database says the time is, in epoch milliseconds. */
    private static long databaseNow(Database.Fixture db) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT "
                     + Dialect.of(c.getMetaData().getDatabaseProductName()).now())) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
