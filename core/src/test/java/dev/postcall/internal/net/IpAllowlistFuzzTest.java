package dev.postcall.internal.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes the {@code ip-allowlist} / {@code trusted-proxies} setting parser. {@link IpAllowlist#parse} may only refuse
 * a setting with {@link IllegalArgumentException}; a parsed list answers {@link IpAllowlist#contains(byte[])} for
 * any bytes without throwing, and its answer for 4- and 16-byte addresses equals a bit-by-bit reference reading of
 * the same entries.
 *
 * <p>An input is the setting (UTF-8) up to the first line feed, then address bytes: each address is a length byte
 * (0 to 31) and that many bytes. The committed inputs in {@code IpAllowlistFuzzTestInputs/} run as regression tests in
 * every build; see {@code fuzz/README.md} for running the fuzzer for real.
 */
class IpAllowlistFuzzTest {

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({"off", "elevenlabs", ",", "/", "::", "::ffff:", ".", "%", "/0", "/32", "/96", "/128"})
    void parsesOrRejectsWithIllegalArgumentException(byte[] input) {
        int newline = indexOf(input, (byte) '\n');
        String setting = new String(input, 0, newline < 0 ? input.length : newline, StandardCharsets.UTF_8);
        byte[] rest = newline < 0 ? new byte[0] : Arrays.copyOfRange(input, newline + 1, input.length);

        IpAllowlist list;
        try {
            list = IpAllowlist.parse(setting);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        Reference reference = Reference.of(setting);
        IpAllowlist reparsed = IpAllowlist.parse(list.toString());

        for (byte[] address : addresses(rest)) {
            boolean contained = list.contains(address);
            assertThat(reparsed.contains(address)).as("the list read back from toString()").isEqualTo(contained);
            if (address.length == 4 || address.length == 16) {
                assertThat(contained).as("reference answer for %s", Arrays.toString(address))
                        .isEqualTo(reference.contains(address));
                assertThat(list.contains(IpLiteral.toInetAddress(address))).as("InetAddress form")
                        .isEqualTo(contained);
            } else {
                assertThat(contained).as("not an address").isEqualTo(list.allowsAll());
            }
        }
        assertThat(list.contains((byte[]) null)).isEqualTo(list.allowsAll());
    }

    private static List<byte[]> addresses(byte[] rest) {
        List<byte[]> out = new ArrayList<>();
        int i = 0;
        while (i < rest.length) {
            int length = Math.min(rest[i] & 0x1f, rest.length - i - 1);
            out.add(Arrays.copyOfRange(rest, i + 1, i + 1 + length));
            i += 1 + length;
        }
        return out;
    }

    /**
     * The same entries read the slow, obvious way: each range as network bytes and a prefix length, compared bit by
     * bit. IPv4-mapped addresses and ranges at /96 or longer count as IPv4, as {@link IpAllowlist} documents.
     */
    private static final class Reference {
        private final boolean all;
        private final List<byte[]> networks = new ArrayList<>();
        private final List<Integer> prefixes = new ArrayList<>();

        private Reference(boolean all) {
            this.all = all;
        }

        static Reference of(String setting) {
            List<String> entries = new ArrayList<>();
            for (String entry : setting.split(",", -1)) {
                entries.add(entry.strip());
            }
            if (entries.size() == 1 && entries.get(0).equalsIgnoreCase("off")) {
                return new Reference(true);
            }
            Reference reference = new Reference(false);
            for (String entry : entries) {
                if (entry.equalsIgnoreCase("elevenlabs")) {
                    ElevenLabsEgress.ADDRESSES.forEach(reference::add);
                } else {
                    reference.add(entry);
                }
            }
            return reference;
        }

        private void add(String entry) {
            int slash = entry.indexOf('/');
            byte[] network = IpLiteral.parse(slash < 0 ? entry : entry.substring(0, slash).strip());
            int prefix = slash < 0 ? network.length * 8 : Integer.parseInt(entry.substring(slash + 1).strip());
            if (IpLiteral.isIpv4Mapped(network) && prefix >= 96) {
                network = Arrays.copyOfRange(network, 12, 16);
                prefix -= 96;
            }
            networks.add(network);
            prefixes.add(prefix);
        }

        boolean contains(byte[] address) {
            if (all) {
                return true;
            }
            byte[] a = IpLiteral.isIpv4Mapped(address) ? Arrays.copyOfRange(address, 12, 16) : address;
            for (int i = 0; i < networks.size(); i++) {
                byte[] network = networks.get(i);
                if (network.length == a.length && samePrefix(network, a, prefixes.get(i))) {
                    return true;
                }
            }
            return false;
        }

        private static boolean samePrefix(byte[] x, byte[] y, int bits) {
            for (int bit = 0; bit < bits; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((x[bit / 8] & mask) != (y[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
