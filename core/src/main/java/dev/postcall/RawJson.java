package dev.postcall;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads a whole body as a JSON-P object, for what the typed model does not cover. */
final class RawJson {
    private RawJson() {
    }

    static JsonObject read(BodySource body) {
        try (InputStream in = body.openStream(); JsonReader reader = Json.createReader(in)) {
            return reader.readObject();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the body", e);
        }
    }
}
