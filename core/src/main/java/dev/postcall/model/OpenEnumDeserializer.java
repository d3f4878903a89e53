package dev.postcall.model;

import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.JsonbException;
import jakarta.json.bind.serializer.DeserializationContext;
import jakarta.json.bind.serializer.JsonbDeserializer;
import jakarta.json.stream.JsonParser;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

/**
 * Binds any JSON value to an {@link OpenEnum}: a string's text, or another value's JSON form, is kept as the raw
 * value; JSON null gives {@code null}.
 * Internal to postcall, public only because JSON-B creates it (Yasson refuses non-public classes); left out of the
 * Javadoc.
 *
 * @hidden
 */
public final class OpenEnumDeserializer implements JsonbDeserializer<OpenEnum<?>> {

    /** Created by JSON-B. */
    public OpenEnumDeserializer() {
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public OpenEnum<?> deserialize(JsonParser parser, DeserializationContext ctx, Type rtType) {
        JsonValue value = parser.getValue();
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        String raw = value instanceof JsonString ? ((JsonString) value).getString() : value.toString();
        if (!(rtType instanceof ParameterizedType)) {
            throw new JsonbException("an OpenEnum property needs its enum type argument");
        }
        Type arg = ((ParameterizedType) rtType).getActualTypeArguments()[0];
        if (!(arg instanceof Class) || !((Class<?>) arg).isEnum()) {
            throw new JsonbException("an OpenEnum property needs a concrete enum type argument");
        }
        return OpenEnum.of((Class) arg, raw);
    }
}
