package dev.postcall.internal.inbox;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Objects;
import java.util.Properties;

/**
 * What an inbox keeps beside a delivery's body: enough to find it and to replay it, never the secret or the
 * signature.
 *
 * @param receivedAt         when the delivery arrived
 * @param signatureTimestamp the {@code t} of its signature header, unix seconds
 * @param contentType        its {@code Content-Type}, or {@code null}
 * @param type               the envelope's {@code type}
 * @param conversationId     {@code data.conversation_id}, or {@code null}
 * @param eventTimestamp     the envelope's {@code event_timestamp}
 */
public record DeliveryRecord(Instant receivedAt, long signatureTimestamp, String contentType, String type,
                             String conversationId, long eventTimestamp) {

    /** @throws NullPointerException when receivedAt or type is null */
    public DeliveryRecord {
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(type, "type");
    }

    InputStream toProperties() {
        Properties p = new Properties();
        p.setProperty("received-at", receivedAt.toString());
        p.setProperty("signature-timestamp", Long.toString(signatureTimestamp));
        if (contentType != null) {
            p.setProperty("content-type", contentType);
        }
        p.setProperty("type", type);
        if (conversationId != null) {
            p.setProperty("conversation-id", conversationId);
        }
        p.setProperty("event-timestamp", Long.toString(eventTimestamp));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            p.store(out, "postcall inbox entry");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ByteArrayInputStream(out.toByteArray());
    }

    static DeliveryRecord fromProperties(InputStream in) throws IOException {
        Properties p = new Properties();
        p.load(in);
        try {
            return new DeliveryRecord(
                    Instant.parse(p.getProperty("received-at")),
                    Long.parseLong(p.getProperty("signature-timestamp", "0")),
                    p.getProperty("content-type"),
                    p.getProperty("type"),
                    p.getProperty("conversation-id"),
                    Long.parseLong(p.getProperty("event-timestamp", "0")));
        } catch (RuntimeException e) {
            throw new IOException("not a postcall inbox entry: " + e.getMessage(), e);
        }
    }
}
