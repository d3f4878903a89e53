package dev.postcall.servlet;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import dev.postcall.internal.net.IpAllowlist;
import dev.postcall.internal.net.IpLiteral;

/**
 * Finds the address a request comes from: the peer's, or, when the peer is a trusted proxy, the first address in
 * {@code X-Forwarded-For} (all header lines, read right to left) that is not a trusted proxy. Only IP literals are
 * read; anything else makes the client unknown.
 */
final class ClientAddress {
    static final String FORWARDED_FOR = "X-Forwarded-For";

    private ClientAddress() {
    }

    /**
     * The client's address bytes, or {@code null} when it cannot be told: the peer address or an
     * {@code X-Forwarded-For} entry that had to be believed is not an IP literal.
     *
     * @param trusted the trusted proxies, or {@code null} to believe no header
     */
    static byte[] of(HttpServletRequest request, IpAllowlist trusted) {
        String remote = request.getRemoteAddr();
        byte[] peer = remote == null ? null : host(remote, 0, remote.length());
        if (trusted == null || peer == null || !trusted.contains(peer)) {
            return peer;
        }
        Enumeration<String> lines = request.getHeaders(FORWARDED_FOR);
        if (lines == null || !lines.hasMoreElements()) {
            return peer;
        }
        String first = lines.nextElement();
        if (!lines.hasMoreElements()) {
            return walk(new String[] {first}, trusted, peer);
        }
        List<String> all = new ArrayList<>(4);
        all.add(first);
        while (lines.hasMoreElements()) {
            all.add(lines.nextElement());
        }
        return walk(all.toArray(new String[0]), trusted, peer);
    }

    private static byte[] walk(String[] lines, IpAllowlist trusted, byte[] peer) {
        byte[] nearest = peer;
        for (int line = lines.length - 1; line >= 0; line--) {
            String value = lines[line];
            if (value == null) {
                continue;
            }
            int end = value.length();
            while (end >= 0) {
                int comma = value.lastIndexOf(',', end - 1);
                int from = comma + 1;
                if (!isBlank(value, from, end)) {
                    byte[] hop = host(value, from, end);
                    if (hop == null) {
                        return null;
                    }
                    if (!trusted.contains(hop)) {
                        return hop;
                    }
                    nearest = hop;
                }
                if (comma < 0) {
                    break;
                }
                end = comma;
            }
        }
        // every hop was a trusted proxy: the farthest one is the best we know, as Tomcat's RemoteIpFilter does
        return nearest;
    }

    /**
     * An address as containers and proxies write it: a literal, {@code [v6]}, {@code [v6]:port} or
     * {@code v4:port}, with spaces around.
     */
    static byte[] host(String text, int from, int to) {
        while (from < to && isSpace(text.charAt(from))) {
            from++;
        }
        while (to > from && isSpace(text.charAt(to - 1))) {
            to--;
        }
        if (from == to) {
            return null;
        }
        if (text.charAt(from) == '[') {
            int close = text.indexOf(']', from);
            if (close < 0 || close >= to || (close + 1 < to && !isPort(text, close + 1, to))) {
                return null;
            }
            byte[] inside = IpLiteral.parse(text, from + 1, close);
            return inside != null && inside.length == 16 ? inside : null;
        }
        int colon = -1;
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == ':') {
                if (colon >= 0) {
                    return IpLiteral.parse(text, from, to);
                }
                colon = i;
            }
        }
        if (colon >= 0) {
            return isPort(text, colon, to) ? ipv4Only(IpLiteral.parse(text, from, colon)) : null;
        }
        return IpLiteral.parse(text, from, to);
    }

    private static byte[] ipv4Only(byte[] address) {
        return address != null && address.length == 4 ? address : null;
    }

    /** {@code :digits} from {@code at} (the colon) to {@code to}. */
    private static boolean isPort(String text, int at, int to) {
        if (text.charAt(at) != ':' || to - at < 2 || to - at > 6) {
            return false;
        }
        for (int i = at + 1; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isBlank(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isSpace(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }
}
