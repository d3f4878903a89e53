package dev.postcall.json;

import dev.postcall.BodySource;
import dev.postcall.MalformedEventException;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;

/**
 * Streaming reads of a webhook body that never build its large strings: the envelope, a base64 string value
 * decoded on the fly, and the bytes of one value. Internal to postcall; not API.
 */
public final class BodyJson {

    /** Longest member name or envelope string (type, ids) read; longer ones are skipped or refused. */
    static final int MAX_SHORT_STRING = 4096;

    private BodyJson() {
    }

    /**
     * Scans the whole body once, checking that it is one well-formed JSON object, and returns its envelope.
     *
     * @throws MalformedEventException when the body is not a JSON object, lacks a string {@code type} or an object
     *                                 {@code data}, has a non-numeric {@code event_timestamp}, or cannot be read
     */
    public static Envelope readEnvelope(BodySource body) throws MalformedEventException {
        byte[] bytes = body.inMemoryBytes();
        if (bytes != null) {
            try {
                return readEnvelope(JsonScanner.over(bytes, 0));
            } catch (IOException e) {
                throw new MalformedEventException("could not read the body", e);
            }
        }
        try (InputStream in = body.openStream()) {
            return readEnvelope(JsonScanner.over(in, 0, body.length()));
        } catch (IOException e) {
            throw new MalformedEventException("could not read the body", e);
        }
    }

    private static Envelope readEnvelope(JsonScanner s) throws IOException, MalformedEventException {
        int first = s.peek();
        if (first < 0) {
            throw new MalformedEventException("the body is empty");
        }
        if (first == 0xEF) {
            throw new MalformedEventException("the body starts with a byte order mark; expected a JSON object");
        }
        if (first != '{') {
            throw new MalformedEventException("the body is not a JSON object");
        }
        s.pos++;
        String type = null;
        boolean typeSeen = false;
        long timestamp = 0;
        Data data = null;
        if (!s.consumeIf('}')) {
            do {
                String name = memberName(s);
                if (name == null) {
                    s.skipValue(1);
                    continue;
                }
                switch (name) {
                    case "type":
                        typeSeen = true;
                        if (s.peek() != '"') {
                            s.skipValue(1);
                            type = null;
                        } else {
                            type = s.readString(MAX_SHORT_STRING);
                            if (type == null) {
                                throw new MalformedEventException(
                                        "'type' is longer than " + MAX_SHORT_STRING + " bytes");
                            }
                        }
                        break;
                    case "event_timestamp":
                        timestamp = readTimestamp(s);
                        break;
                    case "data":
                        if (s.peek() != '{') {
                            s.skipValue(1);
                            throw new MalformedEventException("'data' is not a JSON object");
                        }
                        data = readData(s);
                        break;
                    default:
                        s.skipValue(1);
                }
            } while (s.consumeIf(','));
            s.expect('}', "',' or '}' in an object");
        }
        if (s.peek() >= 0) {
            throw s.error("content after the JSON object");
        }
        if (type == null) {
            throw new MalformedEventException(typeSeen ? "'type' is not a string" : "the object has no 'type' member");
        }
        if (data == null) {
            throw new MalformedEventException("the object has no 'data' member");
        }
        return new Envelope(type, timestamp, data.agentId, data.conversationId, data.start, data.end, data.audioStart,
                new Envelope.DataParts(data.metadata[0], data.metadata[1], data.analysis[0], data.analysis[1],
                        data.clientData[0], data.clientData[1], data.userIdStart, data.turnCount, data.plain));
    }

    private static final class Data {
        long start;
        long end;
        String agentId;
        String conversationId;
        long audioStart = -1;
        final long[] metadata = {-1, -1};
        final long[] analysis = {-1, -1};
        final long[] clientData = {-1, -1};
        long userIdStart = -1;
        int turnCount;
        boolean plain = true;
    }

    private static Data readData(JsonScanner s) throws IOException, MalformedEventException {
        Data data = new Data();
        s.peek();
        data.start = s.offset();
        s.expect('{', "an object");
        if (!s.consumeIf('}')) {
            do {
                String name = memberName(s);
                if (name == null) {
                    s.skipValue(2);
                    continue;
                }
                switch (name) {
                    case "agent_id":
                        data.plain &= plainKind(s, '"');
                        data.agentId = optionalString(s, name);
                        break;
                    case "conversation_id":
                        data.plain &= plainKind(s, '"');
                        data.conversationId = optionalString(s, name);
                        break;
                    case "user_id":
                        data.plain &= plainKind(s, '"');
                        data.userIdStart = s.peek() == '"' ? s.offset() : -1;
                        s.skipValue(2);
                        break;
                    case "metadata":
                        data.plain &= objectRange(s, data.metadata);
                        break;
                    case "analysis":
                        data.plain &= objectRange(s, data.analysis);
                        break;
                    case "conversation_initiation_client_data":
                        data.plain &= objectRange(s, data.clientData);
                        break;
                    case "transcript":
                        data.plain &= plainKind(s, '[');
                        if (s.peek() == '[') {
                            countTurns(s, data);
                        } else {
                            data.turnCount = 0;
                            s.skipValue(2);
                        }
                        break;
                    case "full_audio":
                        if (s.peek() == '"') {
                            s.pos++;
                            data.audioStart = s.offset();
                            s.skipStringBody();
                        } else {
                            data.audioStart = -1;
                            s.skipValue(2);
                        }
                        break;
                    default:
                        s.skipValue(2);
                }
            } while (s.consumeIf(','));
            s.expect('}', "',' or '}' in an object");
        }
        data.end = s.offset();
        return data;
    }

