package dev.postcall.internal.json;


import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A small pull tokenizer over JSON bytes that can skip any value without building it and read short strings.
 * Strings are skipped byte by byte, so a 100 MB base64 value costs one pass and no allocation.
 *
 * <p>Not thread-safe; one per read. Error messages name the problem and a byte offset, never payload text.
 */
final class JsonScanner implements AutoCloseable {

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

    /** The stream read, or {@code null} over an array; closed with the scanner. */
    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int limit;
    /** Absolute offset of {@code buf[0]} in the document. */
    private long base;

    private JsonScanner(InputStream in, byte[] buf, int pos, int limit, long base) {
        this.in = in;
        this.buf = buf;
        this.pos = pos;
        this.limit = limit;
        this.base = base;
    }

    /**
     * A scanner over {@code bytes} from {@code offset} to their end: over the array itself when they are in memory,
     * else over a stream of that range, which {@link #close()} closes.
     */
    static JsonScanner over(JsonBytes bytes, long offset) throws IOException {
        byte[] array = bytes.inMemoryBytes();
        if (array != null) {
            return over(array, (int) offset);
        }
        return over(bytes.openRange(offset, bytes.length()), offset, bytes.length());
    }

    /** A scanner over a whole array, starting at {@code offset}. */
    static JsonScanner over(byte[] bytes, int offset) {
        return new JsonScanner(null, bytes, offset, bytes.length, 0);
    }

    /**
     * A scanner over a stream whose first byte is at absolute offset {@code startOffset}; {@link #close()} closes
     * it. {@code length} (the whole document's, or -1) only sizes the buffer.
     */
    static JsonScanner over(InputStream in, long startOffset, long length) {
        int size = length - startOffset > 1024 * 1024 ? LARGE_BUFFER_SIZE : BUFFER_SIZE;
        return new JsonScanner(in, new byte[size], 0, 0, startOffset);
    }

    /** Closes the stream read, if any. */
    @Override
    public void close() throws IOException {
        if (in != null) {
            in.close();
        }
    }

    /**
     * The bytes the base64 string value starting here (just past its opening quote) encodes, decoded as they are
     * read; closing the stream closes this scanner.
     */
    InputStream base64Value() {
        return new Base64Value(this);
    }

    /** Absolute offset of the next byte to be read. */
    long offset() {
        return base + pos;
    }

