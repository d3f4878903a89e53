package dev.postcall.internal.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.HexFormat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralTest {

    @ParameterizedTest
    @CsvSource({
            "0.0.0.0, 00000000",
            "255.255.255.255, ffffffff",
            "34.67.146.145, 22439291",
            "10.0.0.1, 0a000001",
            "::, 00000000000000000000000000000000",
            "::1, 00000000000000000000000000000001",
            "1::, 00010000000000000000000000000000",
            "2001:db8::1, 20010db8000000000000000000000001",
            "2001:DB8:0:0:0:0:0:FF, 20010db80000000000000000000000ff",
            "1:2:3:4:5:6:7:8, 00010002000300040005000600070008",
            "1:2:3:4:5:6:7::, 00010002000300040005000600070000",
            "::2:3:4:5:6:7:8, 00000002000300040005000600070008",
            "::ffff:10.0.0.1, 00000000000000000000ffff0a000001",
            "64:ff9b::192.0.2.33, 0064ff9b0000000000000000c0000221",
            "1:2:3:4:5:6:1.2.3.4, 00010002000300040005000601020304",
            "fe80::1%eth0, fe800000000000000000000000000001",
            "fe80::1%25, fe800000000000000000000000000001",
    })
    void parsesLiteralsIntoNetworkOrderBytes(String text, String hex) {
        assertThat(IpLiteral.parse(text)).isEqualTo(HexFormat.of().parseHex(hex));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", " ", "localhost", "example.com", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.-4", "01.2.3.4",
            "1.2.3.04", "1..2.3", ".1.2.3", "1.2.3.4.", "1.2.3.4 ", "0x7f.0.0.1", "1234", "127.1",
            ":::", "1:::2", "1::2::3", ":1::", "1::2:", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::1",
            "1:2:3:4:5:6:7:8::", "::1.2.3", "::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4", "fe80::1%", "[::1]",
            "1.2.3.4:80", "::ffff:1.2.3.256", "\uff11.2.3.4", "\uff11::1",
    })
    void rejectsWhatIsNotALiteral(String text) {
        assertThat(IpLiteral.parse(text)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1", "2001:db8::42", "::ffff:192.0.2.1"})
    void agreesWithTheJdkOnLiterals(String text) throws Exception {
        // InetAddress.getByName makes no lookup for a literal; it is the reference here
        assertThat(IpLiteral.toInetAddress(IpLiteral.parse(text))).isEqualTo(InetAddress.getByName(text));
    }

    @org.junit.jupiter.api.Test
    void parsesASliceWithoutCopying() {
        assertThat(IpLiteral.parse("for=10.1.2.3;x", 4, 12)).containsExactly(10, 1, 2, 3);
    }
}
