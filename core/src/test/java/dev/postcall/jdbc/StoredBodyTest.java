package dev.postcall.jdbc;

import static dev.postcall.jdbc.DeliveryTableTest.WAIT;
import static dev.postcall.jdbc.DeliveryTableTest.delivery;
import static dev.postcall.jdbc.DeliveryTableTest.dispatched;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postcall.BodySource;
import dev.postcall.spi.DeliveryStore;
import dev.postcall.spi.DeliveryStore.StoreException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bodies in chunk rows: byte for byte, any length, read whole or by range ({@link BodySource#openRange(long, long)}:
 * from start inclusive to end exclusive) without fetching the chunks outside the range.
 */
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

    static byte[] read(BodySource body, long start, long end) throws IOException {
        try (InputStream in = body.openRange(start, end)) {
            return in.readAllBytes();
        }
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
            DeliveryTable.Held held = dispatched(store.admit(delivery("conv_" + i, body), WAIT));

            assertThat(db.rows().chunks(held.id())).isEqualTo((lengths[i] + MIB - 1) / MIB);
            BodySource stored = store.table().openBody(held.id()).orElseThrow();
            assertThat(stored.length()).isEqualTo(lengths[i]);
            try (InputStream in = stored.openStream()) {
                assertThat(in.readAllBytes()).as("length %d", lengths[i]).isEqualTo(bytes);
            }
            assertThat(read(stored, 0, lengths[i])).as("the whole range, length %d", lengths[i]).isEqualTo(bytes);
            // and once failed, the same bytes are what the store keeps for a replay
            held.failed(new IllegalStateException());
            DeliveryStore.Kept kept = store.failed(null, 100).stream()
                    .filter(k -> k.id().equals(Long.toString(held.id()))).findFirst().orElseThrow();
            assertThat(kept.bodyLength()).isEqualTo(lengths[i]);
            try (InputStream in = store.body(kept).orElseThrow().openStream()) {
                assertThat(in.readAllBytes()).isEqualTo(bytes);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aRangeIsTheBytesFromStartInclusiveToEndExclusiveAcrossChunkBoundaries(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        JdbcDeliveryStore store = db.open(new MutableClock());
        byte[] bytes = random(3 * MIB + 123, 42);
        DeliveryTable.Held held = dispatched(store.admit(delivery("conv_1", BodySource.ofBytes(bytes)), WAIT));
        BodySource stored = store.table().openBody(held.id()).orElseThrow();
        int length = bytes.length;

        long[][] ranges = {
            {0, length}, {0, 1}, {5, 17}, {MIB - 10, MIB + 10}, {MIB - 1, MIB}, {MIB, MIB + 1}, {MIB, 2 * MIB},
            {MIB - 1, 2 * MIB + 1}, {2 * MIB - 3, 3 * MIB + 3}, {3L * MIB + 100, length}, {length - 1, length},
            {0, 3 * MIB}, {7, 7}, {MIB, MIB}, {length, length},
        };
        for (long[] range : ranges) {
            assertThat(read(stored, range[0], range[1])).as("[%d, %d)", range[0], range[1])
                    .isEqualTo(Arrays.copyOfRange(bytes, (int) range[0], (int) range[1]));
        }
        // an end is an end, not a count: [MIB - 10, 20) is no range at all
        assertThatThrownBy(() -> stored.openRange(MIB - 10, 20)).isInstanceOf(IndexOutOfBoundsException.class);
        for (long[] outside : new long[][] {{-1, 10}, {10, 5}, {0, length + 1L}, {length + 5L, length + 15L},
                {length, length + 1L}, {length + 1L, length + 1L}}) {
            assertThatThrownBy(() -> stored.openRange(outside[0], outside[1])).as("[%d, %d)", outside[0], outside[1])
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
        // a range reads a byte at a time the same way, and ends at its end
        try (InputStream in = stored.openRange(MIB - 2, MIB + 2)) {
            for (int i = 0; i < 4; i++) {
                assertThat(in.read()).isEqualTo(bytes[MIB - 2 + i] & 0xff);
            }
            assertThat(in.read()).isEqualTo(-1);
            assertThat(in.skip(10)).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aRangeFetchesOnlyTheChunksItLiesInAndAMissingOneIsAnIoExceptionNamingIt(Database database)
            throws Exception {
        Database.Fixture db = database.fresh();
        JdbcDeliveryStore store = db.open(new MutableClock());
        byte[] bytes = random(3 * MIB + 123, 43);
        DeliveryTable.Held held = dispatched(store.admit(delivery("conv_1", BodySource.ofBytes(bytes)), WAIT));
        BodySource stored = store.table().openBody(held.id()).orElseThrow();

        // the chunks before the range and after it are never read: delete them, and read the range all the same
        db.execute("DELETE FROM ${chunk} WHERE delivery_id = " + held.id() + " AND chunk_no IN (0, 3)");
        assertThat(read(stored, MIB, 3L * MIB)).isEqualTo(Arrays.copyOfRange(bytes, MIB, 3 * MIB));
        assertThat(read(stored, MIB + 5L, 2L * MIB + 9)).isEqualTo(Arrays.copyOfRange(bytes, MIB + 5, 2 * MIB + 9));
        // skipping past chunks in a whole stream fetches none of them
        db.execute("DELETE FROM ${chunk} WHERE delivery_id = " + held.id() + " AND chunk_no = 1");
        try (InputStream in = stored.openRange(0, 3L * MIB)) {
            assertThat(in.skip(2L * MIB + 7)).isEqualTo(2L * MIB + 7);
            assertThat(in.read()).isEqualTo(bytes[2 * MIB + 7] & 0xff);
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(bytes, 2 * MIB + 8, 3 * MIB));
            assertThat(in.skip(10)).isZero();
        }
        // and a chunk that is gone is an IOException naming it, never short data
        try (InputStream in = stored.openStream()) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class)
                    .hasMessageContaining("chunk 0 of delivery " + held.id() + " is missing");
        }
        try (InputStream in = stored.openRange(3L * MIB, bytes.length)) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class)
                    .hasMessageContaining("chunk 3 of delivery " + held.id() + " is missing");
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

        assertThatThrownBy(() -> store.admit(delivery("conv_1", truncated), WAIT))
                .isInstanceOf(StoreException.class).hasCauseInstanceOf(SQLException.class)
                .hasMessageContaining("storing a delivery failed").hasMessageNotContaining("Failing row");
        assertThatThrownBy(() -> store.admit(delivery("conv_2", unreadable), WAIT))
                .isInstanceOf(StoreException.class).hasMessageContaining("storing a delivery failed")
                .hasMessageNotContaining("disk gone");

        assertThat(db.rows().deliveries()).isEmpty();
        assertThat(db.rows().allChunks()).isZero();
        // and the key is not held: the sender's retry is stored and dispatched
        assertThat(store.admit(delivery("conv_1", BodySource.ofBytes(bytes)), WAIT))
                .isInstanceOf(DeliveryStore.Dispatch.class);
    }
}
