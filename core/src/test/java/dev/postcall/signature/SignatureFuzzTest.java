package dev.postcall.signature;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Fuzzes the {@code ElevenLabs-Signature} header parser and the verifier through their public entry points. Any
 * header and body must either verify or be refused with a {@link SignatureException}; anything else (a runtime
 * exception, an error) is a finding.
 *
 * <p>An input is the header's text (UTF-8) up to the first line feed, then the raw body. The committed inputs in
 * {@code SignatureFuzzTestInputs/} are the shared signature vectors in that form; in a normal build they run as
 * regression tests. See {@code fuzz/README.md} for running the fuzzer for real.
 */
class SignatureFuzzTest {

    /** The shared vectors' secret and clock, so the vector seeds that are valid still verify. */
    private static final String SECRET = "wsec_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static final String OTHER_SECRET = "rotated-secret";
    private static final Instant NOW = Instant.ofEpochSecond(1_761_400_100L);

    private static final SignatureVerifier VERIFIER = SignatureVerifier.builder()
            .secrets(List.of(OTHER_SECRET, SECRET))
            .tolerance(Duration.ofMinutes(30))
            .futureSkew(Duration.ofMinutes(5))
            .clock(Clock.fixed(NOW, ZoneOffset.UTC))
            .build();

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({"t=", "v0=", "v1=", ",", " ", "\t", "1761400000", "1761398360"})
    void verifiesOrRejectsWithSignatureException(byte[] input) {
        int newline = indexOf(input, (byte) '\n');
        String header = new String(input, 0, newline < 0 ? input.length : newline, StandardCharsets.UTF_8);
        byte[] body = newline < 0 ? new byte[0] : Arrays.copyOfRange(input, newline + 1, input.length);

        SignatureException.Reason whole = outcome(() -> VERIFIER.verify(header, body), header);
        SignatureException.Reason chunked = outcome(() -> verifyInChunks(header, body), header);

        // The streaming path the filter uses must judge every input exactly as the whole-body path does.
        assertThat(chunked).as("incremental verification agrees with verify()").isEqualTo(whole);
        if (whole == null) {
            // It verified: the header really carries the HMAC of t + "." + body under one of the secrets.
            assertThat(carriesGenuineSignature(header, body)).as("a verified header carries a genuine v0").isTrue();
        }
    }

    private static void verifyInChunks(String header, byte[] body) throws SignatureException {
        SignatureVerifier.Verification v = VERIFIER.begin(header);
        // Uneven chunks, including empty ones, as a servlet input stream hands them over.
        int offset = 0;
        int size = 0;
        while (offset < body.length) {
            int n = Math.min(size, body.length - offset);
            v.update(body, offset, n);
            offset += n;
            size = (size * 7 + 3) % 23;
        }
        v.update(body, body.length, 0);
        v.finish();
    }

    private interface Verification {
        void run() throws SignatureException;
    }

    /** {@code null} when it verified, else the reason; any other throwable escapes as a finding. */
    private static SignatureException.Reason outcome(Verification verification, String header) {
        try {
            verification.run();
            return null;
        } catch (SignatureException e) {
            assertThat(e.reason()).isNotNull();
            String message = e.getMessage();
            assertThat(message).isNotBlank().doesNotContain(SECRET).doesNotContain(OTHER_SECRET);
            for (String hex : hexRuns(header)) {
                assertThat(message.toLowerCase(Locale.ROOT)).as("message repeats a signature").doesNotContain(hex);
            }
            return e.reason();
        }
    }

    /** An independent reading of the header: does any v0 equal HMAC(t + "." + body) for a configured secret? */
    private static boolean carriesGenuineSignature(String header, byte[] body) {
        String t = null;
        for (String element : header.split(",", -1)) {
            String e = element.strip();
            if (e.startsWith("t=")) {
                t = e.substring(2);
            }
        }
        if (t == null) {
            return false;
        }
        String lower = header.toLowerCase(Locale.ROOT);
        for (String secret : List.of(SECRET, OTHER_SECRET)) {
            if (lower.contains("v0=" + hmacHex(secret, t, body))) {
                return true;
            }
        }
        return false;
    }

    private static String hmacHex(String secret, String t, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs of 16 or more hex digits in the header, lower-cased: what a leaked signature would look like. */
    private static List<String> hexRuns(String header) {
        List<String> runs = new java.util.ArrayList<>();
        int start = -1;
        for (int i = 0; i <= header.length(); i++) {
            boolean hex = i < header.length() && HexFormat.isHexDigit(header.charAt(i));
            if (hex && start < 0) {
                start = i;
            } else if (!hex && start >= 0) {
                if (i - start >= 16) {
                    runs.add(header.substring(start, i).toLowerCase(Locale.ROOT));
                }
                start = -1;
            }
        }
        return runs;
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
