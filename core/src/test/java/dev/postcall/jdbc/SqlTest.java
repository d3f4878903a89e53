package dev.postcall.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import org.junit.jupiter.api.Test;

/** How the store reads the databases' errors: duplicate keys recognised everywhere, row values never repeated. */
class SqlTest {

    @Test
    void duplicateKeysAreRecognisedByTheirSqlStateOrMysqlsVendorCodes() {
        assertThat(Dialect.isUniqueViolation(new SQLException("dup", "23505"))).isTrue();
        assertThat(Dialect.isUniqueViolation(new SQLIntegrityConstraintViolationException("dup", "23000", 1062)))
                .isTrue();
        assertThat(Dialect.isUniqueViolation(new SQLException("dup", "23000", 1586))).isTrue();
        assertThat(Dialect.isUniqueViolation(new SQLException("foreign key", "23000", 1452))).isFalse();
        assertThat(Dialect.isUniqueViolation(new SQLException("not null", "23502"))).isFalse();
        assertThat(Dialect.isUniqueViolation(new SQLException("gone", "08006"))).isFalse();
        SQLException batch = new SQLException("batch failed", "HY000");
        batch.setNextException(new SQLException("dup", "23505"));
        assertThat(Dialect.isUniqueViolation(batch)).isTrue();
        assertThat(Dialect.isUniqueViolation(new SQLException("wrapped", new SQLException("dup", "23505")))).isTrue();
    }

    @Test
    void aFailureIsToldWithoutWhatTheDatabaseQuotedFromARow() {
        SQLException quoting = new SQLException("ERROR: null value in column \"x\" violates not-null constraint\n"
                + "  Detail: Failing row contains (1, conv_1, the caller said 4242).", "23502", 0);

        SQLException clean = Sql.scrubbed("storing a delivery", quoting);

        assertThat(clean.getMessage()).isEqualTo("postcall delivery store: storing a delivery failed"
                + " (java.sql.SQLException, SQLState 23502, vendor code 0)");
        assertThat(clean.getSQLState()).isEqualTo("23502");
        assertThat((Object) clean.getCause()).isNull();
        assertThat(clean.getStackTrace()).isEqualTo(quoting.getStackTrace());
        assertThat((Object) Sql.scrubbed("again", clean)).isSameAs(clean);
        assertThat(Sql.scrubbed("x", new SQLException("Incorrect string value: '\\xF0\\x9F' for column", "HY000",
                1366)).getMessage()).doesNotContain("xF0");
    }

    @Test
    void messagesOfConnectionAndSchemaErrorsAreKeptForTheOperator() {
        assertThat(Sql.scrubbed("x", new SQLException("Connection to localhost:5432 refused.", "08001"))
                .getMessage()).endsWith("SQLState 08001, vendor code 0: Connection to localhost:5432 refused.)");
        assertThat(Sql.scrubbed("x", new SQLException("relation \"postcall_delivery\" does not exist", "42P01"))
                .getMessage()).contains("does not exist");
    }

    @Test
    void valuesTheColumnsCannotHoldExactlyAreMadeStorable() {
        assertThat(DeliveryTable.isStorable("conv_1", 255)).isTrue();
        assertThat(DeliveryTable.isStorable("conv_\uD83D\uDE00", 255)).isTrue();
        assertThat(DeliveryTable.isStorable("conv_\uD83D", 255)).isFalse();
        assertThat(DeliveryTable.isStorable("conv\u0000", 255)).isFalse();
        assertThat(DeliveryTable.isStorable("conv_1 ", 255)).isFalse();
        assertThat(DeliveryTable.isStorable("x".repeat(256), 255)).isFalse();
        assertThat(DeliveryTable.storable("a\u0000b\uDC00c", 255)).isEqualTo("a?b?c");
        assertThat(DeliveryTable.storable("ab\uD83D\uDE00", 3)).isEqualTo("ab");
        assertThat(DeliveryTable.storable("x".repeat(300), 255)).hasSize(255);
    }
}
