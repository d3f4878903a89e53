package dev.postcall.jdbc;

import static dev.postcall.jdbc.DeliveryTableTest.WAIT;
import static dev.postcall.jdbc.DeliveryTableTest.delivery;
import static dev.postcall.jdbc.DeliveryTableTest.dispatched;
import static dev.postcall.jdbc.DeliveryTableTest.inBackground;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postcall.jdbc.JdbcDeliveryStore.Transaction;
import dev.postcall.spi.DeliveryStore;
import dev.postcall.spi.DeliveryStore.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link JdbcDeliveryStore.Transaction}: a handler's work on the store's DataSource and the record that the delivery
 * was handled commit together, or neither does, whatever fails between them (a handler, the commit, a take-over).
 * The handler's work here is one row in a table of the application's, {@code <prefix>app_work}.
 */
class TransactionTest {

    @ParameterizedTest
    @EnumSource(Database.class)
    void theHandlersWorkAndTheDoneMarkAreCommittedTogetherWhenTheHandlersReturn(Database database) throws Exception {
        Database.Fixture db = withAppTable(database);
        JdbcDeliveryStore node = db.open(new MutableClock());
        DeliveryTable.Held held = dispatched(node.admit(delivery("conv_1"), WAIT));

        Connection c = Transaction.current().orElseThrow().connection();
        work(c, "conv_1");
        assertThat(appWork(db)).as("nothing committed while the handlers run").isZero();
        assertThat(db.rows().delivery(held.id())).containsEntry("state", "received");
        held.handled();

        assertThat(appWork(db)).isEqualTo(1);
        assertThat(db.rows().delivery(held.id())).containsEntry("state", "done");
        assertThat(db.rows().chunks(held.id())).isZero();
        assertThat(Transaction.current()).as("the handlers are over").isEmpty();
        assertThat(node.admit(delivery("conv_1"), WAIT)).isInstanceOf(DeliveryStore.Duplicate.class);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aHandlerThatThrowsHasItsWorkRolledBackAndTheDeliveryKeptAsFailed(Database database) throws Exception {
        Database.Fixture db = withAppTable(database);
        JdbcDeliveryStore node = db.open(new MutableClock());
        DeliveryTable.Held held = dispatched(node.admit(delivery("conv_1"), WAIT));
        work(Transaction.current().orElseThrow().connection(), "conv_1");

        assertThat(held.failed(new IllegalStateException("the CRM is down"))).isTrue();

        assertThat(appWork(db)).isZero();
        assertThat(db.rows().delivery(held.id())).containsEntry("state", "failed")
                .containsEntry("failure_class", "java.lang.IllegalStateException");
        assertThat(db.rows().chunks(held.id())).isEqualTo(1);
        DeliveryTable.Held retry = dispatched(node.admit(delivery("conv_1"), WAIT));
        work(Transaction.current().orElseThrow().connection(), "conv_1");
        retry.handled();
        assertThat(appWork(db)).as("the retry's work, once").isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aCommitThatFailsLeavesNeitherTheWorkNorTheDoneMarkAndKeepsTheDeliveryAsFailed(Database database)
            throws Exception {
        Database.Fixture db = withAppTable(database);
        TestPool breaking = db.dataSource().separate();
        JdbcDeliveryStore node = db.through(breaking).open(db.options().build(), new MutableClock());
        DeliveryTable.Held held = dispatched(node.admit(delivery("conv_1"), WAIT));
        work(Transaction.current().orElseThrow().connection(), "conv_1");
        breaking.breakAtNextCommit();

        assertThatThrownBy(held::handled).isInstanceOf(StoreException.class)
                .hasMessageContaining("could not be recorded as done with the handlers' work")
                .hasMessageContaining("kept as failed").hasMessageNotContaining("conv_1");

        assertThat(appWork(db)).isZero();
        assertThat(db.rows().delivery(held.id())).containsEntry("state", "failed")
                .containsEntry("failure_class", "java.sql.SQLException");
        assertThat(db.rows().chunks(held.id())).isEqualTo(1);
        assertThat(node.table().liveClaims()).isZero();
        DeliveryTable.Held retry = dispatched(node.admit(delivery("conv_1"), WAIT));
        assertThat(retry.attempt()).isEqualTo(2);
        work(Transaction.current().orElseThrow().connection(), "conv_1");
        retry.handled();
        assertThat(appWork(db)).as("handled once in effect").isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aClaimTakenOverBeforeItsCommitRollsItsHandlersWorkBack(Database database) throws Exception {
        Database.Fixture db = withAppTable(database);
        MutableClock clock = new MutableClock();
        JdbcDeliveryStore stalled = db.open(db.options().nodeId("node-stalled").build(), clock, new ManualSchedule());
        JdbcDeliveryStore other = db.open(db.options().nodeId("node-other").build(), clock, new ManualSchedule());
        DeliveryTable.Held held = dispatched(stalled.admit(delivery("conv_1"), WAIT));
        work(Transaction.current().orElseThrow().connection(), "conv_1");

        clock.advance(Duration.ofMinutes(11)); // its heartbeats never ran: to the others its node died
        DeliveryTable.Held taken = dispatched(other.admit(delivery("conv_1"), Duration.ZERO));
        assertThatThrownBy(held::handled).isInstanceOf(StoreException.class)
                .hasMessageContaining("taken over by another node").hasMessageContaining("rolled back");

        assertThat(appWork(db)).isZero();
        assertThat(db.rows().delivery(held.id())).containsEntry("state", "received")
                .containsEntry("owner_node", "node-other");
        work(Transaction.current().orElseThrow().connection(), "conv_1");
        taken.handled();
        assertThat(appWork(db)).as("the new holder's work, once").isEqualTo(1);
        assertThat(db.rows().delivery(held.id())).containsEntry("state", "done");
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void theDeliverysConnectionRefusesCommitAndRollbackAndItsCloseDoesNothing(Database database) throws Exception {
        Database.Fixture db = withAppTable(database);
        JdbcDeliveryStore node = db.open(new MutableClock());
        DeliveryTable.Held held = dispatched(node.admit(delivery("conv_1"), WAIT));
        Connection c = Transaction.current().orElseThrow().connection();

        assertThatThrownBy(c::commit).isInstanceOf(SQLException.class).hasMessageContaining("commit is postcall's");
        assertThatThrownBy(c::rollback).isInstanceOf(SQLException.class).hasMessageContaining("rollback is postcall's");
        assertThatThrownBy(() -> c.setAutoCommit(true)).isInstanceOf(SQLException.class);
        c.close();
        assertThat(c.isClosed()).isFalse();
        work(c, "conv_1");
        assertThat(Transaction.current().orElseThrow().connection()).as("one connection per delivery").isSameAs(c);
        held.handled();

        assertThat(appWork(db)).isEqualTo(1);
        assertThat(c.isClosed()).isTrue();
        assertThatThrownBy(() -> work(c, "conv_2")).isInstanceOf(SQLException.class)
                .hasMessageContaining("handlers are over");
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void markHandledPutsTheDoneMarkIntoTheCallersTransactionWhichDecides(Database database) throws Exception {
        Database.Fixture db = withAppTable(database);
        JdbcDeliveryStore node = db.open(new MutableClock());
        DeliveryTable.Held committed = dispatched(node.admit(delivery("conv_committed"), WAIT));
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            work(c, "conv_committed");
            Transaction.current().orElseThrow().markHandled(c);
            assertThat(db.rows().delivery(committed.id())).containsEntry("state", "received");
            c.commit();
            c.setAutoCommit(true);
        }
        committed.handled();
        DeliveryTable.Held rolledBack = dispatched(node.admit(delivery("conv_rolled_back"), WAIT));
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            work(c, "conv_rolled_back");
            Transaction.current().orElseThrow().markHandled(c);
            c.rollback();
            c.setAutoCommit(true);
        }
        assertThat(rolledBack.failed(new IllegalStateException())).isTrue();

        assertThat(db.rows().delivery(committed.id())).containsEntry("state", "done");
        assertThat(db.rows().chunks(committed.id())).isZero();
        assertThat(db.rows().delivery(rolledBack.id())).containsEntry("state", "failed");
        assertThat(db.rows().chunks(rolledBack.id())).isEqualTo(1);
        assertThat(appWork(db)).as("the committed one's work only").isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void markHandledRefusesAConnectionInAutoCommitAndOneAfterTheDeliverysOwn(Database database) throws Exception {
        Database.Fixture db = withAppTable(database);
        JdbcDeliveryStore node = db.open(new MutableClock());
        DeliveryTable.Held held = dispatched(node.admit(delivery("conv_1"), WAIT));
        Transaction transaction = Transaction.current().orElseThrow();
        try (Connection c = db.dataSource().getConnection()) {
            assertThatThrownBy(() -> transaction.markHandled(c)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("autoCommit");
            transaction.connection();
            c.setAutoCommit(false);
            assertThatThrownBy(() -> transaction.markHandled(c)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("its own transaction");
            c.rollback();
            c.setAutoCommit(true);
        }
        held.handled();
        assertThat(db.rows().delivery(held.id())).containsEntry("state", "done");
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void thereIsNoTransactionOnAnotherThreadNorAfterTheHandlersNorForADuplicate(Database database)
            throws Exception {
        Database.Fixture db = withAppTable(database);
        JdbcDeliveryStore node = db.open(new MutableClock());
        DeliveryTable.Held held = dispatched(node.admit(delivery("conv_1"), WAIT));

        assertThat(inBackground(() -> Transaction.current().isPresent()).get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(Transaction.current()).isPresent();
        held.handled();
        assertThat(Transaction.current()).isEmpty();
        assertThat(node.admit(delivery("conv_1"), WAIT)).isInstanceOf(DeliveryStore.Duplicate.class);
        assertThat(Transaction.current()).isEmpty();
    }

    /** The application's table of this test. */
    private String appTable;

    /** A fresh namespace with the application's table {@code <prefix>app_work} in it. */
    private Database.Fixture withAppTable(Database database) throws SQLException {
        Database.Fixture db = database.fresh();
        db.open(new MutableClock()).close(); // creates the store's tables
        appTable = db.prefix() + "app_work";
        db.execute("CREATE TABLE " + appTable + " (conversation_id VARCHAR(255) NOT NULL)");
        return db;
    }

    /** The handler's work: one row of the application's. */
    private void work(Connection c, String conversationId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + appTable + " (conversation_id) VALUES (?)")) {
            s.setString(1, conversationId);
            s.executeUpdate();
        }
    }

    /** How many rows of work the application's table holds, committed. */
    private long appWork(Database.Fixture db) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM " + appTable);
             ResultSet rs = s.executeQuery()) {
            rs.next();
            long n = rs.getLong(1);
            if (!c.getAutoCommit()) {
                c.commit();
            }
            return n;
        }
    }
}
