package dev.postcall.json;

import dev.postcall.MalformedEventException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A small pull tokenizer over JSON bytes that can skip any value without building it and read short strings.
 * Strings are skipped byte by byte, so a 100 MB base64 value costs one pass and no allocation.
 *
 * <p>Not thread-safe; one per read. Error messages name the problem and a byte offset, never payload text.
 */
final class JsonScanner {

    /** Deepest nesting of objects and arrays accepted; deeper documents are refused rather than recursed into. */
    static final int MAX_DEPTH = 200;

    private static final int BUFFER_SIZE = 16 * 1024;
    /** For bodies over a MiB (a spilled audio body): reading a file in larger blocks saves system calls. */
    private static final int LARGE_BUFFER_SIZE = 128 * 1024;

    /** Bytes that end the plain run of a string: the quote, the backslash and control characters. */
    private static final boolean[] STRING_STOP = new boolean[256];

    static {
        for (int c = 0; c < 0x20; c++) {
            STRING_STOP[c] = true;
        }
        STRING_STOP['"'] = true;
        STRING_STOP['\\'] = true;
    }

    private final InputStream in;
    byte[] buf;
    int pos;
    int limit;
    /** Absolute offset of {@code buf[0]} in the document. */
    private long base;

    private JsonScanner(InputStream in, byte[] buf, int pos, int limit, long base) {
        this.in = in;
        this.buf = buf;
        this.pos = pos;
        this.limit = limit;
        this.base = base;
    }

    /** A scanner over a whole array, starting at {@code offset}. */
    static JsonScanner over(byte[] bytes, int offset) {
        return new JsonScanner(null, bytes, offset, bytes.length, 0);
    }

    /**
     * A scanner over a stream whose first byte is at absolute offset {@code startOffset}; it does not close it.
     * {@code length} (the whole document's, or -1) only sizes the buffer.
     */
    static JsonScanner over(InputStream in, long startOffset, long length) {
        int size = length - startOffset > 1024 * 1024 ? LARGE_BUFFER_SIZE : BUFFER_SIZE;
        return new JsonScanner(in, new byte[size], 0, 0, startOffset);
    }

    /** Absolute offset of the next byte to be read. */
    long offset() {
        return base + pos;
    }

    /** Makes at least one unread byte available; false at the end of input. */
    boolean fill() throws IOException {
        if (pos < limit) {
            return true;
        }
        if (in == null) {
            return false;
        }
        base += limit;
        pos = 0;
        limit = 0;
        int n;
        do {
            n = in.read(buf, 0, buf.length);
        } while (n == 0);
        if (n < 0) {
            return false;
        }
        limit = n;
        return true;
    }

    /** Skips whitespace and returns the next byte without consuming it, or -1 at the end of input. */
    int peek() throws IOException {
        while (true) {
            if (pos == limit && !fill()) {
                return -1;
            }
            byte[] b = buf;
            int p = pos;
            int end = limit;
            while (p < end) {
                int c = b[p];
                if (c > ' ' || (c != ' ' && c != '\n' && c != '\r' && c != '\t')) {
                    pos = p;
                    return c & 0xff;
                }
                p++;
            }
            pos = p;
        }
    }

    /** Consumes the next non-whitespace byte, which must be {@code expected}. */
    void expect(char expected, String what) throws IOException, MalformedEventException {
        int b = peek();
        if (b != expected) {
            throw b < 0 ? truncated() : error("expected " + what);
        }
        pos++;
    }

    /** Consumes one byte (after whitespace) when it is {@code c}; tells whether it was. */
    boolean consumeIf(char c) throws IOException {
        if (peek() == c) {
            pos++;
            return true;
        }
        return false;
    }

