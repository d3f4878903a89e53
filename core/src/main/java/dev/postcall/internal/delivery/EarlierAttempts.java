package dev.postcall.internal.delivery;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The trace context of recent deliveries that did not end handled, by event type and conversation id, so that a
 * {@link DeliveryTracer} can link the next attempt of the same event (the sender's retry, a replay, a backfilled
 * fetch of the same conversation) to the span of the attempt before it. In this process only and bounded: the oldest
 * entry goes when it is full, and a restart forgets them all (the span of a later attempt then carries the same
 * conversation id, by which the earlier one can be found).
 *
 * @param <T> what a tracer keeps of a span (OpenTelemetry's {@code SpanContext}, a propagation carrier)
 */
public final class EarlierAttempts<T> {

    private record Key(String type, String conversationId) {
    }

    private final Map<Key, T> recent;

    /** @param capacity how many it keeps at most */
    public EarlierAttempts(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity + " < 1");
        }
        this.recent = new LinkedHashMap<>(Math.min(capacity, 64), 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, T> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The attempt before this one of the event, or {@code null}; nothing is known of an event without both. */
    public T before(String type, String conversationId) {
        if (type == null || conversationId == null) {
            return null;
        }
        synchronized (recent) {
            return recent.get(new Key(type, conversationId));
        }
    }

    /**
     * Records how an attempt ended: one that failed is kept for the next attempt to link to, one that succeeded
     * ends the chain.
     */
    public void ended(String type, String conversationId, boolean failed, T context) {
        if (type == null || conversationId == null) {
            return;
        }
        Key key = new Key(type, conversationId);
        synchronized (recent) {
            if (failed) {
                recent.put(key, context);
            } else {
                recent.remove(key);
            }
        }
    }

    /** How many attempts it knows. */
    public int size() {
        synchronized (recent) {
            return recent.size();
        }
    }
}
