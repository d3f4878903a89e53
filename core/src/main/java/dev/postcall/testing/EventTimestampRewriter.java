package dev.postcall.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Replaces the value of the top-level {@code event_timestamp} of a JSON object in place, byte for byte elsewhere:
 * re-serializing would change the bytes, and a nested {@code event_timestamp} (or the text inside a string) must
 * not be touched. A numeric value stays a number, a string value stays a string.
 */
final class EventTimestampRewriter {
    private static final byte[] KEY = "event_timestamp".getBytes(StandardCharsets.US_ASCII);

    private EventTimestampRewriter() {
    }

    static byte[] rewrite(byte[] json, long seconds) {
        int depth = 0;
        int i = 0;
        while (i < json.length) {
            byte b = json[i];
            if (b == '"') {
                int end = endOfString(json, i);
                if (depth == 1 && isKey(json, i + 1, end)) {
                    int colon = skipSpace(json, end + 1);
                    if (colon < json.length && json[colon] == ':') {
                        return replaceValue(json, skipSpace(json, colon + 1), seconds);
                    }
                }
                i = end + 1;
            } else {
                if (b == '{' || b == '[') {
                    depth++;
                } else if (b == '}' || b == ']') {
                    depth--;
                }
                i++;
            }
        }
        throw new IllegalArgumentException("The payload has no top-level event_timestamp");
    }

    private static byte[] replaceValue(byte[] json, int start, long seconds) {
        String digits = Long.toString(seconds);
        int end;
        String replacement;
        if (start < json.length && json[start] == '"') {
            end = endOfString(json, start) + 1;
            replacement = '"' + digits + '"';
        } else {
            end = start;
            while (end < json.length && isNumberByte(json[end])) {
                end++;
            }
            if (end == start) {
                throw new IllegalArgumentException("The top-level event_timestamp is neither a number nor a string");
            }
            replacement = digits;
        }
        byte[] r = replacement.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[json.length - (end - start) + r.length];
        System.arraycopy(json, 0, out, 0, start);
        System.arraycopy(r, 0, out, start, r.length);
        System.arraycopy(json, end, out, start + r.length, json.length - end);
        return out;
    }

    /** The index of the quote that closes the string opening at {@code open}. */
    private static int endOfString(byte[] json, int open) {
        int i = open + 1;
        while (i < json.length) {
            if (json[i] == '\\') {
                i += 2;
            } else if (json[i] == '"') {
                return i;
            } else {
                i++;
            }
        }
        throw new IllegalArgumentException("The payload has an unterminated string");
    }

    private static boolean isKey(byte[] json, int from, int to) {
        return Arrays.equals(json, from, to, KEY, 0, KEY.length);
    }

    private static int skipSpace(byte[] json, int i) {
        while (i < json.length && (json[i] == ' ' || json[i] == '\t' || json[i] == '\n' || json[i] == '\r')) {
            i++;
        }
        return i;
    }

    private static boolean isNumberByte(byte b) {
        return (b >= '0' && b <= '9') || b == '-' || b == '+' || b == '.' || b == 'e' || b == 'E';
    }
}
