package dev.postcall.model;

import jakarta.json.bind.annotation.JsonbTypeDeserializer;
import jakarta.json.bind.annotation.JsonbTypeSerializer;

import java.util.Objects;

/**
 * A value of an enumeration the sender may extend: the known constant, or {@code UNKNOWN} for a value postcall does
 * not know yet, with the raw string always kept.
 *
 * <pre>{@code
 * if (turn.role().is(Role.AGENT)) { ... }
 * log.info("status " + data.status().raw());
 * }</pre>
 *
 * @param value the constant: the one whose wire name is {@code raw}, or the enum's {@code UNKNOWN}
 * @param raw   the value exactly as sent (a JSON string's text; other JSON values in their JSON form)
 * @param <E>   the enumeration, which has an {@code UNKNOWN} constant
 */
@JsonbTypeDeserializer(OpenEnumDeserializer.class)
@JsonbTypeSerializer(OpenEnumSerializer.class)
public record OpenEnum<E extends Enum<E>>(E value, String raw) {

    /** Checks that both parts are present. */
    public OpenEnum {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(raw, "raw");
    }

    /**
     * Reads {@code raw} as a constant of {@code type}: upper-cased, with {@code -} as {@code _} ({@code in-progress}
     * is {@code IN_PROGRESS}); a value that matches no constant gives {@code UNKNOWN}.
     */
    public static <E extends Enum<E>> OpenEnum<E> of(Class<E> type, String raw) {
        return new OpenEnum<>(WireNames.lookup(type, raw), raw);
    }

    /** Whether the value is {@code constant}. */
    public boolean is(E constant) {
        return value == constant;
    }

    /** Whether the sender's value is one postcall does not know. */
    public boolean isUnknown() {
        return "UNKNOWN".equals(value.name()) && !"unknown".equalsIgnoreCase(raw);
    }

    /** The raw value. */
    @Override
    public String toString() {
        return raw;
    }
}
