package dev.postcall.internal.json;

import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.serializer.DeserializationContext;
import jakarta.json.bind.serializer.JsonbDeserializer;
import jakarta.json.stream.JsonParser;

import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Number (and boolean) deserializers that read what the sender may put in such a field without losing the whole
 * payload: JSON
 * numbers ({@code 22}, {@code 22.0}, {@code 1e3}) and numeric strings ({@code "42"}, {@code " 7.0 "}). A fraction
 * in a whole-number field is rounded to the nearest; a value out of the type's range, an empty or non-numeric
 * string, or a non-number reads as {@code null} rather than as a wrong number or an error.
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
    static BigDecimal decimal(JsonParser parser) {
        JsonValue value = parser.getValue();
        if (value instanceof JsonNumber) {
            return ((JsonNumber) value).bigDecimalValue();
        }
        if (value instanceof JsonString) {
            String text = ((JsonString) value).getString().strip();
            // a bound on length keeps a hostile string from costing a huge BigDecimal
            if (text.isEmpty() || text.length() > 100) {
                return null;
            }
            try {
                return new BigDecimal(text);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** The whole number nearest to {@code d} when it fits a long, else {@code null}. */
    static Long whole(BigDecimal d) {
        if (d == null) {
            return null;
        }
        if (d.signum() == 0) {
            return 0L;
        }
        if (d.precision() - d.scale() > 19) {
            return null;
        }
        try {
            return d.setScale(0, RoundingMode.HALF_UP).longValueExact();
        } catch (ArithmeticException e) {
            return null;
        }
    }

    /** Integer fields. */
    static final class IntegerDeserializer implements JsonbDeserializer<Integer> {
        @Override
        public Integer deserialize(JsonParser parser, DeserializationContext ctx, Type rtType) {
            Long value = whole(decimal(parser));
            return value == null || value < Integer.MIN_VALUE || value > Integer.MAX_VALUE ? null : value.intValue();
        }
    }

    /** Long fields. */
    static final class LongDeserializer implements JsonbDeserializer<Long> {
        @Override
        public Long deserialize(JsonParser parser, DeserializationContext ctx, Type rtType) {
            return whole(decimal(parser));
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
            BigDecimal d = decimal(parser);
            if (d == null) {
                return null;
            }
            double value = d.doubleValue();
            return Double.isInfinite(value) ? null : value;
        }
    }
}
