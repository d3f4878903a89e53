package dev.postcall.signature;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Verifies the {@code ElevenLabs-Signature} header of a webhook: HMAC-SHA256 over {@code t + "." + body} with each
 * configured secret, any {@code v0} may match, compared in constant time, timestamp inside
 * [now - tolerance, now + futureSkew]. Immutable and thread-safe.
 *
 * <pre>{@code
 * SignatureVerifier verifier = SignatureVerifier.builder().secrets(List.of(secret)).build();
 * verifier.verify(headerValue, bodyBytes);            // whole body at once
 *
 * SignatureVerifier.Verification v = verifier.begin(headerValue);  // header and timestamp checked now
 * v.update(chunk, 0, n);  ...                          // body chunks as they arrive
 * v.finish();                                          // throws SignatureException on mismatch
 * }</pre>
 *
 * CONTRACT STUB: the signature issue fills this in; the shape above is what the servlet layer builds on.
 */
public final class SignatureVerifier {

    private SignatureVerifier() {
    }

    /** A builder: {@code secrets} is required; tolerance 30 min, future skew 5 min and the system UTC clock by default. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Checks the header's form and timestamp and starts an incremental verification of the body.
     *
     * @throws SignatureException for a missing or malformed header or a timestamp outside the window
     */
    public Verification begin(String headerValue) throws SignatureException {
        throw new UnsupportedOperationException("not built yet");
    }

    /** Verifies a whole body at once. */
    public void verify(String headerValue, byte[] body) throws SignatureException {
        Verification v = begin(headerValue);
        v.update(body, 0, body.length);
        v.finish();
    }

    /** One body being verified as it arrives. Not thread-safe; one per request. */
    public interface Verification {
        /** Feeds the next body bytes. */
        void update(byte[] chunk, int offset, int length);

        /**
         * Ends the body and checks it.
         *
         * @return the header's timestamp, unix seconds
         * @throws SignatureException {@link SignatureException.Reason#SIGNATURE_MISMATCH} when nothing matches
         */
        long finish() throws SignatureException;
    }

    /** Builds a {@link SignatureVerifier}. */
    public static final class Builder {
        private Builder() {
        }

        /** One or more secrets (several while rotating); each non-empty, used as its UTF-8 bytes. */
        public Builder secrets(List<String> secrets) { return this; }

        /** How old a timestamp may be; default 30 minutes. */
        public Builder tolerance(Duration tolerance) { return this; }

        /** How far ahead of the clock a timestamp may be; default 5 minutes. */
        public Builder futureSkew(Duration futureSkew) { return this; }

        /** The clock to judge timestamps by; default {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) { return this; }

        /** @throws IllegalArgumentException for no secret, an empty secret, or a negative duration */
        public SignatureVerifier build() { throw new UnsupportedOperationException("not built yet"); }
    }
}
