package dev.postcall.jdbc;

import static dev.postcall.jdbc.DeliveryTableTest.WAIT;
import static dev.postcall.jdbc.DeliveryTableTest.arrival;
import static dev.postcall.jdbc.DeliveryTableTest.dispatched;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postcall.BodySource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Bodies in chunk rows: byte for byte, any length, read in ranges without fetching the chunks before them. */
class StoredBodyTest {

    static final int MIB = StoredBody.CHUNK_SIZE;

    static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** A body that is not in memory (as one spilled to a temp file): the store must stream it. */
    static BodySource streamed(byte[] bytes) {
        return new BodySource() {
            @Override public InputStream openStream() { return new ByteArrayInputStream(bytes); }
            @Override public long length() { return bytes.length; }
        };
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void bodiesOfEveryLengthAroundTheChunkSizeComeBackByteForByte(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        JdbcDeliveryStore store = db.open(new MutableClock());
        int[] lengths = {0, 1, MIB - 1, MIB, MIB + 1, 2 * MIB + MIB / 2};
        for (int i = 0; i < lengths.length; i++) {
            byte[] bytes = random(lengths[i], i);
            BodySource body = i % 2 == 0 ? BodySource.ofBytes(bytes) : streamed(bytes);
            HeldDelivery held = dispatched(store.table().admit(arrival("conv_" + i), body, WAIT));

            assertThat(db.rows().chunks(held.id())).isEqualTo((lengths[i] + MIB - 1) / MIB);
            BodySource stored = store.body(held.id()).orElseThrow();
            assertThat(stored.length()).isEqualTo(lengths[i]);
            try (InputStream in = stored.openStream()) {
                assertThat(in.readAllBytes()).as("length %d", lengths[i]).isEqualTo(bytes);
            }
            try (InputStream in = held.body().openStream()) {
                assertThat(in.readAllBytes()).isEqualTo(bytes);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void rangesAndSkipsAcrossChunkBoundariesReadTheRightBytes(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        JdbcDeliveryStore store = db.open(new MutableClock());
        byte[] bytes = random(3 * MIB + 123, 42);
        HeldDelivery held = dispatched(store.table().admit(arrival("conv_1"), BodySource.ofBytes(bytes), WAIT));
        StoredBody stored = (StoredBody) store.body(held.id()).orElseThrow();

        try (InputStream in = stored.openRange(MIB - 10, 20)) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(bytes, MIB - 10, MIB + 10));
        }
        try (InputStream in = stored.openRange(3L * MIB + 100, 1000)) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(bytes, 3 * MIB + 100, bytes.length));
        }
        try (InputStream in = stored.openRange(bytes.length + 5L, 10)) {
            assertThat(in.read()).isEqualTo(-1);
        }
        // the first two chunks are skipped, never read: delete them and read past them all the same
        db.execute("DELETE FROM ${chunk} WHERE delivery_id = " + held.id() + " AND chunk_no < 2");
        try (InputStream in = stored.openStream()) {
            assertThat(in.skip(2L * MIB + 7)).isEqualTo(2L * MIB + 7);
            assertThat(in.read()).isEqualTo(bytes[2 * MIB + 7] & 0xff);
            byte[] rest = in.readAllBytes();
            assertThat(rest).isEqualTo(Arrays.copyOfRange(bytes, 2 * MIB + 8, bytes.length));
            assertThat(in.skip(10)).isZero();
        }
        // and a chunk that is gone is an IOException naming it, never short data
        try (InputStream in = stored.openStream()) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class)
                    .hasMessageContaining("chunk 0 of delivery " + held.id() + " is missing");
        }
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aBodyThatEndsBeforeItsLengthIsNotStoredAndNothingIsLeftBehind(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        JdbcDeliveryStore store = db.open(new MutableClock());
        byte[] bytes = random(MIB + 10, 7);
        BodySource truncated = new BodySource() {
            @Override public InputStream openStream() { return new ByteArrayInputStream(bytes, 0, MIB + 5); }
            @Override public long length() { return bytes.length; }
        };
        BodySource unreadable = new BodySource() {
            @Override public InputStream openStream() throws IOException { throw new IOException("disk gone"); }
            @Override public long length() { return 10; }
        };

        assertThatThrownBy(() -> store.table().admit(arrival("conv_1"), truncated, WAIT))
                .isInstanceOf(SQLException.class).hasMessageContaining("storing a delivery failed")
                .hasMessageNotContaining("Failing row");
        assertThatThrownBy(() -> store.table().admit(arrival("conv_2"), unreadable, WAIT))
                .isInstanceOf(SQLException.class).hasMessageContaining("storing a delivery failed");

        assertThat(db.rows().deliveries()).isEmpty();
        assertThat(db.rows().allChunks()).isZero();
        // and the key is not held: the sender's retry is stored and dispatched
        assertThat(store.table().admit(arrival("conv_1"), BodySource.ofBytes(bytes), WAIT))
                .isInstanceOf(Admission.Dispatch.class);
    }
}
