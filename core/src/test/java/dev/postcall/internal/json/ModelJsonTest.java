package dev.postcall.internal.json;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelJsonTest {

    /** A model record of one string, so the decoded characters are what is compared. */
    public record Text(String value) {
    }

    /** A model record that refuses every value, as a record's checks may. */
    public record Refusing(String value) {
        public Refusing {
            throw new IllegalArgumentException("no");
        }
    }

    private static Jsonb oracle;

    @BeforeAll
    static void oracle() {
        oracle = JsonbBuilder.create();
    }

    @AfterAll
    static void close() throws Exception {
        oracle.close();
    }

    /** UTF-8 inside a JSON string: well-formed, then every kind of malformed sequence a sender could put there. */
    static List<String> stringContents() {
        return List.of(
                "616263",                 // abc
                "c3a9",                   // é
                "f09f9880",               // an emoji: a surrogate pair in UTF-16
                "80",                     // a lone continuation byte
                "c3",                     // a sequence cut short by the closing quote
                "e282",                   // a three-byte sequence cut short
                "c0af",                   // an overlong encoding of '/'
                "eda080",                 // a surrogate encoded in UTF-8
                "f4908080",               // past U+10FFFF
                "ff",                     // never valid in UTF-8
                "61c3a980ff62f09f98");    // a mix, ending in a cut emoji
    }

    @ParameterizedTest
    @MethodSource("stringContents")
    void bindsASmallRangeInMemoryToTheCharactersTheStreamedBindingGives(String hex) throws Exception {
        byte[] object = object(HexFormat.of().parseHex(hex));
        byte[] body = framed(object);

        Text bound = new ModelJson().read(JsonBytes.of(body), 3, 3 + object.length, Text.class);

        assertThat(bound.value()).isEqualTo(oracle.fromJson(new ByteArrayInputStream(object), Text.class).value());
    }

    @ParameterizedTest
    @MethodSource("stringContents")
    void bindsALargeRangeByStreamingToTheSameCharacters(String hex) throws Exception {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        content.write(HexFormat.of().parseHex(hex));
        content.write("x".repeat(ModelJson.DECODE_AT_ONCE).getBytes(StandardCharsets.US_ASCII));
        content.write(HexFormat.of().parseHex(hex));
        byte[] object = object(content.toByteArray());
        byte[] body = framed(object);

        Text bound = new ModelJson().read(JsonBytes.of(body), 3, 3 + object.length, Text.class);

        assertThat(object.length).isGreaterThan(ModelJson.DECODE_AT_ONCE);
        assertThat(bound.value()).isEqualTo(oracle.fromJson(new ByteArrayInputStream(object), Text.class).value());
    }

    @Test
    void bindsARangeOfBytesThatAreNotInMemoryAsThoseInMemory() throws Exception {
        byte[] object = object("caf\u00e9 \uD83D\uDE00".getBytes(StandardCharsets.UTF_8));
        byte[] body = framed(object);
        JsonBytes streamed = new JsonBytes() {
            @Override public long length() { return body.length; }
            @Override public byte[] inMemoryBytes() { return null; }

            @Override
            public InputStream openRange(long start, long end) {
                return new ByteArrayInputStream(body, (int) start, (int) (end - start));
            }
        };

        Text bound = new ModelJson().read(streamed, 3, 3 + object.length, Text.class);

        assertThat(bound.value()).isEqualTo("caf\u00e9 \uD83D\uDE00");
    }

    @Test
    void aValueTheModelRefusesIsAFormatErrorNamingTheModel() {
        byte[] object = object("a".getBytes(StandardCharsets.US_ASCII));

        assertThatThrownBy(() -> new ModelJson().read(JsonBytes.of(object), 0, object.length, Refusing.class))
                .isInstanceOf(JsonFormatException.class)
                .hasMessage("'data' does not fit the Refusing model")
                .hasCauseInstanceOf(RuntimeException.class);
    }

    @Test
    void jsonNullIsAFormatErrorSayingNothingWasBound() {
        byte[] json = "null".getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> new ModelJson().read(JsonBytes.of(json), 0, json.length, Text.class))
                .isInstanceOf(JsonFormatException.class)
                .hasMessage("'data' could not be bound to Text");
    }

    @Test
    void malformedJsonIsAFormatErrorWhicheverWayItIsRead() {
        byte[] json = "{\"value\":".getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> new ModelJson().read(JsonBytes.of(json), 0, json.length, Text.class))
                .isInstanceOf(JsonFormatException.class)
                .hasMessage("'data' does not fit the Text model");
    }

    /** {@code {"value":"<content>"}} */
    private static byte[] object(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("{\"value\":\"".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(content);
        out.writeBytes("\"}".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** The object with bytes before and after it, so a range that is not the whole array is read. */
    private static byte[] framed(byte[] object) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("[1,".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(object);
        out.writeBytes(",2]".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
