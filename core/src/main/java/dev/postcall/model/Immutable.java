package dev.postcall.model;

import jakarta.json.JsonValue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Unmodifiable copies that turn an absent collection into an empty one and keep order (and null elements). */
final class Immutable {
    private Immutable() {
    }

    static <T> List<T> list(List<T> list) {
        return list == null || list.isEmpty() ? List.of() : Collections.unmodifiableList(new ArrayList<>(list));
    }

    /** JSON null as Java {@code null}, so absent and null read the same. */
    static JsonValue value(JsonValue value) {
        return value == null || value.getValueType() == JsonValue.ValueType.NULL ? null : value;
    }

    /** {@link #map} with JSON null values as Java {@code null}. */
    static <K> Map<K, JsonValue> values(Map<K, JsonValue> map) {
        if (map == null || map.isEmpty()) {
            return Map.of();
        }
        Map<K, JsonValue> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(k, value(v)));
        return Collections.unmodifiableMap(copy);
    }

    static <K, V> Map<K, V> map(Map<K, V> map) {
        return map == null || map.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
