package dev.postcall;

import dev.postcall.internal.json.Envelope;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;

import java.io.UncheckedIOException;
import java.util.concurrent.CompletionStage;

/**
 * A verified webhook whose {@code type} postcall does not model (a type the sender added later). It is
 * acknowledged with 200 and handed on with its raw body, so nothing the sender sends is dropped.
 *
 * <pre>{@code
 * void onOther(@Observes UnknownEvent event) {
 *     if (event.type().equals("conversation_escalated")) {
 *         JsonObject data = event.json().getJsonObject("data");
 *     }
 * }
 * }</pre>
 */
public final class UnknownEvent extends EnvelopeEvent implements PostCallEvent {


    UnknownEvent(Envelope envelope, BodyBytes bytes, BodySource body, CompletionStage<Void> answered,
            boolean backfilled) {
        super(envelope, bytes, body, answered, backfilled);
    }

    /**
     * The whole body as a JSON-P object, parsed on each call with the JSON-P implementation the application has
     * (the container's, or Parsson).
     *
     * @throws UncheckedIOException when the body cannot be read
     * @throws JsonException        when JSON-P refuses the body (for example one larger than its size limit, or a
     *                              number it cannot represent, such as an exponent beyond the range of an int, or
 *                              one longer than its limit)
     */
    public JsonObject json() {
        return RawJson.read(body);
    }
}
