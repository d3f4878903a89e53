package dev.postcall;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * The raw bytes of a webhook body, readable as many times as needed, whole or by range: held in memory, or in a
 * file when the body was too large to keep on the heap. Parsers and {@link AudioEvent} read from it instead of
 * from a {@code String}.
 *
 * <p>A body that postcall's servlet received lives until the request ends; a handler that reads it later (on
 * another thread, after the answer) keeps it with {@link #retain()}.
 *
 * <pre>{@code
 * BodySource body = BodySource.ofFile(Path.of("delivery.json"));      // or BodySource.ofBytes(bytes)
 * PostCallEvent event = new EventParser().parse(body);
 * try (InputStream in = event.body().openRange(0, 64)) {               // the first 64 bytes, no copy of the rest
 *     byte[] head = in.readAllBytes();
 * }
 * }</pre>
 */
public interface BodySource {

    /** Opens a new stream over the whole body; the caller closes it. */
    InputStream openStream() throws IOException;

    /** The body's length in bytes. */
    long length();

    /**
     * Opens a new stream over the bytes from {@code start} (inclusive) to {@code end} (exclusive); the caller
     * closes it. The sources postcall makes read the range directly; this default skips to it in
     * {@link #openStream()}, for a source of your own.
     *
     * @throws IndexOutOfBoundsException when the range is not within {@code 0..length()}
     */
    default InputStream openRange(long start, long end) throws IOException {
        Objects.checkFromToIndex(start, end, length());
        InputStream in = openStream();
        try {
            in.skipNBytes(start);
            return new RangeInputStream(in, end - start);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * The body's bytes when they are held in memory, otherwise {@code null}. Lets a reader skip a copy; the array
     * must not be modified.
     */
    default byte[] inMemoryBytes() {
        return null;
    }

    /**
     * Keeps the body readable until the returned lease is closed, also after the request that carried it ended: a
     * body postcall buffered in a temp file is deleted only once the request and every lease are done. Call it on
     * the thread that handles the event, before handing the event to another thread; closing the lease more than
     * once is harmless. A body in memory, or in a file its creator keeps, needs nothing: this default returns a
     * lease that does nothing.
     *
     * @throws IllegalStateException when the body was released already (retain it while the event is handled)
     */
    default Lease retain() {
        return Lease.NONE;
    }

    /**
     * A hold on a body, from {@link #retain()} (or {@code PostCallEvent.retain()}) until {@link #close()}.
     *
     * <pre>{@code
     * BodySource.Lease lease = event.retain();        // on the request thread
     * executor.execute(() -> {
     *     try (lease) {
     *         archive(event.body());                  // still readable after the answer was sent
     *     }
     * });
     * }</pre>
     */
    interface Lease extends AutoCloseable {

        /** A lease that holds nothing, for bodies that need none. */
        Lease NONE = () -> { };

        /** Ends the hold; the last one to end lets the body go. Safe to call more than once. */
        @Override
        void close();
    }

    /** A body held in memory. The array is not copied and must not be changed afterwards. */
    static BodySource ofBytes(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return new BodySource() {
            @Override public InputStream openStream() { return new ByteArrayInputStream(bytes); }
            @Override public long length() { return bytes.length; }
            @Override public byte[] inMemoryBytes() { return bytes; }

            @Override
            public InputStream openRange(long start, long end) {
                Objects.checkFromToIndex(start, end, bytes.length);
                return new ByteArrayInputStream(bytes, (int) start, (int) (end - start));
            }
        };
    }

    /** A body stored in a file, which must stay in place while the body is read. */
    static BodySource ofFile(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        long size = Files.size(file);
        return new BodySource() {
            @Override public InputStream openStream() throws IOException { return Files.newInputStream(file); }
            @Override public long length() { return size; }

            @Override
            public InputStream openRange(long start, long end) throws IOException {
                Objects.checkFromToIndex(start, end, size);
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                try {
                    return new RangeInputStream(Channels.newInputStream(channel.position(start)), end - start);
                } catch (IOException | RuntimeException e) {
                    channel.close();
                    throw e;
                }
            }
        };
    }
}
