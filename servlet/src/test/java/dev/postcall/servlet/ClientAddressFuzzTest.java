package dev.postcall.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.postcall.internal.net.IpAllowlist;
import dev.postcall.internal.net.IpLiteral;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Fuzzes how the filter finds the client's address: the peer address and {@code X-Forwarded-For} lines as a
 * spoofing client or a confused proxy might send them. {@link ClientAddress#of} never throws and answers
 * {@code null} or 4 / 16 bytes; an untrusted peer is the client whatever the header says; behind a trusted proxy the
 * answer equals a plain reference walk (every entry of every line, right to left, the first one that is not a
 * trusted proxy; any entry that is not an address makes the client unknown).
 *
 * <p>An input is UTF-8 text: the peer address ({@code getRemoteAddr()}) up to the first line feed, then one
 * {@code X-Forwarded-For} line per further line. The committed inputs in {@code ClientAddressFuzzTestInputs/} run as
 * regression tests in every build; see {@code fuzz/README.md} for running the fuzzer for real.
 */
class ClientAddressFuzzTest {

    private static final IpAllowlist TRUSTED =
            IpAllowlist.parse("10.0.0.0/8, 192.0.2.1, 2001:db8::/32, ::ffff:198.51.100.0/120");

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({",", " ", "\t", "[", "]", ":", "::", ".", "10.0.0.1", "192.0.2.1", "2001:db8::1",
            "203.0.113.7", "198.51.100.9", "::ffff:", ":8080", "unknown", "%"})
    void findsTheClientOrNobody(byte[] input) {
        List<String> lines = Arrays.asList(new String(input, StandardCharsets.UTF_8).split("\n", -1));
        String remote = lines.get(0);
        List<String> forwarded = lines.subList(1, lines.size());

        byte[] client = ClientAddress.of(request(remote, forwarded), TRUSTED);

        if (client != null) {
            assertThat(client.length).isIn(4, 16);
        }
        byte[] peer = ClientAddress.host(remote, 0, remote.length());
        if (peer == null || !TRUSTED.contains(peer)) {
            assertThat(client).as("an untrusted peer is the client").isEqualTo(peer);
        } else {
            assertThat(client).as("reference walk").isEqualTo(reference(peer, forwarded));
        }

        // how one entry is read: spaces around it do not matter, a bare literal reads as the literal parser reads it
        byte[] literal = IpLiteral.parse(remote);
        String padded = " \t" + remote + " ";
        assertThat(ClientAddress.host(padded, 0, padded.length())).as("padded").isEqualTo(peer);
        // (only without spaces around: the literal parser keeps "::% " as "::" with the zone " ", ours trims first)
        if (literal != null && remote.strip().equals(remote)) {
            assertThat(peer).as("a bare literal").isEqualTo(literal);
            if (literal.length == 16 && remote.indexOf('%') < 0) {
                String bracketed = "[" + remote + "]:443";
                assertThat(ClientAddress.host(bracketed, 0, bracketed.length())).as("[v6]:port").isEqualTo(literal);
            }
        }
    }

    private static byte[] reference(byte[] peer, List<String> lines) {
        List<String> hops = new ArrayList<>();
        for (String line : lines) {
            hops.addAll(Arrays.asList(line.split(",", -1)));
        }
        byte[] nearest = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            if (hop.chars().allMatch(c -> c == ' ' || c == '\t')) {
                continue;
            }
            byte[] address = ClientAddress.host(hop, 0, hop.length());
            if (address == null || !TRUSTED.contains(address)) {
                return address;
            }
            nearest = address;
        }
        return nearest;
    }

    /** Only what {@link ClientAddress} reads: the peer address and the header's lines. */
    private static HttpServletRequest request(String remote, List<String> forwarded) {
        return (HttpServletRequest) Proxy.newProxyInstance(ClientAddressFuzzTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getRemoteAddr":
                            return remote;
                        case "getHeaders":
                            return ClientAddress.FORWARDED_FOR.equalsIgnoreCase((String) args[0])
                                    ? Collections.enumeration(forwarded) : Collections.emptyEnumeration();
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }
}
