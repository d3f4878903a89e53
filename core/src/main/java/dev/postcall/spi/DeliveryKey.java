package dev.postcall.spi;

import dev.postcall.EventParser;
import dev.postcall.PostCallEvent;
import java.util.Objects;

/**
 * The identity of one delivery: event type, conversation id and, for the types ElevenLabs may send more than once per
 * conversation, the event timestamp. A retry from the sender carries the same payload under a new signature, so the
 * signature is not part of the key; a byte-for-byte replay has the same key too.
 *
 * <p>{@code post_call_transcription} and {@code post_call_audio} are sent once per conversation (a retry repeats the
 * same payload), so their key is (type, conversation id) alone: {@link #eventTimestamp()} is 0 for them, whatever
 * timestamp a delivery carries. That is what makes a conversation that backfill fetched from the Conversations API
 * (whose {@code event_timestamp} is the call's end, not the webhook's) and the webhook of the same conversation one
 * delivery to every store, on every node, whichever arrives first. Every other type keeps its timestamp in the key:
 * two {@code call_initiation_failure} events of one conversation at different times are two deliveries.
 *
 * <pre>{@code
 * new DeliveryKey("post_call_transcription", "conv_1", 1761400000).eventTimestamp()   // 0
 * new DeliveryKey("call_initiation_failure", "conv_1", 1761400000).eventTimestamp()   // 1761400000
 * }</pre>
 *
 * @param type           the envelope's {@code type}
 * @param conversationId {@code data.conversation_id}
 * @param eventTimestamp the envelope's {@code event_timestamp}; 0 for the types sent once per conversation
 */
public record DeliveryKey(String type, String conversationId, long eventTimestamp) {

    /**
     * Sets the timestamp to 0 for {@code post_call_transcription} and {@code post_call_audio}.
     *
     * @throws NullPointerException when type or conversation id is null
     */
    public DeliveryKey {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(conversationId, "conversationId");
        if (oncePerConversation(type)) {
            eventTimestamp = 0;
        }
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
     * Whether ElevenLabs sends events of {@code type} once per conversation ({@code post_call_transcription},
     * {@code post_call_audio}), so that the event timestamp is no part of their key.
     */
    public static boolean oncePerConversation(String type) {
        return EventParser.TRANSCRIPTION.equals(type) || EventParser.AUDIO.equals(type);
    }

    /**
     * One string for stores keyed by strings: {@code <length>:<type><length>:<conversation id><timestamp>}. The
     * lengths keep two different keys from ever reading the same, whatever characters an id holds.
     */
    public String asString() {
        return type.length() + ":" + type + conversationId.length() + ":" + conversationId + eventTimestamp;
    }
}
