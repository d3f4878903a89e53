package dev.postcall.internal.json;

import jakarta.json.bind.serializer.DeserializationContext;
import jakarta.json.bind.serializer.JsonbDeserializer;
import jakarta.json.stream.JsonParser;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Binds a JSON object to a {@code Map<String, V>} that keeps the members in payload order (JSON-B's default map
 * does not). Internal to postcall; public only so JSON-B can create it.
 */
public final class OrderedMapDeserializer implements JsonbDeserializer<Map<String, ?>> {

    /** Created by JSON-B. */
    public OrderedMapDeserializer() {
    }

    @Override
    public Map<String, ?> deserialize(JsonParser parser, DeserializationContext ctx, Type rtType) {
        Type valueType = rtType instanceof ParameterizedType
                ? ((ParameterizedType) rtType).getActualTypeArguments()[1]
                : Object.class;
        Map<String, Object> map = new LinkedHashMap<>();
        while (parser.hasNext()) {
            JsonParser.Event event = parser.next();
            if (event == JsonParser.Event.END_OBJECT) {
                break;
            }
            if (event != JsonParser.Event.KEY_NAME) {
                continue;
            }
            String key = parser.getString();
            parser.next();
            map.put(key, ctx.deserialize(valueType, parser));
        }
        return map;
    }
}
