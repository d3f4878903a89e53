package dev.postcall.signature;

/**
 * A webhook whose {@code ElevenLabs-Signature} header or signature does not verify. {@link #reason()} is machine
 * readable; the message names the problem and never contains a secret, the expected signature or payload text.
 */
public final class SignatureException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why verification failed. */
    public enum Reason {
        /** No header, or an empty one. */
        MISSING_HEADER,
        /** The header has no {@code t} element. */
        MISSING_TIMESTAMP,
        /** The header has no {@code v0} element. */
        MISSING_SIGNATURE,
        /** {@code t} is not 1 to 12 plain ASCII digits, or appears more than once. */
        MALFORMED_TIMESTAMP,
        /** A {@code v0} value is not 64 hex characters, there are more than 16, or the header is over 8192 characters. */
        MALFORMED_SIGNATURE,
        /** {@code t} is older than the tolerance. */
        TIMESTAMP_TOO_OLD,
        /** {@code t} is further ahead than the allowed clock skew. */
        TIMESTAMP_IN_FUTURE,
        /** No configured secret produces any of the header's {@code v0} values for this body. */
        SIGNATURE_MISMATCH
    }

    private final Reason reason;

    /** With the reason and a message that contains no secret, signature or payload text. */
    public SignatureException(Reason reason, String message) {
        // no stack trace: this is an answer to a bad request, not a fault, and filling in a servlet container's
        // deep stack made a refused request cost about as much as reading its body
        super(message, null, false, false);
        this.reason = reason;
    }

    /** Why verification failed. */
    public Reason reason() {
        return reason;
    }
}