    /** Makes at least one unread byte available; false at the end of input. */
    private boolean fill() throws IOException {
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
    void expect(char expected, String what) throws IOException, JsonFormatException {
        int b = peek();
        if (b != expected) {
            throw b < 0 ? truncated() : error("expected " + what);
        }
        pos++;
    }

    /** Consumes the byte {@link #peek()} returned. */
    void skipPeeked() {
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

    private int nextRaw() throws IOException, JsonFormatException {
        if (pos == limit && !fill()) {
            throw truncated();
        }
        return buf[pos++] & 0xff;
    }

    /**
     * Reads the string value that starts at the next non-whitespace byte. Returns {@code null}, having consumed
     * the whole string, when its UTF-8 form is longer than {@code maxBytes}.
     */
    String readString(int maxBytes) throws IOException, JsonFormatException {
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
                    pending = Arrays.copyOf(pending, Math.min(maxBytes, pending.length * 2));
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

    private int flush(byte[] pending, int count, StringBuilder chars, long start) throws JsonFormatException {
        if (count == 0) {
            return 0;
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
        try {
            CharBuffer decoded = decoder.decode(ByteBuffer.wrap(pending, 0, count));
            chars.append(decoded);
        } catch (CharacterCodingException e) {
            throw new JsonFormatException("invalid UTF-8 in the string starting at byte " + start);
        }
        return 0;
    }

    /** Reads what follows a backslash and returns the character it stands for. */
    private char readEscape() throws IOException, JsonFormatException {
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

    private int readHex4() throws IOException, JsonFormatException {
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
    void skipValue(int depth) throws IOException, JsonFormatException {
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

    private void checkDepth(int depth) throws JsonFormatException {
        if (depth > MAX_DEPTH) {
            throw error("JSON nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    private void skipObject(int depth) throws IOException, JsonFormatException {
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

    private void skipArray(int depth) throws IOException, JsonFormatException {
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
    void skipStringBody() throws IOException, JsonFormatException {
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

    private void literal(String word) throws IOException, JsonFormatException {
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
    String readNumber(int maxChars) throws IOException, JsonFormatException {
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

    JsonFormatException error(String problem) {
        return new JsonFormatException("malformed JSON: " + problem + " at byte " + offset());
    }

    JsonFormatException truncated() {
        return new JsonFormatException(
                "malformed JSON: the body ends in the middle of a value (byte " + offset() + ")");
    }

    /**
     * Decodes a JSON string value holding base64 as it is read, from just past its opening quote to its closing quote.
     * Whitespace (raw or escaped as {@code \n}, {@code \r}, {@code \t}) is ignored; {@code \/} and {@code \}{@code uXXXX}
     * escapes stand for their characters; the URL-safe alphabet is accepted too. Holds at most one buffer of input.
     */
    private static final class Base64Value extends InputStream {

        private static final byte[] DECODE = new byte[128];
        /** {@link #DECODE} over every byte value, -1 for what is not in the alphabet. */
        private static final int[] GROUP = new int[256];

        static {
            Arrays.fill(DECODE, (byte) -1);
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            for (int i = 0; i < alphabet.length(); i++) {
                DECODE[alphabet.charAt(i)] = (byte) i;
            }
            DECODE['-'] = 62;
            DECODE['_'] = 63;
            Arrays.fill(GROUP, -1);
            for (int c = 0; c < DECODE.length; c++) {
                GROUP[c] = DECODE[c];
            }
        }

        private final JsonScanner in;
        private int bits;
        private int sextets;
        private final byte[] pending = new byte[3];
        private int pendingPos;
        private int pendingLength;
        private boolean ended;

        Base64Value(JsonScanner in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            int n = 0;
            while (n < len) {
                if (pendingPos < pendingLength) {
                    b[off + n++] = pending[pendingPos++];
                    continue;
                }
                if (ended) {
                    break;
                }
                if (in.pos == in.limit && !in.fill()) {
                    throw new EOFException("the body ends inside the audio value");
                }
                // fast path: plain alphabet characters decoded straight into the caller's array
                byte[] buf = in.buf;
                int p = in.pos;
                int end = in.limit;
                int acc = bits;
                int count = sextets;
                if (count == 0) {
                    int groups = decodeGroups(buf, p, Math.min((end - p) >> 2, (len - n) / 3), b, off + n);
                    p += groups << 2;
                    n += groups * 3;
                }
                // one character at a time: the end of a group that began before an escape or a buffer boundary, or
                // the last characters of the buffer; back to whole groups as soon as a group is complete
                boolean special = false;
                while (p < end) {
                    int c = buf[p];
                    int v = c >= 0 ? DECODE[c] : -1;
                    if (v < 0 || n + 3 > len) {
                        special = true;
                        break;
                    }
                    p++;
                    acc = acc << 6 | v;
                    if (++count == 4) {
                        b[off + n] = (byte) (acc >> 16);
                        b[off + n + 1] = (byte) (acc >> 8);
                        b[off + n + 2] = (byte) acc;
                        n += 3;
                        count = 0;
                        acc = 0;
                        break;
                    }
                }
                in.pos = p;
                bits = acc;
                sextets = count;
                if (special && n < len) {
                    // a special character, or too little room left for a whole group; when the caller's array is full,
                    // the input is left for the next read, which then starts on a whole group again
                    slowStep();
                }
            }
            return n == 0 && ended && pendingPos >= pendingLength ? -1 : n;
        }

        /**
         * Decodes up to {@code max} whole groups of four alphabet characters from {@code src[p]} into {@code dst[d]},
         * stopping before the first group holding any other byte; returns the number decoded. A method of its own with a
         * loop that has one exit test: ~40% faster than the same loop inside {@link #read}, testing the room left in
         * both arrays on every group.
         */
        private static int decodeGroups(byte[] src, int p, int max, byte[] dst, int d) {
            int start = p;
            int stop = p + (max << 2);
            while (p < stop) {
                // any byte outside the alphabet makes v negative
                int v = GROUP[src[p] & 0xff] << 18 | GROUP[src[p + 1] & 0xff] << 12
                        | GROUP[src[p + 2] & 0xff] << 6 | GROUP[src[p + 3] & 0xff];
                if (v < 0) {
                    break;
                }
                dst[d] = (byte) (v >> 16);
                dst[d + 1] = (byte) (v >> 8);
                dst[d + 2] = (byte) v;
                d += 3;
                p += 4;
            }
            return (p - start) >> 2;
        }

        /** Consumes one character the fast path did not take, and may leave decoded bytes in {@code pending}. */
        private void slowStep() throws IOException {
            int c = in.nextByte();
            switch (c) {
                case -1:
                    throw new EOFException("the body ends inside the audio value");
                case '"':
                    finish();
                    return;
                case '=':
                    padding();
                    return;
                case ' ':
                case '\n':
                case '\r':
                case '\t':
                    return;
                case '\\':
                    int escaped = escape();
                    if (escaped == '=') {
                        padding();
                    } else if (escaped >= 0) {
                        feed(escaped);
                    }
                    return;
                default:
                    feed(c);
            }
        }

        /** The base64 character an escape stands for, -2 for escaped whitespace; fails on anything else. */
        private int escape() throws IOException {
            int e = in.nextByte();
            switch (e) {
                case -1:
                    throw new EOFException("the body ends inside the audio value");
                case '/':
                    return '/';
                case 'n':
                case 'r':
                case 't':
                    return -2;
                case 'u':
                    int v = 0;
                    for (int i = 0; i < 4; i++) {
                        int d = Character.digit(in.nextByte(), 16);
                        if (d < 0) {
                            throw invalid();
                        }
                        v = v << 4 | d;
                    }
                    if (v == ' ' || v == '\n' || v == '\r' || v == '\t') {
                        return -2;
                    }
                    if (v == '=' || (v < 128 && DECODE[v] >= 0)) {
                        return v;
                    }
                    throw invalid();
                default:
                    throw invalid();
            }
        }

        private void feed(int c) throws IOException {
            int v = c < 128 ? DECODE[c] : -1;
            if (v < 0) {
                throw invalid();
            }
            bits = bits << 6 | v;
            if (++sextets == 4) {
                pending[0] = (byte) (bits >> 16);
                pending[1] = (byte) (bits >> 8);
                pending[2] = (byte) bits;
                pendingPos = 0;
                pendingLength = 3;
                sextets = 0;
                bits = 0;
            }
        }

        /** After the first {@code =}: only more {@code =} and whitespace may follow before the closing quote. */
        private void padding() throws IOException {
            if (sextets < 2) {
                throw invalid();
            }
            while (true) {
                int c = in.nextByte();
                if (c == '"') {
                    finish();
                    return;
                }
                if (c == '\\') {
                    int e = escape();
                    if (e != -2 && e != '=') {
                        throw invalid();
                    }
                } else if (c == -1) {
                    throw new EOFException("the body ends inside the audio value");
                } else if (c != '=' && c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                    throw invalid();
                }
            }
        }

        /** At the closing quote: emits what the last, short group holds (unpadded input is accepted). */
        private void finish() throws IOException {
            ended = true;
            pendingPos = 0;
            switch (sextets) {
                case 0:
                    pendingLength = 0;
                    break;
                case 2:
                    pending[0] = (byte) (bits >> 4);
                    pendingLength = 1;
                    break;
                case 3:
                    pending[0] = (byte) (bits >> 10);
                    pending[1] = (byte) (bits >> 2);
                    pendingLength = 2;
                    break;
                default:
                    throw invalid();
            }
            sextets = 0;
            bits = 0;
        }

        private IOException invalid() {
            return new IOException("the audio value is not valid base64 (near byte " + in.offset() + " of the body)");
        }

        @Override
        public void close() throws IOException {
            ended = true;
            pendingLength = 0;
            in.close();
        }
    }
}
