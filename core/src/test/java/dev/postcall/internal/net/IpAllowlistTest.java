package dev.postcall.internal.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postcall.testsupport.TestData;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpAllowlistTest {

    private static boolean allows(IpAllowlist list, String address) {
        byte[] bytes = IpLiteral.parse(address);
        assertThat(bytes).as(address).isNotNull();
        return list.contains(bytes);
    }

    @Test
    void offAllowsEveryAddress() {
        IpAllowlist off = IpAllowlist.parse("off");
        assertThat(off.allowsAll()).isTrue();
        assertThat(allows(off, "203.0.113.9")).isTrue();
        assertThat(allows(off, "2001:db8::1")).isTrue();
        assertThat(IpAllowlist.parse(" OFF ").allowsAll()).isTrue();
    }

    @Test
    void elevenlabsHoldsEveryDocumentedEgressAddressAndNothingNextToThem() {
        IpAllowlist list = IpAllowlist.parse("elevenlabs");
        assertThat(list.allowsAll()).isFalse();
        String[] documented = {
                "34.67.146.145", "34.59.11.47", "35.204.38.71", "34.147.113.54", "35.185.187.110", "35.247.157.189",
                "34.77.234.246", "34.140.184.144", "34.93.26.174", "34.93.252.69", "34.87.23.17", "34.126.179.103"};
        assertThat(ElevenLabsEgress.ADDRESSES).containsExactlyInAnyOrder(documented);
        for (String address : documented) {
            assertThat(allows(list, address)).as(address).isTrue();
            assertThat(allows(list, "::ffff:" + address)).as("mapped " + address).isTrue();
            byte[] next = IpLiteral.parse(address);
            next[3]++;
            assertThat(list.contains(next)).as("next to " + address).isFalse();
        }
        assertThat(allows(list, "127.0.0.1")).isFalse();
    }

    @Test
    void matchesEveryAddressOfAnIpv4RangeAndNoneJustOutside() {
        IpAllowlist list = IpAllowlist.parse("192.168.4.0/22");
        for (int third = 0; third < 256; third++) {
            for (int fourth = 0; fourth < 256; fourth += 17) {
                String address = "192.168." + third + "." + fourth;
                assertThat(allows(list, address)).as(address).isEqualTo(third >= 4 && third <= 7);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
            "10.0.0.0/8, 10.0.0.0, true",
            "10.0.0.0/8, 10.255.255.255, true",
            "10.0.0.0/8, 11.0.0.0, false",
            "10.0.0.0/8, 9.255.255.255, false",
            "0.0.0.0/0, 203.0.113.9, true",
            "0.0.0.0/0, 2001:db8::1, false",
            "203.0.113.9, 203.0.113.9, true",
            "203.0.113.9/32, 203.0.113.8, false",
            "203.0.113.128/25, 203.0.113.127, false",
            "203.0.113.128/25, 203.0.113.128, true",
            "2001:db8::/32, 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff, true",
            "2001:db8::/32, 2001:db9::, false",
            "2001:db8::/32, 2001:db7:ffff:ffff:ffff:ffff:ffff:ffff, false",
            "2001:db8:0:0:8000::/65, 2001:db8::8000:0:0:1, true",
            "2001:db8:0:0:8000::/65, 2001:db8::7fff:0:0:1, false",
            "::1, ::1, true",
            "::1/128, ::2, false",
            "::/0, ::ffff:1.2.3.4, false",
            "::/0, 2001:db8::1, true",
            "::ffff:10.0.0.0/104, 10.1.2.3, true",
            "::ffff:10.0.0.0/104, 11.1.2.3, false",
            "fe80::/10, fe80::1%eth0, true",
    })
    void matchesByPrefix(String setting, String address, boolean expected) {
        assertThat(allows(IpAllowlist.parse(setting), address)).isEqualTo(expected);
    }

    @Test
    void mixesKeywordsIpv4AndIpv6() throws Exception {
        IpAllowlist list = IpAllowlist.parse(" elevenlabs , 10.0.0.0/8,2001:db8::/32 ");
        assertThat(list.contains(InetAddress.getByName("34.87.23.17"))).isTrue();
        assertThat(list.contains(InetAddress.getByName("10.9.8.7"))).isTrue();
        assertThat(list.contains(InetAddress.getByName("2001:db8::5"))).isTrue();
        assertThat(list.contains(InetAddress.getByName("2001:db9::5"))).isFalse();
        assertThat(list.contains((InetAddress) null)).isFalse();
        assertThat(list.contains(new byte[5])).isFalse();
    }

    @Test
    void namesEveryBadEntryInOneMessage() {
        assertThatThrownBy(() -> IpAllowlist.parse(
                "10.0.0.0/33, example.com,, 10.0.0.1/8, 2001:db8::/129, 1.2.3.4/x, 2001:db8::1/32, 1.2.3.4/-1, elevenlabs"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'10.0.0.0/33' has a prefix length that is not a number from 0 to 32")
                .hasMessageContaining("'example.com' is not an IP address or CIDR")
                .hasMessageContaining("entry 3 is empty")
                .hasMessageContaining("'10.0.0.1/8' has host bits set; did you mean 10.0.0.0/8?")
                .hasMessageContaining("'2001:db8::/129' has a prefix length that is not a number from 0 to 128")
                .hasMessageContaining("'1.2.3.4/x'")
                .hasMessageContaining("'2001:db8::1/32' has host bits set")
                .hasMessageContaining("'1.2.3.4/-1'")
                .message().doesNotContain("elevenlabs");
    }

    @Test
    void rejectsOffMixedWithRangesAndAnEmptySetting() {
        assertThatThrownBy(() -> IpAllowlist.parse("off, 10.0.0.0/8"))
                .hasMessageContaining("'off' cannot be combined");
        assertThatThrownBy(() -> IpAllowlist.parse(" ")).hasMessageContaining("use 'off'");
        assertThatThrownBy(() -> IpAllowlist.parse("10.0.0.0/8,")).hasMessageContaining("entry 2 is empty");
    }

    @Test
    void elevenlabsCoversEveryAddressInTheVendorPageAndTheSchemaNotes() throws Exception {
        Path excerpts = TestData.spec("egress-ips.md");
        IpAllowlist list = IpAllowlist.parse("elevenlabs");
        Pattern ipv4 = Pattern.compile("\\b\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\b");
        int seen = 0;
        // the vendor page's "IP whitelisting" section and the schema notes' "Egress IPs" bullet
        String page = section(excerpts, "### IP whitelisting", "\n## ");
        String notes = section(excerpts, "* Egress IPs", "\n* ");
        for (String text : new String[] {page, notes}) {
            Matcher m = ipv4.matcher(text);
            while (m.find()) {
                assertThat(ElevenLabsEgress.ADDRESSES).contains(m.group());
                assertThat(allows(list, m.group())).as(m.group()).isTrue();
                seen++;
            }
        }
        assertThat(seen).isEqualTo(10 + 12);
    }

    private static String section(Path file, String from, String to) throws Exception {
        String text = Files.readString(file);
        int start = text.indexOf(from);
        assertThat(start).as(from + " in " + file).isNotNegative();
        int end = text.indexOf(to, start + from.length());
        return text.substring(start, end < 0 ? text.length() : end);
    }
}
