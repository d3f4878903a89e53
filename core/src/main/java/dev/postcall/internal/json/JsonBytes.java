package dev.postcall.internal.json;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/** The bytes a read works on, whatever holds them: an array, a file, a body kept for a request. */
public interface JsonBytes {

    /** The number of bytes. */
    long length();

    /** All the bytes when they are in one array (never changed), else {@code null}. */
    byte[] inMemoryBytes();

    /** A new stream of the bytes from {@code start} (inclusive) to {@code end} (exclusive); the caller closes it. */
    InputStream openRange(long start, long end) throws IOException;

    /** Bytes in an array, which is not copied. */
    static JsonBytes of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return new JsonBytes() {
            @Override public long length() { return bytes.length; }
            @Override public byte[] inMemoryBytes() { return bytes; }

            @Override
            public InputStream openRange(long start, long end) {
                return new ByteArrayInputStream(bytes, (int) start, (int) (end - start));
            }
        };
    }
}
