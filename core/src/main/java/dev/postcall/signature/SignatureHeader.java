package dev.postcall.signature;

import dev.postcall.signature.SignatureException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The parsed {@code ElevenLabs-Signature} header: the {@code t} text exactly as sent (it is part of the signed
 * message), its value, and every {@code v0} as bytes.
 */
record SignatureHeader(String timestamp, long epochSeconds, List<byte[]> signatures) {

    /** Longer headers are refused before they are split; a real one is under 100 characters. */
    static final int MAX_HEADER_LENGTH = 8192;
    /** More {@code v0} elements than this are refused rather than silently cut. */
    static final int MAX_SIGNATURES = 16;
    /** Twelve digits reach the year 33658; anything longer is nonsense, not a clock. */
    static final int MAX_TIMESTAMP_DIGITS = 12;

    private static final int SIGNATURE_HEX_LENGTH = 64;
    private static final HexFormat HEX = HexFormat.of();

    SignatureHeader {
        signatures = List.copyOf(signatures);
    }

    /** The bytes that start the signed message: {@code t} as sent, then '.'. */
    byte[] signedPrefix() {
        return signedPrefix(timestamp);
    }

    static byte[] signedPrefix(String timestamp) {
        return (timestamp + ".").getBytes(StandardCharsets.US_ASCII);
    }

    static SignatureHeader parse(String header) throws SignatureException {
        if (header == null || header.isBlank()) {
            throw new SignatureException(Reason.MISSING_HEADER, "No ElevenLabs-Signature header");
        }
        if (header.length() > MAX_HEADER_LENGTH) {
            throw new SignatureException(Reason.MALFORMED_SIGNATURE,
                    "Signature header longer than " + MAX_HEADER_LENGTH + " characters");
        }
        String timestamp = null;
        List<byte[]> signatures = new ArrayList<>(2);
        // The vendor splits on ',' only; we do the same and forgive spaces around each element.
        for (String raw : header.split(",", -1)) {
            String element = trimSpaces(raw);
            if (element.startsWith("t=")) {
                if (timestamp != null) {
                    throw new SignatureException(Reason.MALFORMED_TIMESTAMP, "Signature header has more than one t element");
                }
                timestamp = element.substring(2);
            } else if (element.startsWith("v0=")) {
                if (signatures.size() == MAX_SIGNATURES) {
                    throw new SignatureException(Reason.MALFORMED_SIGNATURE,
                            "Signature header has more than " + MAX_SIGNATURES + " v0 elements");
                }
                signatures.add(decodeSignature(element.substring(3)));
            }
        }
        if (timestamp == null) {
            throw new SignatureException(Reason.MISSING_TIMESTAMP, "Signature header has no t element");
        }
        if (signatures.isEmpty()) {
            throw new SignatureException(Reason.MISSING_SIGNATURE, "Signature header has no v0 element");
        }
        return new SignatureHeader(timestamp, parseTimestamp(timestamp), signatures);
    }

    private static long parseTimestamp(String text) throws SignatureException {
        if (text.isEmpty() || text.length() > MAX_TIMESTAMP_DIGITS) {
            throw new SignatureException(Reason.MALFORMED_TIMESTAMP,
                    "Signature timestamp must be 1 to " + MAX_TIMESTAMP_DIGITS + " digits of unix seconds");
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            // ASCII digits only: Character.isDigit would let other scripts' digits in.
            if (c < '0' || c > '9') {
                throw new SignatureException(Reason.MALFORMED_TIMESTAMP,
                        "Signature timestamp must be unix seconds in plain digits (no sign, decimals or spaces)");
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static byte[] decodeSignature(String hex) throws SignatureException {
        if (hex.length() != SIGNATURE_HEX_LENGTH) {
            throw new SignatureException(Reason.MALFORMED_SIGNATURE, "A v0 signature is not 64 hex characters");
        }
        for (int i = 0; i < hex.length(); i++) {
            if (!HexFormat.isHexDigit(hex.charAt(i))) {
                throw new SignatureException(Reason.MALFORMED_SIGNATURE, "A v0 signature is not 64 hex characters");
            }
        }
        // Case-insensitive: we compare bytes, so upper-case hex names the same MAC.
        return HEX.parseHex(hex);
    }

    private static String trimSpaces(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }
}
