package dev.postcall.internal.json;

import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.serializer.DeserializationContext;
import jakarta.json.bind.serializer.JsonbDeserializer;
import jakarta.json.stream.JsonParser;

import java.lang.reflect.Type;
import java.math.BigDecimal;

/**
 * The deserializers of the model's scalar fields, which read what the sender may put in such a field without losing
 * the whole payload. Numbers follow {@link Numbers}, the one policy: a whole-number field reads a whole number in any
 * JSON form ({@code 22}, {@code 22.0}, {@code 1e3}, {@code "22"}) and {@code null} for anything else (a fraction,
 * out of range, not numeric); a decimal field reads any finite number in those forms. Booleans read
 * {@code true}/{@code false}, their strings in any case and {@code 1}/{@code 0}.
 */
final class LenientScalars {
    private LenientScalars() {
    }

    /** The deserializers to register: Integer, Long, Double and Boolean. */
    static JsonbDeserializer<?>[] all() {
        return new JsonbDeserializer<?>[] {new IntegerDeserializer(), new LongDeserializer(), new DoubleDeserializer(),
                new BooleanDeserializer()};
    }

    /** The value as a decimal, or {@code null} when it is not a number or a numeric string. */
    private static BigDecimal number(JsonParser parser) {
        JsonValue value = parser.getValue();
        if (value instanceof JsonNumber) {
            return ((JsonNumber) value).bigDecimalValue();
        }
        return value instanceof JsonString ? Numbers.parse(((JsonString) value).getString()) : null;
    }

    /** Integer fields. */
    static final class IntegerDeserializer implements JsonbDeserializer<Integer> {
        @Override
        public Integer deserialize(JsonParser parser, DeserializationContext ctx, Type rtType) {
            return Numbers.wholeInt(number(parser));
        }
    }

    /** Long fields. */
    static final class LongDeserializer implements JsonbDeserializer<Long> {
        @Override
        public Long deserialize(JsonParser parser, DeserializationContext ctx, Type rtType) {
            return Numbers.whole(number(parser));
        }
    }
    /** Boolean fields: {@code true}/{@code false}, their strings in any case, {@code 1}/{@code 0}; else null. */
    static final class BooleanDeserializer implements JsonbDeserializer<Boolean> {
        @Override
        public Boolean deserialize(JsonParser parser, DeserializationContext ctx, Type rtType) {
            JsonValue value = parser.getValue();
            if (value == null) {
                return null;
            }
            if (value.getValueType() == JsonValue.ValueType.TRUE || value.getValueType() == JsonValue.ValueType.FALSE) {
                return value.getValueType() == JsonValue.ValueType.TRUE;
            }
            if (value instanceof JsonString) {
                String text = ((JsonString) value).getString().strip();
                if ("true".equalsIgnoreCase(text)) {
                    return Boolean.TRUE;
                }
                return "false".equalsIgnoreCase(text) ? Boolean.FALSE : null;
            }
            if (value instanceof JsonNumber) {
                BigDecimal d = ((JsonNumber) value).bigDecimalValue();
                return d.compareTo(BigDecimal.ONE) == 0 ? Boolean.TRUE : d.signum() == 0 ? Boolean.FALSE : null;
            }
            return null;
        }
    }

    /** Double fields. */
    static final class DoubleDeserializer implements JsonbDeserializer<Double> {
        @Override
        public Double deserialize(JsonParser parser, DeserializationContext ctx, Type rtType) {
            return Numbers.decimal(number(parser));
        }
    }
}
