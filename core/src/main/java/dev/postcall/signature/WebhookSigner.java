package dev.postcall.signature;

import java.time.Instant;

/**
 * Makes a valid {@code ElevenLabs-Signature} header for a body, the way the sender does. For tests, for the CLI,
 * and for replaying stored deliveries.
 *
 * <pre>{@code
 * String header = WebhookSigner.header(body, secret, Instant.now());   // "t=1761400000,v0=8d9f…"
 * }</pre>
 *
 * CONTRACT STUB: the signature issue fills this in.
 */
public final class WebhookSigner {
    private WebhookSigner() {
    }

    /** The header value {@code t=<epoch seconds>,v0=<lowercase hex HMAC-SHA256>} for {@code body} signed at {@code time}. */
    public static String header(byte[] body, String secret, Instant time) {
        throw new UnsupportedOperationException("not built yet");
    }
}
