package dev.postcall.internal.inbox;

import dev.postcall.spi.DeliveryKey;
import dev.postcall.spi.DeliveryStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Objects;
import java.util.Properties;

/**
 * What the directory keeps beside a delivery's body: enough to find it, claim it again and replay it, never the
 * secret or the signature.
 *
 * @param receivedAt         when the delivery arrived
 * @param signatureTimestamp the {@code t} of its signature header, unix seconds
 * @param contentType        its {@code Content-Type}, or {@code null}
 * @param type               the envelope's {@code type}
 * @param conversationId     {@code data.conversation_id}, or {@code null}
 * @param eventTimestamp     the envelope's {@code event_timestamp}
 * @param attempts           how many dispatches were started
 * @param failureClass       the class name of the last failure, or {@code null} before any
 * @param failedAt           when it last failed, or {@code null} before any
 */
public record DeliveryRecord(Instant receivedAt, long signatureTimestamp, String contentType, String type,
                             String conversationId, long eventTimestamp, int attempts, String failureClass,
                             Instant failedAt) {

    /** @throws NullPointerException when receivedAt or type is null */
    public DeliveryRecord {
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(type, "type");
    }

    /** The record of a delivery arriving now, first attempt. */
    public static DeliveryRecord of(DeliveryStore.Delivery delivery, Instant receivedAt) {
        return new DeliveryRecord(receivedAt, delivery.signatureTimestamp(), delivery.contentType(), delivery.type(),
                delivery.conversationId(), delivery.eventTimestamp(), 1, null, null);
    }

    /** The delivery's key, or {@code null} when it has none. */
    public DeliveryKey key() {
        return conversationId == null || DeliveryStore.Delivery.UNREADABLE.equals(type) ? null
                : new DeliveryKey(type, conversationId, eventTimestamp);
    }

    /** The same record after one more dispatch was started. */
    DeliveryRecord nextAttempt() {
        return new DeliveryRecord(receivedAt, signatureTimestamp, contentType, type, conversationId, eventTimestamp,
                attempts + 1, failureClass, failedAt);
    }

    /** The same record after a failure of class {@code failure} at {@code when}. */
    DeliveryRecord failed(String failure, Instant when) {
        return new DeliveryRecord(receivedAt, signatureTimestamp, contentType, type, conversationId, eventTimestamp,
                attempts, failure, when);
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
        p.setProperty("attempts", Integer.toString(attempts));
        if (failureClass != null) {
            p.setProperty("failure-class", failureClass);
        }
        if (failedAt != null) {
            p.setProperty("failed-at", failedAt.toString());
        }
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
            String failedAt = p.getProperty("failed-at");
            return new DeliveryRecord(
                    Instant.parse(p.getProperty("received-at")),
                    Long.parseLong(p.getProperty("signature-timestamp", "0")),
                    p.getProperty("content-type"),
                    p.getProperty("type"),
                    p.getProperty("conversation-id"),
                    Long.parseLong(p.getProperty("event-timestamp", "0")),
                    Integer.parseInt(p.getProperty("attempts", "1")),
                    p.getProperty("failure-class"),
                    failedAt == null ? null : Instant.parse(failedAt));
        } catch (RuntimeException e) {
            throw new IOException("not a postcall inbox entry: " + e.getClass().getSimpleName(), e);
        }
    }
}
