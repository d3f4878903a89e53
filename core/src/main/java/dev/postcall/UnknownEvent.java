package dev.postcall;

import dev.postcall.json.Envelope;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;

import java.io.UncheckedIOException;

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
public final class UnknownEvent implements PostCallEvent {

    private final Envelope envelope;
    private final BodySource body;

    UnknownEvent(Envelope envelope, BodySource body) {
        this.envelope = envelope;
        this.body = body;
    }

    @Override
    public String type() {
        return envelope.type();
    }

    @Override
    public long eventTimestamp() {
        return envelope.eventTimestamp();
    }

    @Override
    public String agentId() {
        return envelope.agentId();
    }

    @Override
    public String conversationId() {
        return envelope.conversationId();
    }

    @Override
    public BodySource body() {
        return body;
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

    /** The type, conversation and timestamp; never payload content. */
    @Override
    public String toString() {
        return "UnknownEvent[type=" + type() + ", conversationId=" + conversationId()
                + ", eventTimestamp=" + eventTimestamp() + "]";
    }
}
