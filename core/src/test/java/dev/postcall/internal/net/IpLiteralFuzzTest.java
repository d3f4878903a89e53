package dev.postcall.internal.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Fuzzes the IP literal parser that reads {@code X-Forwarded-For} entries and allowlist settings. It never throws
 * for text, returns {@code null} or 4 / 16 bytes, parses a slice like the same text alone, and what it accepts
 * round-trips through the JDK's own formatting. On a JDK that has {@code InetAddress.ofLiteral} (22 and later), what
 * it accepts the JDK accepts too, as the same address: we are stricter than the JDK, never looser or different.
 *
 * <p>An input is the text, UTF-8. The committed inputs in {@code IpLiteralFuzzTestInputs/} run as regression tests in
 * every build; see {@code fuzz/README.md} for running the fuzzer for real.
 */
class IpLiteralFuzzTest {

    /** {@code InetAddress.ofLiteral(String)}, a literal-only parser (no DNS), when this JDK has it. */
    private static final Method OF_LITERAL = ofLiteral();

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({"::", "::ffff:", ".", ":", "%", "255", "0", "ffff", "1.2.3.4", "fe80::"})
    void parsesOrRefusesAndAgreesWithTheJdk(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        byte[] address = IpLiteral.parse(text);

        byte[] sliced = IpLiteral.parse("x:" + text + "/1", 2, 2 + text.length());
        assertThat(sliced).as("a slice parses like the text alone").isEqualTo(address);
        if (address == null) {
            return;
        }
        assertThat(address.length).isIn(4, 16);

        // The JDK formats the bytes (no lookup for getByAddress); reading that text back gives the same address.
        InetAddress inet = IpLiteral.toInetAddress(address);
        byte[] again = IpLiteral.parse(inet.getHostAddress());
        assertThat(again).as("round trip of %s", inet.getHostAddress()).isEqualTo(unmapped(address));

        if (OF_LITERAL != null) {
            int zone = text.indexOf('%');
            // an interface-name zone must name a real interface for the JDK; ours drops zones
            String withoutZone = zone < 0 ? text : text.substring(0, zone);
            InetAddress jdk;
            try {
                jdk = (InetAddress) OF_LITERAL.invoke(null, withoutZone);
            } catch (InvocationTargetException e) {
                throw new AssertionError("the JDK refuses a literal we accept: " + withoutZone, e.getCause());
            }
            assertThat(jdk.getAddress()).as("the JDK's reading").isEqualTo(unmapped(address));
        }
    }

    private static byte[] unmapped(byte[] address) {
        return IpLiteral.isIpv4Mapped(address) ? Arrays.copyOfRange(address, 12, 16) : address;
    }

    private static Method ofLiteral() {
        try {
            return InetAddress.class.getMethod("ofLiteral", String.class);
        } catch (NoSuchMethodException olderJdk) {
            return null;
        }
    }
}
