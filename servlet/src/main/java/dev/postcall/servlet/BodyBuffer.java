package dev.postcall.servlet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import dev.postcall.BodySource;
import dev.postcall.signature.SignatureVerifier;

/**
 * One request body, read once: every chunk goes to the signature verification and into memory, or into a temp file
 * once the body outgrows the memory threshold. Not thread-safe; one per request, closed when the request ends.
 */
final class BodyBuffer implements AutoCloseable {
    private static final int CHUNK = 64 * 1024;
    /** Once the body goes to a file, it is large: fewer, larger writes cost less system time. */
    private static final int FILE_CHUNK = 256 * 1024;
    private static final int FIRST_ARRAY = 8 * 1024;

    private final int threshold;
    private final Path directory;
    private byte[] memory;
    private int count;
    private Path file;
    private OutputStream out;
    private long length;

    /**
     * @param threshold bytes kept in memory before spilling to a file
     * @param directory where temp files go
     */
    BodyBuffer(int threshold, Path directory) {
        this.threshold = threshold;
        this.directory = directory;
    }

    /**
     * Reads {@code in} to its end, feeding {@code verification} and this buffer.
     *
     * @param contentLength the declared length, or -1
     * @return {@code false} as soon as more than {@code max} bytes arrived (the rest is left unread)
     */
    boolean readFrom(InputStream in, SignatureVerifier.Verification verification, long max, long contentLength)
            throws IOException {
        if (contentLength >= 0 && contentLength <= threshold) {
            // the common case: a declared, small body is read straight into an array of its size, no copy
            memory = new byte[(int) contentLength];
            while (count < memory.length) {
                int n = in.read(memory, count, memory.length - count);
                if (n < 0) {
                    length = count;
                    return true;
                }
                verification.update(memory, count, n);
                count += n;
            }
            length = count;
            int next = in.read();
            if (next < 0) {
                return true;
            }
            // more than declared: the container let it through, so the general path below takes over
            if (++length > max) {
                return false;
            }
            byte[] one = {(byte) next};
            verification.update(one, 0, 1);
            write(one, 0, 1);
        }
        byte[] chunk = new byte[CHUNK];
        int filled = 0;
        int n;
        while ((n = in.read(chunk, filled, chunk.length - filled)) >= 0) {
            length += n;
            if (length > max) {
                return false;
            }
            filled += n;
            // the container hands out what one network read brought (often a few KB): in memory each read is
            // copied at once, but once the body goes to a file, reads are gathered into a whole chunk so that each
            // write to the file is one large system call instead of many small ones
            if (out == null || filled == chunk.length) {
                verification.update(chunk, 0, filled);
                write(chunk, 0, filled);
                filled = 0;
                if (out != null && chunk.length < FILE_CHUNK) {
                    chunk = new byte[FILE_CHUNK];
                }
            }
        }
        if (filled > 0) {
            verification.update(chunk, 0, filled);
            write(chunk, 0, filled);
        }
        return true;
    }

    private void write(byte[] bytes, int offset, int n) throws IOException {
        if (out == null && count + (long) n <= threshold) {
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
            if (out == null) {
                // Files.createTempFile makes the file readable by its owner only where the file system has
                // POSIX modes
                file = Files.createTempFile(directory, "postcall-", ".body");
                // WRITE only: the file is new and empty, and on ext4 truncating it (the default's TRUNCATE_EXISTING)
                // makes close() start writing the whole body to disk, although it is deleted moments later
                out = Files.newOutputStream(file, StandardOpenOption.WRITE);
                if (count > 0) {
                    out.write(memory, 0, count);
                }
                memory = null;
                count = 0;
            }
            out.write(bytes, offset, n);
        } catch (IOException e) {
            throw new SpillException(e);
        }
    }

    /** Writing the temp file failed (disk full, permissions): the server's problem, unlike a failed read. */
    static final class SpillException extends IOException {
        private static final long serialVersionUID = 1L;

        SpillException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** The body read so far, as a re-readable source; call after {@link #readFrom} returned {@code true}. */
    BodySource body() throws IOException {
        if (file == null) {
            byte[] bytes = memory == null ? new byte[0] : count == memory.length ? memory : Arrays.copyOf(memory, count);
            return BodySource.ofBytes(bytes);
        }
        out.close();
        return BodySource.ofFile(file);
    }

    /** Drops the body and deletes the temp file, if any. Safe to call more than once, from any thread. */
    @Override
    public synchronized void close() {
        memory = null;
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // the file is deleted next; a failed close changes nothing for the caller
            }
        }
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                Log.LOGGER.log(System.Logger.Level.WARNING, "could not delete the temp file " + file
                        + " of a webhook body: " + e);
            }
            file = null;
        }
    }
}
