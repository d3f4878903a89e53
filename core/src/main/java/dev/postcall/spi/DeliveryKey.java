package dev.postcall.spi;

import dev.postcall.PostCallEvent;
import java.util.Objects;

/**
 * The identity of one delivery: event type, conversation id and event timestamp. A retry from the sender carries the
 * same payload under a new signature, so the signature is not part of the key; a byte-for-byte replay has the same
 * key too.
 *
 * @param type           the envelope's {@code type}
 * @param conversationId {@code data.conversation_id}
 * @param eventTimestamp the envelope's {@code event_timestamp}
 */
public record DeliveryKey(String type, String conversationId, long eventTimestamp) {

    /** @throws NullPointerException when type or conversation id is null */
    public DeliveryKey {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(conversationId, "conversationId");
    }

    /**
     * The key of an event, or {@code null} when the event has no conversation id (such an event cannot be recognised
     * again and is always dispatched).
     */
    public static DeliveryKey of(PostCallEvent event) {
        String conversationId = event.conversationId();
        return conversationId == null ? null : new DeliveryKey(event.type(), conversationId, event.eventTimestamp());
    }

    /**
     * One string for stores keyed by strings: {@code <length>:<type><length>:<conversation id><timestamp>}. The
     * lengths keep two different keys from ever reading the same, whatever characters an id holds.
     */
    public String asString() {
        return type.length() + ":" + type + conversationId.length() + ":" + conversationId + eventTimestamp;
    }
}
