package dev.postcall.servlet;

import java.io.IOException;
import java.io.InputStream;

import dev.postcall.internal.body.BodyWriter;
import dev.postcall.signature.SignatureException;
import dev.postcall.signature.SignatureVerifier;

/**
 * The signature step of the request path, whole: {@link #begin} checks the header before any byte of the body is
 * read, {@link #readBody} reads the body once, bounded, through the HMAC into its owner, and {@link #finish} judges
 * the HMAC. Not thread-safe; one per request.
 */
final class BodyVerification {
    private static final int CHUNK = 64 * 1024;

    private final SignatureVerifier.Verification hmac;

    private BodyVerification(SignatureVerifier.Verification hmac) {
        this.hmac = hmac;
    }

    /**
     * Checks the signature header (format, timestamp window) and begins the HMAC.
     *
     * @throws SignatureException when the header is missing, malformed, too old or too far ahead
     */
    static BodyVerification begin(SignatureVerifier verifier, String header) throws SignatureException {
        return new BodyVerification(verifier.begin(header));
    }

    /**
     * Reads {@code in} to its end, every byte through the HMAC and into {@code body}.
     *
     * @param contentLength the declared length, or -1
     * @return {@code false} as soon as more than {@code max} bytes arrived (the rest is left unread)
     * @throws BodyWriter.SpillException when the temp file cannot be written (the server's problem)
     * @throws IOException when the body stopped arriving (the client's)
     */
    boolean readBody(InputStream in, long contentLength, long max, int memoryThreshold, BodyWriter body)
            throws IOException {
        if (contentLength >= 0 && contentLength <= memoryThreshold) {
            // the common case: a declared, small body is read straight into an array of its size, no copy
            byte[] exact = new byte[(int) contentLength];
            int count = 0;
            while (count < exact.length) {
                int n = in.read(exact, count, exact.length - count);
                if (n < 0) {
                    break;
                }
                hmac.update(exact, count, n);
                count += n;
            }
            body.adopt(exact, count);
            int next = count < exact.length ? -1 : in.read();
            if (next < 0) {
                return true;
            }
            // more than declared: the container let it through, so the general path below takes over
            if (body.length() + 1 > max) {
                return false;
            }
            byte[] one = {(byte) next};
            hmac.update(one, 0, 1);
            body.write(one, 0, 1);
        }
        byte[] chunk = new byte[CHUNK];
        int n;
        while ((n = in.read(chunk)) >= 0) {
            if (body.length() + n > max) {
                return false;
            }
            hmac.update(chunk, 0, n);
            body.write(chunk, 0, n);
        }
        return true;
    }

    /**
     * Judges the HMAC of everything read.
     *
     * @return the signature's timestamp, unix seconds
     * @throws SignatureException when no configured secret matches any {@code v0}
     */
    long finish() throws SignatureException {
        return hmac.finish();
    }
}
