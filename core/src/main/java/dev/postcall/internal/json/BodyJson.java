package dev.postcall.internal.json;


import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

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
     * @throws JsonFormatException when the body is not a JSON object, lacks a string {@code type} or an object
     *                                 {@code data}, has a non-numeric {@code event_timestamp}, or cannot be read
     */
    public static Envelope readEnvelope(JsonBytes body) throws JsonFormatException {
        try (JsonScanner s = JsonScanner.over(body, 0)) {
            return readEnvelope(s);
        } catch (IOException e) {
            throw new JsonFormatException("could not read the body", e);
        }
    }

    private static Envelope readEnvelope(JsonScanner s) throws IOException, JsonFormatException {
        int first = s.peek();
        if (first < 0) {
            throw new JsonFormatException("the body is empty");
        }
        if (first == 0xEF) {
            throw new JsonFormatException("the body starts with a byte order mark; expected a JSON object");
        }
        if (first != '{') {
            throw new JsonFormatException("the body is not a JSON object");
        }
        s.skipPeeked();
        String type = null;
        boolean typeSeen = false;
        long timestamp = 0;
        boolean backfilled = false;
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
                                throw new JsonFormatException(
                                        "'type' is longer than " + MAX_SHORT_STRING + " bytes");
                            }
                        }
                        break;
                    case "event_timestamp":
                        timestamp = readTimestamp(s);
                        break;
                    case Envelope.BACKFILLED:
                        // only the literal true marks it; any other value is skipped (and checked) as unknown
                        backfilled = s.peek() == 't';
                        s.skipValue(1);
                        break;
                    case "data":
                        if (s.peek() != '{') {
                            s.skipValue(1);
                            throw new JsonFormatException("'data' is not a JSON object");
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
            throw new JsonFormatException(typeSeen ? "'type' is not a string" : "the object has no 'type' member");
        }
        if (data == null) {
            throw new JsonFormatException("the object has no 'data' member");
        }
        return new Envelope(type, timestamp, data.agentId, data.conversationId, data.start, data.end, data.audioStart,
                new Envelope.DataParts(data.metadata[0], data.metadata[1], data.analysis[0], data.analysis[1],
                        data.clientData[0], data.clientData[1], data.userIdStart, data.turnCount, data.transcriptSent,
                        data.plain), backfilled);
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
        boolean transcriptSent;
        boolean plain = true;
    }

    private static Data readData(JsonScanner s) throws IOException, JsonFormatException {
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
                        data.transcriptSent = s.peek() == '[';
                        if (data.transcriptSent) {
                            countTurns(s, data);
                        } else {
                            data.turnCount = 0;
                            s.skipValue(2);
                        }
                        break;
                    case "full_audio":
                        if (s.peek() == '"') {
                            s.skipPeeked();
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
    private static boolean objectRange(JsonScanner s, long[] range) throws IOException, JsonFormatException {
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
    private static void countTurns(JsonScanner s, Data data) throws IOException, JsonFormatException {
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

    private static String memberName(JsonScanner s) throws IOException, JsonFormatException {
        if (s.peek() != '"') {
            throw s.error("expected a member name");
        }
        String name = s.readString(MAX_SHORT_STRING);
        s.expect(':', "':' after a member name");
        return name;
    }

    private static String optionalString(JsonScanner s, String name) throws IOException, JsonFormatException {
        if (s.peek() != '"') {
            s.skipValue(2);
            return null;
        }
        String value = s.readString(MAX_SHORT_STRING);
        if (value == null) {
            throw new JsonFormatException("'data." + name + "' is longer than " + MAX_SHORT_STRING + " bytes");
        }
        return value;
    }

    private static long readTimestamp(JsonScanner s) throws IOException, JsonFormatException {
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
            throw new JsonFormatException("'event_timestamp' is neither a number nor a numeric string");
        }
        Long value = text == null ? null : wholeNumber(text);
        if (value == null) {
            throw new JsonFormatException("'event_timestamp' is not a whole number of seconds");
        }
        return value;
    }

    /** The value of a JSON number text (or numeric string) when it is a whole number that fits a long, else null. */
    static Long wholeNumber(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException notPlain) {
            return Numbers.whole(Numbers.parse(text));
        }
    }

    /**
     * Opens a stream of the bytes that the base64 string value starting at {@code contentOffset} (just past its
     * opening quote) encodes. JSON escapes ({@code \/}, {@code \n}, {@code \u0041}) and whitespace inside the value
     * are handled; the string is never built. The caller closes the stream.
     */
    public static InputStream openBase64String(JsonBytes body, long contentOffset) throws IOException {
        if (contentOffset > body.length()) {
            throw new EOFException("the body is shorter than the audio offset");
        }
        return JsonScanner.over(body, contentOffset).base64Value();
    }

    /**
     * Reads the JSON string whose opening quote is at {@code offset}, unescaped; {@code null} when its UTF-8 form is
     * longer than {@code maxBytes}.
     *
     * @throws JsonFormatException when the string is not valid JSON text or the body cannot be read
     */
    public static String readStringAt(JsonBytes body, long offset, int maxBytes) throws JsonFormatException {
        try (JsonScanner s = JsonScanner.over(body, offset)) {
            return s.readString(maxBytes);
        } catch (IOException e) {
            throw new JsonFormatException("could not read the body", e);
        }
    }
}
