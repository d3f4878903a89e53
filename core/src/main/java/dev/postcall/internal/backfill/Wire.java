package dev.postcall.internal.backfill;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the members of the API's answers with JSON-P: the one place that decides what a missing, null or
 * wrongly-typed member means. A member that does not fit throws {@link IllegalArgumentException} naming the member,
 * never its value (answers carry transcripts).
 */
final class Wire {
    private Wire() {
    }

    /** The answer as one JSON object. */
    static JsonObject object(byte[] answer) {
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(answer))) {
            return reader.readObject();
        } catch (JsonException | IllegalStateException e) {
            throw new IllegalArgumentException("the answer is not one JSON object");
        } catch (NumberFormatException | ArithmeticException | UnsupportedOperationException e) {
            // Parsson lets BigDecimal's own exceptions out for numbers it cannot represent
            throw new IllegalArgumentException("the answer has a number JSON-P cannot represent");
        }
    }

    /** A required array member whose elements are all objects. */
    static List<JsonObject> objects(JsonObject object, String name) {
        JsonValue list = object.get(name);
        if (!(list instanceof JsonArray)) {
            throw new IllegalArgumentException("'" + name + "' is missing or not an array");
        }
        List<JsonObject> objects = new ArrayList<>();
        for (JsonValue item : (JsonArray) list) {
            if (!(item instanceof JsonObject)) {
                throw new IllegalArgumentException("an element of '" + name + "' is not an object");
            }
            objects.add((JsonObject) item);
        }
        return objects;
    }

    /** A required string member. */
    static String string(JsonObject object, String name) {
        String value = optionalString(object, name);
        if (value == null) {
            throw new IllegalArgumentException("'" + name + "' is missing or not a string");
        }
        return value;
    }

    /** A string member, or {@code null} when it is absent or JSON {@code null}. */
    static String optionalString(JsonObject object, String name) {
        JsonValue value = object.get(name);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(value instanceof JsonString)) {
            throw new IllegalArgumentException("'" + name + "' is not a string");
        }
        return ((JsonString) value).getString();
    }

    /** A required whole number (sent as {@code 31} or {@code 31.0}), at least 0. */
    static long count(JsonObject object, String name) {
        Long value = optionalCount(object, name);
        if (value == null) {
            throw new IllegalArgumentException("'" + name + "' is missing or not a number");
        }
        return value;
    }

    /**
     * A whole number at least 0 (a fraction is cut off: durations come as {@code 31.4} too), or {@code null} when
     * absent or JSON {@code null}.
     */
    static Long optionalCount(JsonObject object, String name) {
        JsonValue value = object.get(name);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(value instanceof JsonNumber)) {
            throw new IllegalArgumentException("'" + name + "' is not a number");
        }
        BigDecimal number = ((JsonNumber) value).bigDecimalValue();
        if (number.signum() < 0 || number.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("'" + name + "' is out of range");
        }
        return number.longValue();
    }

    /** A boolean member; {@code fallback} when absent or JSON {@code null}. */
    static boolean bool(JsonObject object, String name, boolean fallback) {
        JsonValue value = object.get(name);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return fallback;
        }
        if (value.getValueType() == JsonValue.ValueType.TRUE) {
            return true;
        }
        if (value.getValueType() == JsonValue.ValueType.FALSE) {
            return false;
        }
        throw new IllegalArgumentException("'" + name + "' is not a boolean");
    }
}
