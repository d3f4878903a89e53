package dev.postcall.internal.json;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.JsonbException;
import jakarta.json.bind.config.PropertyNamingStrategy;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Binds one object of a body (by its byte range) to the model records with JSON-B. The {@link Jsonb} instance is
 * built on first use, once, and shared; it is never closed, as it lives as long as the parser. Internal to
 * postcall; not API.
 */
public final class ModelJson {

    /**
     * In-memory ranges up to this many bytes are decoded at once and bound from a {@link StringReader}: binding from
     * an {@code InputStream} makes JSON-P wrap it in an {@code InputStreamReader} with an 8 KB buffer of its own on
     * every call, which costs more than decoding a small range. Larger ranges stream, so a large body is never held
     * twice.
     */
    static final int DECODE_AT_ONCE = 64 * 1024;

    private volatile Jsonb jsonb;

    /** Nothing is built until the first {@link #read}. */
    public ModelJson() {
    }

    private Jsonb jsonb() {
        Jsonb j = jsonb;
        if (j == null) {
            synchronized (this) {
                j = jsonb;
                if (j == null) {
                    try {
                        j = JsonbBuilder.create(new JsonbConfig()
                                .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES)
                                .withDeserializers(LenientScalars.all()));
                    } catch (JsonbException | java.util.ServiceConfigurationError e) {
                        throw new IllegalStateException("no JSON-B implementation is available: the application "
                                + "server provides one, or add org.eclipse:yasson to the application", e);
                    }
                    jsonb = j;
                }
            }
        }
        return j;
    }

    /**
     * Binds the bytes of {@code body} from {@code start} to {@code end} (one JSON object) to {@code type}.
     *
     * @throws JsonFormatException when JSON-B refuses the object or the body cannot be read
     */
    public <T> T read(JsonBytes body, long start, long end, Class<T> type) throws JsonFormatException {
        Jsonb binder = jsonb();
        byte[] array = body.inMemoryBytes();
        if (array != null && end - start <= DECODE_AT_ONCE) {
            // UTF-8 with malformed bytes replaced, as the InputStreamReader JSON-P would build decodes them
            String text = new String(array, (int) start, (int) (end - start), StandardCharsets.UTF_8);
            return checked(() -> binder.fromJson(new StringReader(text), type), type);
        }
        try (InputStream in = body.openRange(start, end)) {
            return checked(() -> binder.fromJson(in, type), type);
        } catch (IOException e) {
            throw new JsonFormatException("could not read the body", e);
        }
    }

    private static <T> T checked(Supplier<T> binding, Class<T> type) throws JsonFormatException {
        T value;
        try {
            value = binding.get();
        } catch (RuntimeException e) {
            // JsonbException, and whatever an adapter or a record's constructor throws
            throw new JsonFormatException("'data' does not fit the " + type.getSimpleName() + " model", e);
        }
        if (value == null) {
            throw new JsonFormatException("'data' could not be bound to " + type.getSimpleName());
        }
        return value;
    }
}
