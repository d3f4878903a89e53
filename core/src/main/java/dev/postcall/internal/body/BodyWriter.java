package dev.postcall.internal.body;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Collects a body as it is read, into memory up to a threshold and into a temp file beyond it, and hands the result
 * over as a {@link HeldBody}. Not thread-safe; one per request. {@link #close()} discards what was written unless
 * {@link #finish()} handed it over.
 */
public final class BodyWriter implements AutoCloseable {
    private static final int FIRST_ARRAY = 8 * 1024;
    /** Once the body goes to a file it is large: fewer, larger writes cost less system time. */
    private static final int FILE_CHUNK = 256 * 1024;

    /** Opens the temp file; a seam for the test of a file that was created but cannot be opened. */
    @FunctionalInterface
    interface Opener {
        FileChannel open(Path file) throws IOException;
    }

    private final int threshold;
    private final Path directory;
    private final Opener opener;
    private byte[] memory;
    private int count;
    private Path fileName;
    private FileChannel file;
    private ByteBuffer pending;
    private long length;
    private boolean finished;

    /**
     * @param threshold bytes kept in memory before the body spills to a file
     * @param directory where temp files go
     */
    public BodyWriter(int threshold, Path directory) {
        // no TRUNCATE_EXISTING: the file is new and empty, and on ext4 truncating it makes close() start writing
        // the whole body to disk, although it is usually deleted moments later
        this(threshold, directory, file -> FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    BodyWriter(int threshold, Path directory, Opener opener) {
        this.threshold = threshold;
        this.directory = directory;
        this.opener = opener;
    }

    /**
     * Takes {@code array} (its first {@code n} bytes) as the body so far without copying it: the common case of a
     * small body of declared length read straight into an array of that size. Only before anything was written.
     */
    public void adopt(byte[] array, int n) {
        if (length != 0 || memory != null) {
            throw new IllegalStateException("adopt() comes first");
        }
        memory = array;
        count = n;
        length = n;
    }

    /** Appends bytes: to memory while the body fits the threshold, else to the temp file. */
    public void write(byte[] bytes, int offset, int n) throws IOException {
        length += n;
        if (file == null && count + (long) n <= threshold) {
            if (memory == null || count + n > memory.length) {
                long wanted = Math.max(count + (long) n, memory == null ? FIRST_ARRAY : memory.length * 2L);
                int capacity = (int) Math.min(threshold, wanted);
                memory = memory == null ? new byte[capacity] : Arrays.copyOf(memory, capacity);
            }
            System.arraycopy(bytes, offset, memory, count, n);
            count += n;
            return;
        }
        try {
            if (file == null) {
                spill();
            }
            // the container hands out what one network read brought (often a few KB): gathered into a whole
            // chunk, each write to the file is one large system call instead of many small ones
            while (n > 0) {
                int take = Math.min(n, pending.remaining());
                pending.put(bytes, offset, take);
                offset += take;
                n -= take;
                if (!pending.hasRemaining()) {
                    flush();
                }
            }
        } catch (IOException e) {
            throw new SpillException(e);
        }
    }

    private void spill() throws IOException {
        // Files.createTempFile makes the file readable by its owner only where the file system has POSIX modes
        fileName = Files.createTempFile(directory, "postcall-", ".body");
        try {
            file = opener.open(fileName);
        } catch (IOException | RuntimeException e) {
            // created but not opened: nothing else knows its name, so it goes now
            Path created = fileName;
            fileName = null;
            try {
                Files.deleteIfExists(created);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        pending = ByteBuffer.allocate(FILE_CHUNK);
        ByteBuffer head = ByteBuffer.wrap(memory == null ? new byte[0] : memory, 0, count);
        while (head.hasRemaining()) {
            file.write(head);
        }
        memory = null;
        count = 0;
    }

    private void flush() throws IOException {
        pending.flip();
        while (pending.hasRemaining()) {
            file.write(pending);
        }
        pending.clear();
    }

    /** The number of bytes written so far. */
    public long length() {
        return length;
    }

    /** The body written, now held by the caller (once); this writer lets go of it. */
    public HeldBody finish() throws IOException {
        finished = true;
        if (file == null) {
            byte[] bytes = memory == null ? new byte[0] : count == memory.length ? memory : Arrays.copyOf(memory, count);
            return HeldBody.inMemory(bytes);
        }
        try {
            flush();
        } catch (IOException e) {
            finished = false;
            throw new SpillException(e);
        }
        return HeldBody.inFile(file, fileName, length);
    }

    /** Discards the body unless {@link #finish()} handed it over: the temp file, if any, is closed and deleted. */
    @Override
    public void close() {
        if (finished) {
            return;
        }
        finished = true;
        memory = null;
        if (file != null) {
            HeldBody.inFile(file, fileName, length).release();
        }
    }

    /** Writing the temp file failed (disk full, permissions): the server's problem, unlike a failed read. */
    public static final class SpillException extends IOException {
        private static final long serialVersionUID = 1L;

        SpillException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
