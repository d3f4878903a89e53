package dev.postcall.hostile;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP response as the suite reads it, whichever client got it; {@link #NONE} when there was none to read (the
 * client went away, or the server closed without answering).
 */
record Reply(int status, Map<String, List<String>> headers, String body) {
    static final Reply NONE = new Reply(-1, Map.of(), "");

    static Reply of(HttpResponse<String> response) {
        Map<String, List<String>> headers = new TreeMap<>();
        response.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
        return new Reply(response.statusCode(), headers, response.body());
    }

    /** The first value of a header, or {@code null}. */
    String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