    /** Whether the next value is {@code null} or starts with {@code opening}: the kinds the model binds as is. */
    private static boolean plainKind(JsonScanner s, char opening) throws IOException {
        int b = s.peek();
        return b == opening || b == 'n';
    }

    /** Skips an object member's value, noting its range when it is an object; tells whether it was one or null. */
    private static boolean objectRange(JsonScanner s, long[] range) throws IOException, MalformedEventException {
        boolean plain = plainKind(s, '{');
        boolean object = s.peek() == '{';
        range[0] = object ? s.offset() : -1;
        s.skipValue(2);
        range[1] = object ? s.offset() : -1;
        return plain;
    }

    /**
     * Skips the {@code transcript} array, counting its elements. An element that is neither an object nor null is
     * one the model's binding may drop or refuse, so it makes the count a guess: {@code plain} becomes false.
     */
    private static void countTurns(JsonScanner s, Data data) throws IOException, MalformedEventException {
        s.expect('[', "an array");
        int count = 0;
        if (!s.consumeIf(']')) {
            do {
                data.plain &= plainKind(s, '{');
                s.skipValue(3);
                count++;
            } while (s.consumeIf(','));
            s.expect(']', "',' or ']' in an array");
        }
        data.turnCount = count;
    }

    private static String memberName(JsonScanner s) throws IOException, MalformedEventException {
        if (s.peek() != '"') {
            throw s.error("expected a member name");
        }
        String name = s.readString(MAX_SHORT_STRING);
        s.expect(':', "':' after a member name");
        return name;
    }

    private static String optionalString(JsonScanner s, String name) throws IOException, MalformedEventException {
        if (s.peek() != '"') {
            s.skipValue(2);
            return null;
        }
        String value = s.readString(MAX_SHORT_STRING);
        if (value == null) {
            throw new MalformedEventException("'data." + name + "' is longer than " + MAX_SHORT_STRING + " bytes");
        }
        return value;
    }

    private static long readTimestamp(JsonScanner s) throws IOException, MalformedEventException {
        int b = s.peek();
        if (b == 'n') {
            s.skipValue(1); // JSON null, checked as a literal: the same as absent
            return 0;
        }
        String text;
        if (b == '"') {
            text = s.readString(64);
            text = text == null ? null : text.strip();
        } else if (b == '-' || (b >= '0' && b <= '9')) {
            text = s.readNumber(64);
        } else {
            s.skipValue(1);
            throw new MalformedEventException("'event_timestamp' is neither a number nor a numeric string");
        }
        Long value = text == null ? null : wholeNumber(text);
        if (value == null) {
            throw new MalformedEventException("'event_timestamp' is not a whole number of seconds");
        }
        return value;
    }

    /** The value of a JSON number text (or numeric string) when it is a whole number that fits a long, else null. */
    static Long wholeNumber(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException notPlain) {
            try {
                BigDecimal d = new BigDecimal(text);
                if (d.signum() == 0) {
                    return 0L;
                }
                // refuse huge exponents before any arithmetic expands them
                if (d.precision() - d.scale() > 19) {
                    return null;
                }
                d = d.stripTrailingZeros();
                return d.scale() > 0 ? null : d.longValueExact();
            } catch (NumberFormatException | ArithmeticException e) {
                return null;
            }
        }
    }

    /**
     * Opens a stream of the bytes that the base64 string value starting at {@code contentOffset} (just past its
     * opening quote) encodes. JSON escapes ({@code \/}, {@code \n}, {@code \u0041}) and whitespace inside the value
     * are handled; the string is never built. The caller closes the stream.
     */
    public static InputStream openBase64String(BodySource body, long contentOffset) throws IOException {
        byte[] bytes = body.inMemoryBytes();
        if (bytes != null) {
            if (contentOffset > bytes.length) {
                throw new EOFException("the body is shorter than the audio offset");
            }
            return new Base64ValueStream(JsonScanner.over(bytes, (int) contentOffset), null);
        }
        InputStream in = body.openStream();
        try {
            skipFully(in, contentOffset);
            return new Base64ValueStream(JsonScanner.over(in, contentOffset, body.length()), in);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * Reads the JSON string whose opening quote is at {@code offset}, unescaped; {@code null} when its UTF-8 form is
     * longer than {@code maxBytes}.
     *
     * @throws MalformedEventException when the string is not valid JSON text or the body cannot be read
     */
    public static String readStringAt(BodySource body, long offset, int maxBytes) throws MalformedEventException {
        byte[] bytes = body.inMemoryBytes();
        try {
            if (bytes != null) {
                return JsonScanner.over(bytes, (int) offset).readString(maxBytes);
            }
            try (InputStream in = body.openStream()) {
                skipFully(in, offset);
                return JsonScanner.over(in, offset, body.length()).readString(maxBytes);
            }
        } catch (IOException e) {
            throw new MalformedEventException("could not read the body", e);
        }
    }

    /** Opens a stream over the body's bytes from {@code start} (inclusive) to {@code end} (exclusive). */
    public static InputStream openRange(BodySource body, long start, long end) throws IOException {
        byte[] bytes = body.inMemoryBytes();
        if (bytes != null) {
            return new ByteArrayInputStream(bytes, (int) start, (int) (end - start));
        }
        InputStream in = body.openStream();
        try {
            skipFully(in, start);
            return new RangeInputStream(in, end - start);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private static void skipFully(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("the body is shorter than expected");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }
}
