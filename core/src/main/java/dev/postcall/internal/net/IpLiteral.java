package dev.postcall.internal.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Strict parser of IP address literals into their network-order bytes, without any name lookup: an IPv4 dotted quad
 * ({@code 34.67.146.145}; no leading zeros, no shorthand forms) or an IPv6 address in any RFC 4291 text form
 * ({@code 2001:db8::1}, {@code ::}, {@code ::ffff:10.0.0.1}), with a zone id ({@code fe80::1%eth0}) accepted and
 * dropped. Brackets and ports are not part of a literal; whoever reads them from a header strips them first.
 *
 * <pre>{@code
 * byte[] a = IpLiteral.parse("2001:db8::1");   // 16 bytes
 * byte[] b = IpLiteral.parse("example.com");   // null, and no DNS query was made
 * }</pre>
 */
public final class IpLiteral {
    private IpLiteral() {
    }

    /**
     * The bytes of {@code text} when it is an IP literal: 4 for IPv4, 16 for IPv6.
     *
     * @return the address bytes, or {@code null} when {@code text} is not an IP literal
     */
    public static byte[] parse(CharSequence text) {
        return text == null ? null : parse(text, 0, text.length());
    }

    /**
     * The bytes of the IP literal in {@code text} between {@code from} (inclusive) and {@code to} (exclusive), so
     * a caller can parse a slice of a header without copying it.
     *
     * @return the address bytes (4 or 16), or {@code null} when the slice is not an IP literal
     * @throws IndexOutOfBoundsException when the range lies outside {@code text}
     */
    public static byte[] parse(CharSequence text, int from, int to) {
        if (from < 0 || to > text.length() || from > to) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of " + text.length());
        }
        if (from == to) {
            return null;
        }
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == ':') {
                return parseIpv6(text, from, to);
            }
        }
        byte[] out = new byte[4];
        return parseIpv4(text, from, to, out, 0) ? out : null;
    }

    /**
     * An {@link InetAddress} for bytes from {@link #parse(CharSequence)}; no lookup happens. An IPv4-mapped IPv6
     * address ({@code ::ffff:a.b.c.d}) comes back as the IPv4 address, as the JDK does.
     *
     * @throws IllegalArgumentException when {@code address} is not 4 or 16 bytes long
     */
    public static InetAddress toInetAddress(byte[] address) {
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + address.length, e);
        }
    }

    /** Whether 16 bytes hold an IPv4-mapped IPv6 address ({@code ::ffff:0:0/96}). */
    static boolean isIpv4Mapped(byte[] a) {
        if (a.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    private static boolean parseIpv4(CharSequence s, int from, int to, byte[] out, int at) {
        int parts = 0;
        int value = 0;
        int digits = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                // a leading zero reads as octal to inet_aton and friends: refuse the ambiguity
                if (digits > 0 && value == 0) {
                    return false;
                }
                value = value * 10 + (c - '0');
                if (++digits > 3 || value > 255) {
                    return false;
                }
            } else if (c == '.') {
                if (digits == 0 || parts == 3) {
                    return false;
                }
                out[at + parts++] = (byte) value;
                value = 0;
                digits = 0;
            } else {
                return false;
            }
        }
        if (digits == 0 || parts != 3) {
            return false;
        }
        out[at + 3] = (byte) value;
        return true;
    }

    private static byte[] parseIpv6(CharSequence s, int from, int end) {
        for (int i = from; i < end; i++) {
            if (s.charAt(i) == '%') {
                if (i == end - 1) {
                    return null;
                }
                end = i;
                break;
            }
        }
        byte[] out = new byte[16];
        int groups = 0;
        int gap = -1;
        int i = from;
        if (end - from >= 2 && s.charAt(from) == ':' && s.charAt(from + 1) == ':') {
            gap = 0;
            i += 2;
            if (i == end) {
                return out;
            }
        }
        while (i < end) {
            int j = i;
            int value = 0;
            while (j < end) {
                int d = Character.digit(s.charAt(j), 16);
                if (d < 0 || s.charAt(j) > 'f') {
                    break;
                }
                value = (value << 4) | d;
                if (++j - i > 4) {
                    return null;
                }
            }
            if (j < end && s.charAt(j) == '.') {
                if (groups > 6 || !parseIpv4(s, i, end, out, groups * 2)) {
                    return null;
                }
                groups += 2;
                break;
            }
            if (j == i || groups == 8) {
                return null;
            }
            out[groups * 2] = (byte) (value >>> 8);
            out[groups * 2 + 1] = (byte) value;
            groups++;
            if (j == end) {
                break;
            }
            if (s.charAt(j) != ':') {
                return null;
            }
            j++;
            if (j < end && s.charAt(j) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = groups;
                j++;
            } else if (j == end) {
                return null;
            }
            i = j;
        }
        if (gap < 0) {
            return groups == 8 ? out : null;
        }
        if (groups > 7) {
            return null;
        }
        int tail = (groups - gap) * 2;
        System.arraycopy(out, gap * 2, out, 16 - tail, tail);
        for (int k = gap * 2; k < 16 - tail; k++) {
            out[k] = 0;
        }
        return out;
    }
}
