package dev.postcall.json;

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
 * Number deserializers that read what the sender may put in a number field without losing the whole payload: JSON
 * numbers ({@code 22}, {@code 22.0}, {@code 1e3}) and numeric strings ({@code "42"}, {@code " 7.0 "}). A fraction
 * in a whole-number field is rounded to the nearest; a value out of the type's range, an empty or non-numeric
 * string, or a non-number reads as {@code null} rather than as a wrong number or an error.
 */
final class LenientNumbers {
    private LenientNumbers() {
    }

    /** The deserializers to register: Integer, Long and Double (primitives included). */
    static JsonbDeserializer<?>[] all() {
        return new JsonbDeserializer<?>[] {new IntegerDeserializer(), new LongDeserializer(), new DoubleDeserializer()};
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
