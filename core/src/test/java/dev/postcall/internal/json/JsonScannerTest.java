package dev.postcall.internal.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonScannerTest {

    private static JsonScanner over(String json) {
        return JsonScanner.over(json.getBytes(StandardCharsets.UTF_8), 0);
    }

    /** A stream that hands out one byte per read, so every token crosses a buffer refill. */
    private static JsonScanner trickling(String json) {
        InputStream in = new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };
        return JsonScanner.over(in, 0, -1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\"plain\"", "\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDE00\"", "0", "-0", "12.5e-3",
            "1E+21", "12345678901234567890123", "true", "false", "null", "[]", "{}", "[1,[2,[3]],{\"a\":{}}]",
            " { \"a\" : [ true , null ] } "})
    void skipsEveryKindOfValueToItsEnd(String json) throws Exception {
        for (JsonScanner s : new JsonScanner[] {over(json + " ,"), trickling(json + " ,")}) {
            s.skipValue(0);
            assertThat(s.peek()).isEqualTo(',');
            assertThat(s.offset()).isEqualTo(json.getBytes(StandardCharsets.UTF_8).length + 1);
        }
    }

    @Test
    void aStringEndsAtItsQuoteAndStopsAtEscapesAndControlCharactersWhereverTheyFallInAWord() throws Exception {
        // each special byte at every offset of strings up to 40 bytes long, skipped and read
        String[] specials = {"\\\"", "\\\\", "\\u00e9", "\u00e9", "\uD83D\uDE00", "\u007f"};
        for (int length = 0; length <= 40; length++) {
            String plain = "x".repeat(length);
            for (JsonScanner s : new JsonScanner[] {over("\"" + plain + "\",1"), trickling("\"" + plain + "\",1")}) {
                s.skipValue(0);
                assertThat(s.offset()).as("plain string of %d", length).isEqualTo(length + 2);
            }
            for (String special : specials) {
                for (int at = 0; at <= length; at++) {
                    String content = plain.substring(0, at) + special + plain.substring(at);
                    String json = "\"" + content + "\",1";
                    JsonScanner s = over(json);
                    s.skipValue(0);
                    assertThat(s.offset()).as("%s at %d of %d", special, at, length)
                            .isEqualTo(content.getBytes(StandardCharsets.UTF_8).length + 2);
                    assertThat(over(json).readString(1000)).isEqualTo(
                            content.replace("\\\"", "\"").replace("\\\\", "\\").replace("\\u00e9", "\u00e9"));
                }
                String control = plain.substring(0, length / 2) + "\n" + plain.substring(length / 2);
                assertThatThrownBy(() -> over("\"" + control + "\"").skipValue(0))
                        .isInstanceOf(JsonFormatException.class).hasMessageContaining("control character");
            }
        }
    }

    @Test
    void readsStringsWithEveryEscape() throws Exception {
        String json = "\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\\u00e9j\\uD83D\\uDE00k ñ €\"";
        String expected = "a\"b\\c/d\be\ff\ng\rh\ti\u00e9j\uD83D\uDE00k ñ €";
        assertThat(over(json).readString(1000)).isEqualTo(expected);
        assertThat(trickling(json).readString(1000)).isEqualTo(expected);
    }

    @Test
    void tooLongStringReadsAsNullButIsConsumed() throws Exception {
        JsonScanner s = over("\"" + "x".repeat(100) + "\",");
        assertThat(s.readString(10)).isNull();
        assertThat(s.peek()).isEqualTo(',');
    }

    @Test
    void refusesInvalidUtf8InAStringItReads() {
        byte[] json = {'"', 'a', (byte) 0xC3, '"'};
        assertThatThrownBy(() -> JsonScanner.over(json, 0).readString(100))
                .isInstanceOf(JsonFormatException.class).hasMessageContaining("invalid UTF-8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"a\\x\"", "\"a\\u12G4\"", "\"tab\there\"", "01", "-", "1.", "1e", "1e+", ".5", "+1",
            "tru", "nul", "[1,]", "[1 2]", "{\"a\"}", "{\"a\":}", "{a:1}", "{\"a\":1,}", "]", "}"})
    void refusesInvalidJson(String json) {
        assertThatThrownBy(() -> {
            JsonScanner s = over(json);
            s.skipValue(0);
            // a value that ends early must be followed by nothing else
            if (s.peek() >= 0) {
                throw s.error("trailing");
            }
        }).isInstanceOf(JsonFormatException.class).hasMessageStartingWith("malformed JSON");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"abc", "\"abc\\", "\"abc\\u00", "[1,2", "{\"a\":1", "{\"a\"", "[tr", "{\"a\":\"b\",\"c\":[{"})
    void truncatedInputIsRefused(String json) {
        assertThatThrownBy(() -> over(json).skipValue(0))
                .isInstanceOf(JsonFormatException.class).hasMessageContaining("ends in the middle");
        assertThatThrownBy(() -> trickling(json).skipValue(0))
                .isInstanceOf(JsonFormatException.class).hasMessageContaining("ends in the middle");
    }

    @Test
    void nestingUpToTheBoundIsAcceptedAndDeeperIsRefused() throws Exception {
        int max = JsonScanner.MAX_DEPTH;
        over("[".repeat(max) + "]".repeat(max)).skipValue(0);
        over("{\"a\":".repeat(max - 1) + "{}" + "}".repeat(max - 1)).skipValue(0);
        assertThatThrownBy(() -> over("[".repeat(max + 1) + "]".repeat(max + 1)).skipValue(0))
                .isInstanceOf(JsonFormatException.class).hasMessageContaining("nested deeper than 200");
        // far deeper than a thread stack would survive with unbounded recursion
        assertThatThrownBy(() -> over("[".repeat(1_000_000)).skipValue(0))
                .isInstanceOf(JsonFormatException.class).hasMessageContaining("nested deeper");
    }

    @Test
    void readsNumberTextAndRefusesOverlongOnes() throws Exception {
        assertThat(over("-12.5e3,").readNumber(64)).isEqualTo("-12.5e3");
        assertThat(over("1".repeat(100)).readNumber(64)).isNull();
    }

    @Test
    void wholeNumberAcceptsIntegralFormsOnly() {
        assertThat(BodyJson.wholeNumber("1761400000")).isEqualTo(1761400000L);
        assertThat(BodyJson.wholeNumber("1761400000.000")).isEqualTo(1761400000L);
        assertThat(BodyJson.wholeNumber("1.7614e9")).isEqualTo(1761400000L);
        assertThat(BodyJson.wholeNumber("-5")).isEqualTo(-5L);
        assertThat(BodyJson.wholeNumber("0e999999999")).isEqualTo(0L);
        assertThat(BodyJson.wholeNumber("1.5")).isNull();
        assertThat(BodyJson.wholeNumber("1e999999999")).isNull();
        assertThat(BodyJson.wholeNumber("1e-999999999")).isNull();
        assertThat(BodyJson.wholeNumber("99999999999999999999")).isNull();
        assertThat(BodyJson.wholeNumber("abc")).isNull();
        assertThat(BodyJson.wholeNumber("")).isNull();
    }

    @Test
    void offsetsCountBytesNotCharacters() throws Exception {
        JsonScanner s = over("\"é€😀\",");
        s.skipValue(0);
        assertThat(s.offset()).isEqualTo(1 + 2 + 3 + 4 + 1);
    }

    @Test
    void longStringsEndAtTheirQuoteWhereverTheStopFallsInAWord() throws Exception {
        for (int length = 0; length < 40; length++) {
            String value = "x".repeat(length);
            for (String tail : new String[] {"\"", "\\n\"", "\\\"\""}) {
                JsonScanner s = over("\"" + value + tail + " ,");
                s.skipValue(0);
                assertThat(s.peek()).as("length %d, tail %s", length, tail).isEqualTo(',');
            }
            assertThatThrownBy(() -> over("\"" + value + "\u0001\"").skipValue(0))
                    .isInstanceOf(JsonFormatException.class);
        }
    }
}
