package dev.postcall.net;

import java.net.InetAddress;

/**
 * A set of IPv4 and IPv6 ranges that client addresses are checked against, parsed once from a setting such as
 * {@code off}, {@code elevenlabs}, {@code 10.0.0.0/8}, {@code 2001:db8::/32} or a comma-separated mix. Matching
 * compares bytes; no DNS lookup ever happens.
 *
 * CONTRACT STUB: the servlet issue fills this in.
 */
public final class IpAllowlist {
    private IpAllowlist() {
    }

    /**
     * Parses a comma-separated list of {@code off}, {@code elevenlabs} and CIDRs / single addresses.
     *
     * @throws IllegalArgumentException naming every entry that is not an IP literal or CIDR
     */
    public static IpAllowlist parse(String setting) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** Whether this list lets every address through ({@code off}). */
    public boolean allowsAll() {
        throw new UnsupportedOperationException();
    }

    /** Whether {@code address} lies in one of the ranges. */
    public boolean contains(InetAddress address) {
        throw new UnsupportedOperationException();
    }
}
