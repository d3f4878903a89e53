package dev.postcall.signature;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;

/**
 * Makes a valid {@code ElevenLabs-Signature} header for a body, the way the sender does. For tests, for the CLI,
 * and for replaying stored deliveries.
 *
 * <pre>{@code
 * String header = WebhookSigner.header(body, secret, Instant.now());   // "t=1761400000,v0=8d9f…"
 * }</pre>
 */
public final class WebhookSigner {
    private WebhookSigner() {
    }

    /**
     * The header value {@code t=<epoch seconds>,v0=<lowercase hex HMAC-SHA256>} for {@code body} signed at
     * {@code time}.
     *
     * @param body the exact bytes that will be sent
     * @param secret the webhook secret, used as its UTF-8 bytes
     * @param time the signing time; fractions of a second are dropped
     * @return the header value
     * @throws IllegalArgumentException when the secret is empty or blank, or {@code time} is before 1970
     */
    public static String header(byte[] body, String secret, Instant time) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(time, "time");
        long seconds = time.getEpochSecond();
        if (seconds < 0) {
            throw new IllegalArgumentException("Signing time must not be before 1970: " + time);
        }
        String t = Long.toString(seconds);
        Mac mac = new HmacKey(secret).newMac();
        mac.update(SignatureHeader.signedPrefix(t));
        mac.update(body);
        return "t=" + t + ",v0=" + HexFormat.of().formatHex(mac.doFinal());
    }
}
