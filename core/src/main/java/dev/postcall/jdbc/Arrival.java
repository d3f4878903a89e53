package dev.postcall.jdbc;

import java.util.Objects;

/**
 * What the request path knows of a verified delivery before it is dispatched: its key and what a replay needs.
 *
 * @param type               the envelope's {@code type}
 * @param conversationId     {@code data.conversation_id}, or {@code null}: such a delivery is never recognised again
 *                           and is always dispatched (it is stored all the same, so a failure is kept)
 * @param eventTimestamp     the envelope's {@code event_timestamp}
 * @param signatureTimestamp the {@code t} of the signature header, unix seconds
 * @param contentType        the request's {@code Content-Type}, or {@code null}
 */
record Arrival(String type, String conversationId, long eventTimestamp, long signatureTimestamp, String contentType) {

    /** @throws NullPointerException when type is null */
    Arrival {
        Objects.requireNonNull(type, "type");
    }
}
