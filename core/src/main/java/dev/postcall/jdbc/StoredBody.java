package dev.postcall.jdbc;

import dev.postcall.BodySource;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;

/**
 * A delivery's body in the chunk table: written and read one chunk at a time, each read a short transaction of its
 * own, so neither a 100 MB body nor a slow reader holds the heap or a connection.
 *
 * <p>Why chunks rather than one binary column: pgjdbc reads a {@code bytea} value whole into the heap (a 100 MB
 * body fails under {@code -Xmx128m} with "Ran out of memory retrieving query results"), MySQL's and MariaDB's drivers
 * do the same with a BLOB and refuse statements over {@code max_allowed_packet}, and PostgreSQL's large objects
 * would need the driver's own API and a clean-up of orphans. Rows of {@value #CHUNK_SIZE} bytes work the same on
 * every database through plain {@code setBytes}/{@code getBytes}.
 */
final class StoredBody implements BodySource {

    /**
     * 1 MiB. Every chunk but the last of a body holds exactly this many bytes, which is how a reader finds the chunk
     * of any offset; rows already stored depend on it, so it never changes.
     */
    static final int CHUNK_SIZE = 1 << 20;

    private final DeliveryTable table;
    private final long deliveryId;
    private final long length;

    StoredBody(DeliveryTable table, long deliveryId, long length) {
        this.table = table;
        this.deliveryId = deliveryId;
        this.length = length;
    }

    @Override
    public InputStream openStream() {
        return new ChunkStream(0, length);
    }

    @Override
    public long length() {
        return length;
    }

    /** The bytes from {@code start} (inclusive) to {@code end} (exclusive), reading only the chunks they lie in. */
    @Override
    public InputStream openRange(long start, long end) {
        Objects.checkFromToIndex(start, end, length);
        return new ChunkStream(start, end);
    }

    /**
     * Writes a body into the chunk table on the caller's connection (inside its transaction), exactly
     * {@code body.length()} bytes.
     *
     * @return how many bytes were stored
     * @throws SQLException when the database refuses a chunk, or the body cannot be read (then without a SQLState)
     */
    static long write(Sql sql, Connection connection, String insertChunk, long deliveryId, BodySource body)
            throws SQLException {
        long expected = body.length();
        if (expected == 0) {
            return 0;
        }
        try (PreparedStatement statement = sql.prepare(connection, insertChunk)) {
            byte[] inMemory = body.inMemoryBytes();
            if (inMemory != null && inMemory.length == expected && expected <= CHUNK_SIZE) {
                insert(statement, deliveryId, 0, inMemory); // the common small body: stored without a copy
                return expected;
            }
            long written = 0;
            try (InputStream in = body.openStream()) {
                for (int chunkNo = 0; written < expected; chunkNo++) {
                    // a new array for each chunk: a driver may hold on to the one it was given until it is done
                    byte[] chunk = new byte[(int) Math.min(CHUNK_SIZE, expected - written)];
                    int n = in.readNBytes(chunk, 0, chunk.length);
                    if (n < chunk.length) {
                        throw new SQLException("reading the body to store it failed: it ended after " + (written + n)
                                + " of its " + expected + " bytes");
                    }
                    insert(statement, deliveryId, chunkNo, chunk);
                    written += n;
                }
            } catch (IOException e) {
                throw new SQLException("reading the body to store it failed (" + e.getClass().getName() + ")");
            }
            return written;
        }
    }

    /**
     * The whole body as one array, for a body of at most one chunk: its bytes in memory when it has them, else read.
     *
     * @throws SQLException when the body cannot be read (then without a SQLState)
     */
    static byte[] whole(BodySource body) throws SQLException {
        long length = body.length();
        if (length > CHUNK_SIZE) {
            throw new IllegalArgumentException("a body of more than one chunk");
        }
        byte[] inMemory = body.inMemoryBytes();
        if (inMemory != null && inMemory.length == length) {
            return inMemory;
        }
        try (InputStream in = body.openStream()) {
            byte[] bytes = in.readNBytes((int) length);
            if (bytes.length < length) {
                throw new SQLException("reading the body to store it failed: it ended after " + bytes.length
                        + " of its " + length + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new SQLException("reading the body to store it failed (" + e.getClass().getName() + ")");
        }
    }

    private static void insert(PreparedStatement statement, long deliveryId, int chunkNo, byte[] chunk)
            throws SQLException {
        statement.setLong(1, deliveryId);
        statement.setInt(2, chunkNo);
        statement.setBytes(3, chunk);
        statement.executeUpdate();
    }

    private byte[] readChunk(int chunkNo) throws IOException {
        try {
            byte[] chunk = table.sql().statement("reading a stored body", c -> {
                try (PreparedStatement statement = table.sql().prepare(c, table.selectChunk())) {
                    statement.setLong(1, deliveryId);
                    statement.setInt(2, chunkNo);
                    try (ResultSet rs = statement.executeQuery()) {
                        return rs.next() ? rs.getBytes(1) : null;
                    }
                }
            });
            long expected = Math.min(CHUNK_SIZE, length - (long) chunkNo * CHUNK_SIZE);
            if (chunk == null || chunk.length != expected) {
                throw new IOException("postcall delivery store: chunk " + chunkNo + " of delivery " + deliveryId
                        + (chunk == null ? " is missing" : " holds " + chunk.length + " bytes instead of " + expected)
                        + "; the delivery was handled meanwhile (its body dropped) or the table was changed by hand");
            }
            return chunk;
        } catch (SQLException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Reads chunk by chunk from {@code position} up to {@code end}; skipping past chunks fetches none of them. */
    private final class ChunkStream extends InputStream {
        private final long end;
        private long position;
        private byte[] chunk;
        private int chunkNo = -1;
        private boolean closed;

        ChunkStream(long start, long end) {
            this.position = start;
            this.end = end;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (closed) {
                throw new IOException("stream closed");
            }
            if (position >= end) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            int wanted = (int) (position / CHUNK_SIZE);
            if (wanted != chunkNo) {
                chunk = null; // let the previous chunk go before the next one arrives
                chunk = readChunk(wanted);
                chunkNo = wanted;
            }
            int inChunk = (int) (position % CHUNK_SIZE);
            int n = (int) Math.min(len, Math.min(chunk.length - inChunk, end - position));
            System.arraycopy(chunk, inChunk, b, off, n);
            position += n;
            return n;
        }

        @Override
        public long skip(long n) {
            long skipped = Math.max(0, Math.min(n, end - position));
            position += skipped;
            return skipped;
        }

        @Override
        public int available() {
            if (chunk == null || position >= end || (int) (position / CHUNK_SIZE) != chunkNo) {
                return 0;
            }
            return (int) Math.min(chunk.length - position % CHUNK_SIZE, end - position);
        }

        @Override
        public void close() {
            closed = true;
            chunk = null;
        }
    }

    @Override
    public String toString() {
        return "stored body of delivery " + deliveryId + " (" + length + " bytes)";
    }
}
