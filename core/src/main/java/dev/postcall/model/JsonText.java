package dev.postcall.model;

import dev.postcall.internal.json.Numbers;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Lenient reads of JSON-P values for the adapters. */
final class JsonText {
    private JsonText() {
    }

    /** A string's value, another scalar's JSON text; {@code null} for absent, null, objects and arrays. */
    static String text(JsonValue value) {
        if (value == null) {
            return null;
        }
        switch (value.getValueType()) {
            case STRING:
                return ((JsonString) value).getString();
            case NUMBER:
            case TRUE:
            case FALSE:
                return value.toString();
            default:
                return null;
        }
    }

    static String text(JsonObject object, String name) {
        return object == null ? null : text(object.get(name));
    }

    /**
     * A whole number from a JSON number or numeric string ({@code 486}, {@code 486.0}, {@code "486"}) under the
     * model's one number policy ({@link Numbers}), else null.
     */
    static Integer integer(JsonValue value) {
        if (value instanceof JsonNumber) {
            return Numbers.wholeInt(((JsonNumber) value).bigDecimalValue());
        }
        return value instanceof JsonString ? Numbers.wholeInt(Numbers.parse(((JsonString) value).getString())) : null;
    }

    /** String values as JSON strings (null stays null), in order; {@code null} for an empty map. */
    static Map<String, JsonValue> values(Map<String, String> texts) {
        if (texts == null || texts.isEmpty()) {
            return null;
        }
        Map<String, JsonValue> values = new LinkedHashMap<>();
        texts.forEach((k, v) -> values.put(k, v == null ? JsonValue.NULL : Json.createValue(v)));
        return values;
    }

    /** A map of the object's members as text (see {@link #text(JsonValue)}), in order; empty for null. */
    static Map<String, String> texts(Map<String, JsonValue> object) {
        if (object == null || object.isEmpty()) {
            return Map.of();
        }
        Map<String, String> texts = new LinkedHashMap<>();
        object.forEach((k, v) -> texts.put(k, text(v)));
        return Collections.unmodifiableMap(texts);
    }
}
