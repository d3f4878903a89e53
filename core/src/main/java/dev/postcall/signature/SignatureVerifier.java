package dev.postcall.signature;

import dev.postcall.signature.SignatureException.Reason;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;

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
 * <p>The header is read the way the vendor writes it ({@code t=<unix seconds>,v0=<hex>}), more strictly and more
 * forgivingly than the vendor's own SDKs:
 * <ul>
 *   <li>elements are split on {@code ,} only, spaces and tabs around each are ignored, {@code t} and {@code v0}
 *       may come in any order, unknown elements ({@code v1=…}) are ignored;</li>
 *   <li>every {@code v0} is tried (up to 16; more is {@link Reason#MALFORMED_SIGNATURE}), so a sender may list
 *       signatures from several secrets;</li>
 *   <li>{@code t} must be 1 to 12 ASCII digits (no sign, decimals or spaces) and appear once, else
 *       {@link Reason#MALFORMED_TIMESTAMP}; it is signed exactly as sent, leading zeros included;</li>
 *   <li>each {@code v0} must be 64 hex digits, else {@link Reason#MALFORMED_SIGNATURE}; upper-case hex is accepted
 *       because the digits are compared as bytes (the vendor SDKs compare strings and refuse it);</li>
 *   <li>a header over 8192 characters is {@link Reason#MALFORMED_SIGNATURE} before it is split.</li>
 * </ul>
 * The timestamp window is checked in {@link #begin(String)}, before any body byte is read; a timestamp exactly
 * {@code tolerance} old or exactly {@code futureSkew} ahead still passes.
 */
public final class SignatureVerifier {

    private final List<HmacKey> keys;
    private final Duration tolerance;
    private final Duration futureSkew;
    private final long toleranceMillis;
    private final long futureSkewMillis;
    private final Clock clock;

    private SignatureVerifier(Builder builder) {
        this.keys = List.copyOf(builder.keys);
        this.tolerance = builder.tolerance;
        this.futureSkew = builder.futureSkew;
        this.toleranceMillis = saturatedMillis(tolerance);
        this.futureSkewMillis = saturatedMillis(futureSkew);
        this.clock = builder.clock;
    }

    private static long saturatedMillis(Duration d) {
        try {
            return d.toMillis();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;   // "forever" is a legal, if unwise, setting
        }
    }

    /** A builder: {@code secrets} is required; tolerance 30 min, future skew 5 min and the system UTC clock by default. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Checks the header's form and timestamp and starts an incremental verification of the body.
     *
     * @param headerValue the {@code ElevenLabs-Signature} header as received, or {@code null} when absent
     * @return the verification to feed the body to
     * @throws SignatureException for a missing or malformed header or a timestamp outside the window
     */
    public Verification begin(String headerValue) throws SignatureException {
        SignatureHeader header = SignatureHeader.parse(headerValue);
        // Milliseconds as the vendor's SDK; t has at most 12 digits, so neither side can overflow.
        long age = clock.millis() - header.epochSeconds() * 1000;
        if (age > toleranceMillis) {
            throw new SignatureException(Reason.TIMESTAMP_TOO_OLD,
                    "Signature timestamp is older than the tolerance of " + tolerance);
        }
        if (-age > futureSkewMillis) {
            throw new SignatureException(Reason.TIMESTAMP_IN_FUTURE,
                    "Signature timestamp is further ahead than the allowed clock skew of " + futureSkew);
        }
        return new Incremental(header, keys);
    }

    /**
     * Verifies a whole body at once.
     *
     * @param headerValue the {@code ElevenLabs-Signature} header as received, or {@code null} when absent
     * @param body the raw request body, exactly as received
     * @throws SignatureException when the header, timestamp or signature does not verify
     */
    public void verify(String headerValue, byte[] body) throws SignatureException {
        Verification v = begin(headerValue);
        v.update(body, 0, body.length);
        v.finish();
    }

    /** One body being verified as it arrives. Not thread-safe; one per request. */
    public interface Verification {
        /**
         * Feeds the next body bytes.
         *
         * @param chunk holds the bytes
         * @param offset where they start in {@code chunk}
         * @param length how many there are
         * @throws IllegalStateException after {@link #finish()}
         */
        void update(byte[] chunk, int offset, int length);

        /**
         * Ends the body and checks it. Call once.
         *
         * @return the header's timestamp, unix seconds
         * @throws SignatureException {@link SignatureException.Reason#SIGNATURE_MISMATCH} when nothing matches
         * @throws IllegalStateException when called twice
         */
        long finish() throws SignatureException;
    }

    private static final class Incremental implements Verification {
        private final SignatureHeader header;
        private final Mac[] macs;
        private boolean finished;

        Incremental(SignatureHeader header, List<HmacKey> keys) {
            this.header = header;
            this.macs = new Mac[keys.size()];
            byte[] prefix = header.signedPrefix();
            for (int i = 0; i < macs.length; i++) {
                macs[i] = keys.get(i).newMac();
                macs[i].update(prefix);
            }
        }

        @Override
        public void update(byte[] chunk, int offset, int length) {
            Objects.checkFromIndexSize(offset, length, chunk.length);
            if (finished) {
                throw new IllegalStateException("Verification already finished");
            }
            for (Mac mac : macs) {
                mac.update(chunk, offset, length);
            }
        }

        @Override
        public long finish() throws SignatureException {
            if (finished) {
                throw new IllegalStateException("Verification already finished");
            }
            finished = true;
            boolean matched = false;
            // No early exit: every secret against every v0, each compared in constant time.
            for (Mac mac : macs) {
                byte[] expected = mac.doFinal();
                for (byte[] given : header.signatures()) {
                    matched |= MessageDigest.isEqual(expected, given);
                }
            }
            if (!matched) {
                throw new SignatureException(Reason.SIGNATURE_MISMATCH,
                        "Signature does not match the body for any configured secret");
            }
            return header.epochSeconds();
        }
    }

    /** Builds a {@link SignatureVerifier}. */
    public static final class Builder {
        private List<HmacKey> keys = List.of();
        private Duration tolerance = Duration.ofMinutes(30);
        private Duration futureSkew = Duration.ofMinutes(5);
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * One or more secrets (several while rotating); each non-empty, used as its UTF-8 bytes as is (a
         * {@code wsec_…} secret keeps its prefix and is not hex-decoded).
         *
         * @param secrets the webhook secrets; a delivery verifies when any of them matches
         * @return this builder
         * @throws IllegalArgumentException when the list is empty or a secret is null, empty or blank
         */
        public Builder secrets(List<String> secrets) {
            Objects.requireNonNull(secrets, "secrets");
            if (secrets.isEmpty()) {
                throw new IllegalArgumentException("At least one webhook secret is required");
            }
            List<HmacKey> built = new ArrayList<>(secrets.size());
            for (String secret : secrets) {
                built.add(new HmacKey(secret));
            }
            this.keys = built;
            return this;
        }

        /**
         * How old a timestamp may be; default 30 minutes, as the vendor's SDKs.
         *
         * @param tolerance zero or more
         * @return this builder
         */
        public Builder tolerance(Duration tolerance) {
            this.tolerance = nonNegative(tolerance, "tolerance");
            return this;
        }

        /**
         * How far ahead of the clock a timestamp may be; default 5 minutes (the vendor's SDKs have no bound).
         *
         * @param futureSkew zero or more
         * @return this builder
         */
        public Builder futureSkew(Duration futureSkew) {
            this.futureSkew = nonNegative(futureSkew, "futureSkew");
            return this;
        }

        /**
         * The clock to judge timestamps by; default {@link Clock#systemUTC()}.
         *
         * @param clock the clock, e.g. {@link Clock#fixed} in tests
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The verifier.
         *
         * @return an immutable, thread-safe verifier
         * @throws IllegalArgumentException for no secret, an empty secret, or a negative duration
         */
        public SignatureVerifier build() {
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("At least one webhook secret is required");
            }
            return new SignatureVerifier(this);
        }

        private static Duration nonNegative(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative: " + d);
            }
            return d;
        }
    }
}
