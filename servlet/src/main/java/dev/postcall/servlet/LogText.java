package dev.postcall.servlet;

/**
 * Text from a request made safe for one log line: control and non-ASCII characters escaped as {@code \}{@code uXXXX}
 * (no forged line breaks, no terminal escapes), cut at a length. Only identifiers and request lines go through here;
 * payload text, secrets and signatures are never logged at all.
 */
final class LogText {
    private LogText() {
    }

    /** {@code text} as it may be logged; {@code "-"} for {@code null}. Returns {@code text} itself when it is safe. */
    static String safe(String text, int max) {
        if (text == null) {
            return "-";
        }
        int n = text.length();
        boolean clean = n <= max;
        for (int i = 0; clean && i < n; i++) {
            char c = text.charAt(i);
            clean = c >= 0x20 && c < 0x7f;
        }
        if (clean) {
            return text;
        }
        StringBuilder out = new StringBuilder(Math.min(n, max) + 16);
        for (int i = 0; i < n; i++) {
            if (out.length() >= max) {
                out.append("…(").append(n).append(" chars)");
                break;
            }
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }
}
