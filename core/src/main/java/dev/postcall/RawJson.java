package dev.postcall;

import jakarta.json.Json;
import jakarta.json.JsonException;
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
        } catch (NumberFormatException | ArithmeticException | UnsupportedOperationException e) {
            // Parsson builds every number as a BigDecimal while reading and lets BigDecimal's own exception out for
            // valid JSON such as 1e99999999999, and an UnsupportedOperationException for a number longer than its
            // limit (1100 characters); keep to the one exception type JSON-P documents.
            throw new JsonException("JSON-P cannot represent a number in the body", e);
        }
    }
}
