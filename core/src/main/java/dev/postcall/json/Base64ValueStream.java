package dev.postcall.json;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Decodes a JSON string value holding base64 as it is read, from just past its opening quote to its closing quote.
 * Whitespace (raw or escaped as {@code \n}, {@code \r}, {@code \t}) is ignored; {@code \/} and {@code \}{@code uXXXX}
 * escapes stand for their characters; the URL-safe alphabet is accepted too. Holds at most one buffer of input.
 */
final class Base64ValueStream extends InputStream {

    private static final byte[] DECODE = new byte[128];
    /** {@link #DECODE} over every byte value, -1 for what is not in the alphabet. */
    private static final int[] GROUP = new int[256];

    static {
        java.util.Arrays.fill(DECODE, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            DECODE[alphabet.charAt(i)] = (byte) i;
        }
        DECODE['-'] = 62;
        DECODE['_'] = 63;
        java.util.Arrays.fill(GROUP, -1);
        for (int c = 0; c < DECODE.length; c++) {
            GROUP[c] = DECODE[c];
        }
    }

    private final JsonScanner in;
    private final InputStream source;
    private int bits;
    private int sextets;
    private final byte[] pending = new byte[3];
    private int pendingPos;
    private int pendingLength;
    private boolean ended;

    Base64ValueStream(JsonScanner in, InputStream source) {
        this.in = in;
        this.source = source;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
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
        if (source != null) {
            source.close();
        }
    }
}
