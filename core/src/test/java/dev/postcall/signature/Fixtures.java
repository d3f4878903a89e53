package dev.postcall.signature;

import dev.postcall.testsupport.TestData;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's {@code testdata/fixtures} folder. */
final class Fixtures {
    private Fixtures() {
    }

    static Path dir() {
        return TestData.fixtures();
    }

    static byte[] bytes(String file) {
        return TestData.bytes(file);
    }

    static JsonObject signatureVectors() {
        try (JsonReader reader = Json.createReader(Files.newBufferedReader(dir().resolve("signature-vectors.json")))) {
            return reader.readObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
