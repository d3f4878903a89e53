package dev.postcall.internal.json;

import dev.postcall.BodySource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Base64ValueTest {

    /** Decodes the JSON string value that starts the text (after its quote), reading in chunks of {@code chunk}. */
    private static byte[] decode(String jsonValue, int chunk) throws IOException {
        byte[] bytes = ("\"" + jsonValue + "\"").getBytes(StandardCharsets.UTF_8);
        try (InputStream in = BodyJson.openBase64String(JsonBytes.of(bytes), 1)) {
            if (chunk == 0) {
                return in.readAllBytes();
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[chunk];
            int n;
            while ((n = in.read(buf, 0, chunk)) >= 0) {
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 7, 1000})
    void decodesEveryLengthWithAnyReadSize(int chunk) throws IOException {
        Random random = new Random(42);
        for (int length = 0; length < 40; length++) {
            byte[] original = new byte[length];
            random.nextBytes(original);
            assertThat(decode(Base64.getEncoder().encodeToString(original), chunk)).isEqualTo(original);
            assertThat(decode(Base64.getEncoder().withoutPadding().encodeToString(original), chunk))
                    .as("unpadded").isEqualTo(original);
        }
    }

    @Test
    void singleByteReadsGiveTheSameBytes() throws IOException {
        byte[] original = "single byte reads".getBytes(StandardCharsets.US_ASCII);
        byte[] json = ("\"" + Base64.getEncoder().encodeToString(original) + "\"").getBytes(StandardCharsets.US_ASCII);
        try (InputStream in = BodyJson.openBase64String(JsonBytes.of(json), 1)) {
            for (byte expected : original) {
                assertThat(in.read()).isEqualTo(expected & 0xff);
            }
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void handlesJsonEscapesAndWhitespaceInsideTheValue() throws IOException {
        byte[] original = new byte[300];
        new Random(7).nextBytes(original);
        String mime = Base64.getMimeEncoder().encodeToString(original); // lines of 76 with \r\n
        String escaped = mime.replace("/", "\\/").replace("\r\n", "\\r\\n");
        assertThat(decode(escaped, 0)).isEqualTo(original);
        assertThat(decode(mime.replace("\r\n", " "), 0)).isEqualTo(original);
        String unicode = Base64.getEncoder().encodeToString(original).replace("A", "\\u0041").replace("=", "\\u003d");
        assertThat(decode(unicode, 3)).isEqualTo(original);
    }

    @Test
    void acceptsTheUrlSafeAlphabet() throws IOException {
        byte[] original = {(byte) 0xfb, (byte) 0xff, (byte) 0xbf};
        assertThat(decode(Base64.getUrlEncoder().encodeToString(original), 0)).isEqualTo(original);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab*d", "a===", "abc=d", "abcde", "ab\\\"c", "ab\\u00e9c", "ab==x"})
    void refusesWhatIsNotBase64(String value) {
        assertThatThrownBy(() -> decode(value, 0)).isInstanceOf(IOException.class).hasMessageContaining("base64");
    }

    @Test
    void aBodyThatEndsInsideTheValueFails() {
        byte[] json = "\"SUQz".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> {
            try (InputStream in = BodyJson.openBase64String(JsonBytes.of(json), 1)) {
                in.readAllBytes();
            }
        }).isInstanceOf(EOFException.class);
    }

    @Test
    void streamsFromAFileAtAnOffsetAcrossManyBuffers(@TempDir Path dir) throws IOException {
        byte[] original = new byte[200_000];
        new Random(1).nextBytes(original);
        String json = "{\"pad\":\"" + "x".repeat(70_001) + "\",\"v\":\"" + Base64.getEncoder().encodeToString(original)
                + "\"}";
        Path file = dir.resolve("body.json");
        Files.writeString(file, json);
        long offset = json.indexOf("\"v\":\"") + 5;
        try (InputStream in = BodyJson.openBase64String(inFile(file), offset)) {
            assertThat(in.readAllBytes()).isEqualTo(original);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 5, 4096})
    void largeValueWithEscapesAndLineBreaksAnywhereDecodesLikeTheJdk(int chunk) throws IOException {
        Random random = new Random(11);
        byte[] original = new byte[30_000];
        random.nextBytes(original);
        String encoded = Base64.getEncoder().encodeToString(original);
        StringBuilder value = new StringBuilder();
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            // breaks the four-character groups at every offset, as MIME-style line breaks and "\/" do
            value.append(c == '/' && random.nextBoolean() ? "\\/" : String.valueOf(c));
            if (random.nextInt(97) == 0) {
                value.append(random.nextBoolean() ? "\\n" : "\\r\\n");
            }
        }
        assertThat(decode(value.toString(), chunk)).isEqualTo(original);
    }
    /** What may interrupt a run of plain alphabet characters; each decodes to nothing. */
    private static final String[] INTERRUPTIONS = {"\\n", "\\r\\n", " ", "\\t", "\\u0020"};

    @ParameterizedTest
    @ValueSource(ints = {0, 5, 8190})
    void plainRunInterruptedAtEveryOffsetDecodesLikeTheJdk(int chunk) throws IOException {
        byte[] original = new byte[600];
        new Random(3).nextBytes(original);
        String encoded = Base64.getEncoder().encodeToString(original);
        for (int at = 0; at <= encoded.length(); at++) {
            for (String interruption : INTERRUPTIONS) {
                String value = encoded.substring(0, at) + interruption + encoded.substring(at);
                assertThat(decode(value, chunk)).as("%s at %d", interruption, at).isEqualTo(original);
            }
            if (at < encoded.length() && encoded.charAt(at) != '=') {
                // the character itself written as a unicode escape
                String value = encoded.substring(0, at) + String.format("\\u%04x", (int) encoded.charAt(at))
                        + encoded.substring(at + 1);
                assertThat(decode(value, chunk)).as("escape at %d", at).isEqualTo(original);
            }
        }
    }

    /**
     * A body over 1 MiB read from a file, whose value is interrupted right around the scanner's 128 KB buffer
     * boundaries, read in chunks that end on whole groups and in chunks that do not.
     */
    @ParameterizedTest
    @ValueSource(ints = {196_608, 8190, 4097})
    void interruptionsAroundFileBufferBoundariesDecodeLikeTheJdk(int chunk, @TempDir Path dir) throws IOException {
        byte[] original = new byte[1_200_000];
        new Random(5).nextBytes(original);
        String encoded = Base64.getEncoder().encodeToString(original);
        String prefix = "{\"v\":\"";
        int buffer = 128 * 1024;
        for (int shift = -5; shift <= 5; shift++) {
            StringBuilder value = new StringBuilder(encoded.length() + 100);
            int copied = 0;
            for (int boundary = buffer; boundary < encoded.length(); boundary += buffer) {
                // the scanner's buffers start at the value's first character; every earlier insertion moves it by
                // its own length, which this keeps from mattering by inserting at the boundary as it now falls
                int at = Math.max(copied, boundary + shift - (value.length() - copied));
                value.append(encoded, copied, at).append(INTERRUPTIONS[(boundary / buffer) % INTERRUPTIONS.length]);
                copied = at;
            }
            value.append(encoded, copied, encoded.length());
            Path file = dir.resolve("body-" + shift + ".json");
            Files.writeString(file, prefix + value + "\"}", StandardCharsets.US_ASCII);
            try (InputStream in = BodyJson.openBase64String(inFile(file), prefix.length())) {
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(original.length);
                byte[] buf = new byte[chunk];
                int n;
                while ((n = in.read(buf, 0, chunk)) >= 0) {
                    out.write(buf, 0, n);
                }
                assertThat(out.toByteArray()).as("shift %d", shift).isEqualTo(original);
            }
        }
    }

    /** A file read by range, as a body the servlet spilled is. */
    private static JsonBytes inFile(Path file) throws IOException {
        BodySource body = BodySource.ofFile(file);
        return new JsonBytes() {
            @Override public long length() { return body.length(); }
            @Override public byte[] inMemoryBytes() { return null; }
            @Override public InputStream openRange(long start, long end) throws IOException {
                return body.openRange(start, end);
            }
        };
    }
}
