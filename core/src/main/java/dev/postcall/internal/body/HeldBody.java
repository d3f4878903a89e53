package dev.postcall.internal.body;

import dev.postcall.BodySource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;

/**
 * The one owner of a received body, from the last byte read until the last reader lets go: the bytes in memory, or
 * a temp file the body spilled to, kept open so every reader reads the same bytes by position whatever becomes of
 * the file's name. The request holds it once; {@link #retain()} adds a hold (an asynchronous observer, a task that
 * runs after the answer) and the last {@link Lease#close()} or {@link #release()} deletes the temp file. Each holder
 * lets go once however often it says so: a lease's second {@code close()} and the creator's second
 * {@code release()} do nothing, so one holder can never take another's hold away. The inbox takes the file over with
 * {@link #moveFileTo} instead of copying it.
 *
 * <p>Thread-safe: reads are positional, holds are counted under a lock.
 */
public final class HeldBody implements BodySource {

    private static final System.Logger LOG = System.getLogger("dev.postcall.internal.body");

    private final byte[] memory;
    private final FileChannel file;
    private final long length;
    /** The temp file's name while this body owns it; {@code null} once deleted or moved to the inbox. */
    private Path fileName;
    private int holds = 1;
    /** Whether the creator (the request) still holds it. */
    private boolean creatorHolds = true;

    private HeldBody(byte[] memory, FileChannel file, Path fileName, long length) {
        this.memory = memory;
        this.file = file;
        this.fileName = fileName;
        this.length = length;
    }

    /** A body in memory (the array is not copied), held once by its creator. */
    public static HeldBody inMemory(byte[] bytes) {
        return new HeldBody(Objects.requireNonNull(bytes, "bytes"), null, null, bytes.length);
    }

    /** A body in the temp file {@code name}, open as {@code file}; it is deleted at the last release. */
    static HeldBody inFile(FileChannel file, Path name, long length) {
        return new HeldBody(null, file, name, length);
    }

    @Override
    public InputStream openStream() throws IOException {
        return openRange(0, length);
    }

    @Override
    public InputStream openRange(long start, long end) throws IOException {
        Objects.checkFromToIndex(start, end, length);
        if (memory != null) {
            return new ByteArrayInputStream(memory, (int) start, (int) (end - start));
        }
        if (!file.isOpen()) {
            throw new IOException("the body was released: retain() it to read it after the request");
        }
        return new ChannelRangeStream(file, start, end);
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public byte[] inMemoryBytes() {
        return memory;
    }

    /** Whether the body is in a file (it went over the memory threshold). */
    public boolean inFile() {
        return file != null;
    }

    /**
     * Adds a hold, ended by the lease's {@link Lease#close()}.
     *
     * @throws IllegalStateException when every hold was released already
     */
    @Override
    public synchronized Lease retain() {
        if (holds == 0) {
            throw new IllegalStateException("the body was released already: retain() it while the event is handled");
        }
        holds++;
        return new Once(this);
    }

    /** Ends the creator's hold (the request's); once: a second call does nothing. */
    public void release() {
        boolean last;
        synchronized (this) {
            if (!creatorHolds) {
                return;
            }
            creatorHolds = false;
            last = --holds == 0;
        }
        if (last && file != null) {
            letGo();
        }
    }

    /** Ends one lease's hold. */
    private void endLease() {
        boolean last;
        synchronized (this) {
            last = --holds == 0;
        }
        if (last && file != null) {
            letGo();
        }
    }

    private void letGo() {
        Path name;
        synchronized (this) {
            name = fileName;
            fileName = null;
        }
        try {
            file.close();
        } catch (IOException e) {
            // the name is deleted next; a failed close changes nothing for anyone
        }
        if (name != null) {
            try {
                Files.deleteIfExists(name);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "could not delete the temp file " + name + " of a webhook body: "
                        + e);
            }
        }
    }

    /**
     * Hands the temp file to {@code target} (the inbox's), durably and without copying: forced to disk, then renamed.
     * The body stays readable as before and no longer deletes a file at its last release.
     *
     * @return {@code false}, having done nothing, when the body is in memory, the file is no longer this body's, or
     *     {@code target} is on another file system: then the caller copies the bytes
     * @throws IOException when forcing or renaming fails
     */
    public boolean moveFileTo(Path target) throws IOException {
        synchronized (this) {
            if (file == null || fileName == null || holds == 0) {
                return false;
            }
            file.force(true);
            try {
                Files.move(fileName, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                return false;
            }
            fileName = null;
            return true;
        }
    }

    /** A lease that releases its hold once, however often it is closed. */
    private static final class Once implements Lease {
        private HeldBody body;

        Once(HeldBody body) {
            this.body = body;
        }

        @Override
        public void close() {
            HeldBody held;
            synchronized (this) {
                held = body;
                body = null;
            }
            if (held != null) {
                held.endLease();
            }
        }
    }
}
