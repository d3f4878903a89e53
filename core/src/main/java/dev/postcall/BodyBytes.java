package dev.postcall;

import dev.postcall.internal.json.JsonBytes;
import dev.postcall.internal.json.JsonFormatException;

import java.io.IOException;
import java.io.InputStream;

/**
 * A {@link BodySource} as the JSON internals read it, which know no events. The events' one door to them: it also
 * turns their exception into {@link MalformedEventException}, message and cause unchanged.
 */
final class BodyBytes implements JsonBytes {

    private final BodySource body;

    BodyBytes(BodySource body) {
        this.body = body;
    }

    @Override
    public long length() {
        return body.length();
    }

    @Override
    public byte[] inMemoryBytes() {
        return body.inMemoryBytes();
    }

    @Override
    public InputStream openRange(long start, long end) throws IOException {
        return body.openRange(start, end);
    }

    static MalformedEventException malformed(JsonFormatException e) {
        return new MalformedEventException(e.getMessage(), e.getCause());
    }
}
