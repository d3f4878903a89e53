package dev.postcall.internal.net;

import dev.postcall.internal.config.Formats;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of IPv4 and IPv6 ranges that client addresses are checked against, parsed once from a setting such as
 * {@code off}, {@code elevenlabs}, {@code 10.0.0.0/8}, {@code 2001:db8::/32} or a comma-separated mix. Matching
 * compares bytes; no DNS lookup ever happens, and a match allocates nothing beyond what
 * {@link InetAddress#getAddress()} copies.
 *
 * <pre>{@code
 * IpAllowlist list = IpAllowlist.parse("elevenlabs, 10.0.0.0/8, 2001:db8::/32");
 * list.contains(IpLiteral.parse("34.67.146.145"));   // true
 * }</pre>
 *
 * <p>Entries: {@code off} (alone: every address), {@code elevenlabs} (every address in {@link ElevenLabsEgress}), an
 * IP literal (that one address) or a CIDR {@code address/prefix} whose host bits are zero. An IPv4-mapped IPv6
 * address ({@code ::ffff:10.0.0.1}) is matched as the IPv4 address it carries.
 */
public final class IpAllowlist {
    private static final IpAllowlist OFF = new IpAllowlist("off", true, new int[0], new int[0], new long[0]);

    private final String setting;
    private final boolean allowsAll;
    private final int[] v4Networks;
    private final int[] v4Masks;
    /** hi, lo, maskHi, maskLo per range. */
    private final long[] v6;

    private IpAllowlist(String setting, boolean allowsAll, int[] v4Networks, int[] v4Masks, long[] v6) {
        this.setting = setting;
        this.allowsAll = allowsAll;
        this.v4Networks = v4Networks;
        this.v4Masks = v4Masks;
        this.v6 = v6;
    }

    /**
     * Parses a comma-separated list of {@code off}, {@code elevenlabs} and CIDRs / single addresses; spaces around
     * entries are ignored, the keywords are case-insensitive.
     *
     * @throws IllegalArgumentException naming every entry that is not an IP literal or CIDR
     */
    public static IpAllowlist parse(String setting) {
        if (setting == null || setting.isBlank()) {
            throw new IllegalArgumentException("empty; use 'off' to allow every address, or list CIDRs");
        }
        List<String> problems = new ArrayList<>();
        List<int[]> v4 = new ArrayList<>();
        List<long[]> v6 = new ArrayList<>();
        boolean off = false;
        List<String> list = Formats.entries(setting);
        int entries = 0;
        for (String entry : list) {
            entries++;
            if (entry.isEmpty()) {
                problems.add("entry " + entries + " is empty (a stray comma?)");
            } else if (entry.equalsIgnoreCase("off")) {
                off = true;
            } else if (entry.equalsIgnoreCase("elevenlabs")) {
                for (String address : ElevenLabsEgress.ADDRESSES) {
                    addRange(address, v4, v6, problems);
                }
            } else {
                addRange(entry, v4, v6, problems);
            }
        }
        if (off && entries > 1) {
            problems.add("'off' cannot be combined with other entries");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        if (off) {
            return OFF;
        }
        int[] networks = new int[v4.size()];
        int[] masks = new int[v4.size()];
        for (int i = 0; i < networks.length; i++) {
            networks[i] = v4.get(i)[0];
            masks[i] = v4.get(i)[1];
        }
        long[] ranges = new long[v6.size() * 4];
        for (int i = 0; i < v6.size(); i++) {
            System.arraycopy(v6.get(i), 0, ranges, i * 4, 4);
        }
        return new IpAllowlist(setting.strip(), false, networks, masks, ranges);
    }

    /** Whether this list lets every address through ({@code off}). */
    public boolean allowsAll() {
        return allowsAll;
    }

    /** Whether {@code address} lies in one of the ranges (always, for {@code off}). */
    public boolean contains(InetAddress address) {
        return address != null && contains(address.getAddress());
    }

    /**
     * Whether the address with these bytes (4 or 16, network order, as from {@link IpLiteral#parse(CharSequence)})
     * lies in one of the ranges. Any other length is never contained, except by {@code off}.
     */
    public boolean contains(byte[] address) {
        if (allowsAll) {
            return true;
        }
        if (address == null) {
            return false;
        }
        if (address.length == 4) {
            return containsV4(int32(address, 0));
        }
        if (address.length != 16) {
            return false;
        }
        if (IpLiteral.isIpv4Mapped(address)) {
            return containsV4(int32(address, 12));
        }
        long hi = int64(address, 0);
        long lo = int64(address, 8);
        for (int i = 0; i < v6.length; i += 4) {
            if ((hi & v6[i + 2]) == v6[i] && (lo & v6[i + 3]) == v6[i + 1]) {
                return true;
            }
        }
        return false;
    }

    /** The setting this list was parsed from. */
    @Override
    public String toString() {
        return setting;
    }

    private boolean containsV4(int address) {
        for (int i = 0; i < v4Networks.length; i++) {
            if ((address & v4Masks[i]) == v4Networks[i]) {
                return true;
            }
        }
        return false;
    }

    private static void addRange(String entry, List<int[]> v4, List<long[]> v6, List<String> problems) {
        int slash = entry.indexOf('/');
        String literal = slash < 0 ? entry : entry.substring(0, slash).strip();
        byte[] address = IpLiteral.parse(literal);
        if (address == null) {
            problems.add("'" + entry + "' is not an IP address or CIDR (IP literals only; host names are not resolved)");
            return;
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            prefix = prefixLength(entry.substring(slash + 1).strip(), bits);
            if (prefix < 0) {
                problems.add("'" + entry + "' has a prefix length that is not a number from 0 to " + bits);
                return;
            }
        }
        if (address.length == 16 && IpLiteral.isIpv4Mapped(address) && prefix >= 96) {
            address = new byte[] {address[12], address[13], address[14], address[15]};
            prefix -= 96;
        }
        if (address.length == 4) {
            int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
            int network = int32(address, 0);
            if ((network & mask) != network) {
                problems.add("'" + entry + "' has host bits set; did you mean "
                        + v4Text(network & mask) + "/" + prefix + "?");
                return;
            }
            v4.add(new int[] {network, mask});
        } else {
            long maskHi = prefix == 0 ? 0 : prefix >= 64 ? -1L : -1L << (64 - prefix);
            long maskLo = prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix);
            long hi = int64(address, 0);
            long lo = int64(address, 8);
            if ((hi & maskHi) != hi || (lo & maskLo) != lo) {
                problems.add("'" + entry + "' has host bits set below the /" + prefix + " prefix");
                return;
            }
            v6.add(new long[] {hi, lo, maskHi, maskLo});
        }
    }

    private static int prefixLength(String text, int bits) {
        if (text.isEmpty() || text.length() > 3) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value > bits ? -1 : value;
    }

    private static String v4Text(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }

    private static int int32(byte[] a, int at) {
        return (a[at] & 0xff) << 24 | (a[at + 1] & 0xff) << 16 | (a[at + 2] & 0xff) << 8 | (a[at + 3] & 0xff);
    }

    private static long int64(byte[] a, int at) {
        return (long) int32(a, at) << 32 | (int32(a, at + 4) & 0xffffffffL);
    }
}
