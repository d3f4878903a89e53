package dev.postcall;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The raw bytes of a webhook body, readable as many times as needed: held in memory, or in a file when the body
 * was too large to keep on the heap. Parsers and {@link AudioEvent} read from it instead of from a {@code String}.
 */
public interface BodySource {

    /** Opens a new stream over the whole body; the caller closes it. */
    InputStream openStream() throws IOException;

    /** The body's length in bytes. */
    long length();

    /**
     * The body's bytes when they are held in memory, otherwise {@code null}. Lets a reader skip a copy; the array
     * must not be modified.
     */
    default byte[] inMemoryBytes() {
        return null;
    }

    /** A body held in memory. The array is not copied and must not be changed afterwards. */
    static BodySource ofBytes(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return new BodySource() {
            @Override public InputStream openStream() { return new ByteArrayInputStream(bytes); }
            @Override public long length() { return bytes.length; }
            @Override public byte[] inMemoryBytes() { return bytes; }
        };
    }

    /** A body stored in a file, which must stay in place while the body is read. */
    static BodySource ofFile(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        long size = Files.size(file);
        return new BodySource() {
            @Override public InputStream openStream() throws IOException { return Files.newInputStream(file); }
            @Override public long length() { return size; }
        };
    }
}
