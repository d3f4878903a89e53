package dev.postcall.model;

import jakarta.json.bind.serializer.JsonbSerializer;
import jakarta.json.bind.serializer.SerializationContext;
import jakarta.json.stream.JsonGenerator;

/**
 * Writes an {@link OpenEnum} as its raw string, so the model serializes back to the sender's shape.
 * Internal to postcall, public only because JSON-B creates it (Yasson refuses non-public classes); left out of the
 * Javadoc.
 *
 * @hidden
 */
public final class OpenEnumSerializer implements JsonbSerializer<OpenEnum<?>> {

    /** Created by JSON-B. */
    public OpenEnumSerializer() {
    }

    @Override
    public void serialize(OpenEnum<?> value, JsonGenerator generator, SerializationContext ctx) {
        generator.write(value.raw());
    }
}
