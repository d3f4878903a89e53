package dev.postcall.sample;

import java.util.Optional;

/**
 * The one byte range a browser's audio player asks for ({@code Range: bytes=0-}, {@code bytes=4000-5999},
 * {@code bytes=-500}), so the recording can be sought in. Several ranges in one header are answered with the whole
 * file, as RFC 9110 allows.
 *
 * @param first the first byte, from 0
 * @param last  the last byte, inclusive
 */
record ByteRange(long first, long last) {

    /** The number of bytes in the range. */
    long length() {
        return last - first + 1;
    }

    /** The {@code Content-Range} header value for a file of {@code size} bytes. */
    String contentRange(long size) {
        return "bytes " + first + "-" + last + "/" + size;
    }

    /**
     * What a {@code Range} header asks of a file of {@code size} bytes.
     *
     * @return empty for the whole file (no header, one this class does not read, or several ranges); a range within
     *         the file otherwise
     * @throws IllegalArgumentException when the range starts past the end of the file (answered with 416)
     */
    static Optional<ByteRange> of(String header, long size) {
        if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) {
            return Optional.empty();
        }
        String spec = header.substring("bytes=".length()).strip();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return Optional.empty();
        }
        String from = spec.substring(0, dash).strip();
        String to = spec.substring(dash + 1).strip();
        try {
            if (from.isEmpty()) {
                long suffix = Long.parseLong(to);
                if (suffix <= 0) {
                    throw new IllegalArgumentException("an empty suffix range");
                }
                return Optional.of(new ByteRange(Math.max(0, size - suffix), size - 1));
            }
            long first = Long.parseLong(from);
            long last = to.isEmpty() ? size - 1 : Math.min(Long.parseLong(to), size - 1);
            if (first < 0 || to.length() > 0 && Long.parseLong(to) < first) {
                return Optional.empty();
            }
            if (first >= size) {
                throw new IllegalArgumentException("the range starts past the end of the file");
            }
            return Optional.of(new ByteRange(first, last));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
