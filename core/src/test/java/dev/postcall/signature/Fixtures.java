package dev.postcall.signature;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shared fixtures folder, from the {@code postcall.fixtures} system property the build sets. */
final class Fixtures {
    private Fixtures() {
    }

    static Path dir() {
        String dir = System.getProperty("postcall.fixtures");
        if (dir == null) {
            throw new IllegalStateException("system property postcall.fixtures is not set (run through Maven)");
        }
        return Path.of(dir);
    }

    static byte[] bytes(String file) {
        try {
            return Files.readAllBytes(dir().resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonObject signatureVectors() {
        try (JsonReader reader = Json.createReader(Files.newBufferedReader(dir().resolve("signature-vectors.json")))) {
            return reader.readObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