    /** The next byte (no whitespace skipping), or -1 at the end of input. */
    int nextByte() throws IOException {
        if (pos == limit && !fill()) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    private int nextRaw() throws IOException, MalformedEventException {
        if (pos == limit && !fill()) {
            throw truncated();
        }
        return buf[pos++] & 0xff;
    }

    /**
     * Reads the string value that starts at the next non-whitespace byte. Returns {@code null}, having consumed
     * the whole string, when its UTF-8 form is longer than {@code maxBytes}.
     */
    String readString(int maxBytes) throws IOException, MalformedEventException {
        expect('"', "a string");
        String ascii = readPlainAscii(maxBytes);
        if (ascii != null) {
            return ascii;
        }
        long start = offset();
        StringBuilder chars = new StringBuilder();
        byte[] pending = new byte[Math.min(maxBytes, 256)];
        int pendingCount = 0;
        int total = 0;
        while (true) {
            int b = nextRaw();
            if (b == '"') {
                break;
            }
            if (b < 0x20) {
                throw error("control character inside a string");
            }
            if (b == '\\') {
                char c = readEscape();
                total++;
                if (total <= maxBytes) {
                    pendingCount = flush(pending, pendingCount, chars, start);
                    chars.append(c);
                }
                continue;
            }
            total++;
            if (total <= maxBytes) {
                if (pendingCount == pending.length) {
                    pending = java.util.Arrays.copyOf(pending, Math.min(maxBytes, pending.length * 2));
                }
                pending[pendingCount++] = (byte) b;
            }
        }
        if (total > maxBytes) {
            return null;
        }
        flush(pending, pendingCount, chars, start);
        return chars.toString();
    }

    /**
     * The common case of member names and ids: the rest of the string is already in the buffer, ASCII, without
     * escapes and within {@code maxBytes}. Returns it and moves past the closing quote, or returns {@code null}
     * and moves nothing, leaving the string to the general path (which decodes UTF-8 and escapes).
     */
    private String readPlainAscii(int maxBytes) {
        byte[] b = buf;
        int from = pos;
        int end = limit - from > maxBytes ? from + maxBytes + 1 : limit;
        for (int p = from; p < end; p++) {
            int c = b[p];
            if (c == '"') {
                pos = p + 1;
                return new String(b, from, p - from, StandardCharsets.ISO_8859_1);
            }
            // negative: a byte of a multi-byte UTF-8 sequence
            if (c < 0x20 || c == '\\') {
                return null;
            }
        }
        return null;
    }

    private int flush(byte[] pending, int count, StringBuilder chars, long start) throws MalformedEventException {
        if (count == 0) {
            return 0;
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
        try {
            CharBuffer decoded = decoder.decode(ByteBuffer.wrap(pending, 0, count));
            chars.append(decoded);
        } catch (CharacterCodingException e) {
            throw new MalformedEventException("invalid UTF-8 in the string starting at byte " + start);
        }
        return 0;
    }

    /** Reads what follows a backslash and returns the character it stands for. */
    private char readEscape() throws IOException, MalformedEventException {
        int e = nextRaw();
        switch (e) {
            case '"': return '"';
            case '\\': return '\\';
            case '/': return '/';
            case 'b': return '\b';
            case 'f': return '\f';
            case 'n': return '\n';
            case 'r': return '\r';
            case 't': return '\t';
            case 'u': return (char) readHex4();
            default: throw error("invalid escape in a string");
        }
    }

    int readHex4() throws IOException, MalformedEventException {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(nextRaw(), 16);
            if (d < 0) {
                throw error("invalid \\u escape in a string");
            }
            v = (v << 4) | d;
        }
        return v;
    }

    /** Skips the value that starts at the next non-whitespace byte; {@code depth} is the nesting it sits at. */
    void skipValue(int depth) throws IOException, MalformedEventException {
        int b = peek();
        switch (b) {
            case '"':
                pos++;
                skipStringBody();
                return;
            case '{':
                skipObject(depth + 1);
                return;
            case '[':
                skipArray(depth + 1);
                return;
            case 't':
                literal("true");
                return;
            case 'f':
                literal("false");
                return;
            case 'n':
                literal("null");
                return;
            case -1:
                throw truncated();
            default:
                if (b == '-' || (b >= '0' && b <= '9')) {
                    readNumber(Integer.MAX_VALUE);
                    return;
                }
                throw error("expected a JSON value");
        }
    }

    private void checkDepth(int depth) throws MalformedEventException {
        if (depth > MAX_DEPTH) {
            throw error("JSON nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    private void skipObject(int depth) throws IOException, MalformedEventException {
        checkDepth(depth);
        expect('{', "an object");
        if (consumeIf('}')) {
            return;
        }
        do {
            expect('"', "a member name");
            skipStringBody();
            expect(':', "':' after a member name");
            skipValue(depth);
        } while (consumeIf(','));
        expect('}', "',' or '}' in an object");
    }

    private void skipArray(int depth) throws IOException, MalformedEventException {
        checkDepth(depth);
        expect('[', "an array");
        if (consumeIf(']')) {
            return;
        }
        do {
            skipValue(depth);
        } while (consumeIf(','));
        expect(']', "',' or ']' in an array");
    }

    /** Skips the rest of a string whose opening quote was consumed, without building it. */
    void skipStringBody() throws IOException, MalformedEventException {
        while (true) {
            if (pos == limit && !fill()) {
                throw truncated();
            }
            // tight loop over the buffer: only quotes, backslashes and control characters matter
            byte[] b = buf;
            int p = pos;
            int end = limit;
            while (p < end && !STRING_STOP[b[p] & 0xff]) {
                p++;
            }
            pos = p;
            if (p == end) {
                continue;
            }
            byte c = b[p];
            pos++;
            if (c == '"') {
                return;
            }
            if (c == '\\') {
                readEscape();
            } else {
                pos--;
                throw error("control character inside a string");
            }
        }
    }

    private void literal(String word) throws IOException, MalformedEventException {
        int n = word.length();
        if (limit - pos >= n) {
            // common case: the whole word is in the buffer
            for (int i = 0; i < n; i++) {
                if (buf[pos + i] != word.charAt(i)) {
                    throw error("invalid literal, expected " + word);
                }
            }
            pos += n;
            return;
        }
        for (int i = 0; i < n; i++) {
            if (nextRaw() != word.charAt(i)) {
                throw error("invalid literal, expected " + word);
            }
        }
    }

    /**
     * Reads a number token per the JSON grammar and returns its text, or {@code null} (having consumed it) when it
     * is longer than {@code maxChars}.
     */
    String readNumber(int maxChars) throws IOException, MalformedEventException {
        StringBuilder text = maxChars == Integer.MAX_VALUE ? null : new StringBuilder();
        int length = 0;
        // 0 start, 1 after '-', 2 zero, 3 int digits, 4 after '.', 5 frac digits, 6 after e, 7 after sign, 8 exp digits
        int state = 0;
        while (true) {
            if (pos == limit && !fill()) {
                break;
            }
            int c = buf[pos] & 0xff;
            int next = numberTransition(state, c);
            if (next < 0) {
                break;
            }
            state = next;
            pos++;
            length++;
            if (text != null && length <= maxChars) {
                text.append((char) c);
            }
        }
        if (state != 2 && state != 3 && state != 5 && state != 8) {
            throw error("invalid number");
        }
        return text == null || length > maxChars ? null : text.toString();
    }

    private static int numberTransition(int state, int c) {
        boolean digit = c >= '0' && c <= '9';
        switch (state) {
            case 0: return c == '-' ? 1 : c == '0' ? 2 : digit ? 3 : -1;
            case 1: return c == '0' ? 2 : digit ? 3 : -1;
            case 2: return c == '.' ? 4 : (c == 'e' || c == 'E') ? 6 : -1;
            case 3: return digit ? 3 : c == '.' ? 4 : (c == 'e' || c == 'E') ? 6 : -1;
            case 4: return digit ? 5 : -1;
            case 5: return digit ? 5 : (c == 'e' || c == 'E') ? 6 : -1;
            case 6: return (c == '+' || c == '-') ? 7 : digit ? 8 : -1;
            case 7: return digit ? 8 : -1;
            case 8: return digit ? 8 : -1;
            default: return -1;
        }
    }

    MalformedEventException error(String problem) {
        return new MalformedEventException("malformed JSON: " + problem + " at byte " + offset());
    }

    MalformedEventException truncated() {
        return new MalformedEventException(
                "malformed JSON: the body ends in the middle of a value (byte " + offset() + ")");
    }
}
