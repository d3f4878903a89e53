package dev.postcall.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postcall.signature.SignatureException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One valid delivery, then one thing changed per test. */
class SignatureVerifierTest {

    private static final String SECRET = "wsec_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static final String OLD_SECRET = "wsec_ffffeeeeddddccccbbbbaaaa9999888877776666555544443333222211110000";
    private static final long NOW = 1_761_400_100L;
    private static final byte[] BODY =
            "{\"type\":\"post_call_audio\",\"event_timestamp\":1761400000,\"data\":{\"conversation_id\":\"conv_01\"}}"
                    .getBytes(StandardCharsets.UTF_8);

    private final Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    private final SignatureVerifier verifier = SignatureVerifier.builder().secrets(List.of(SECRET)).clock(clock).build();

    /** HMAC computed independently of the code under test. */
    private static String hex(String secret, String t, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Reason reasonOf(ThrowingCallable call) {
        Throwable[] caught = new Throwable[1];
        assertThatThrownBy(() -> {
            try {
                call.call();
            } catch (Throwable t) {
                caught[0] = t;
                throw t;
            }
        }).isInstanceOf(SignatureException.class);
        return ((SignatureException) caught[0]).reason();
    }

    @Test
    void acceptsValidHeaderAndReturnsItsTimestamp() throws Exception {
        SignatureVerifier.Verification v = verifier.begin("t=1761400000,v0=" + hex(SECRET, "1761400000", BODY));
        v.update(BODY, 0, BODY.length);
        assertThat(v.finish()).isEqualTo(1_761_400_000L);
    }

    @Test
    void acceptsSecondConfiguredSecretWhileRotating() throws Exception {
        SignatureVerifier rotating = SignatureVerifier.builder().secrets(List.of(SECRET, OLD_SECRET)).clock(clock).build();
        String header = "t=1761400000,v0=" + hex(OLD_SECRET, "1761400000", BODY);

        rotating.verify(header, BODY);
        assertThat(reasonOf(() -> verifier.verify(header, BODY))).isEqualTo(Reason.SIGNATURE_MISMATCH);
    }

    @Test
    void acceptsGoodSignatureListedFirstOrLastAmongSeveral() throws Exception {
        String good = hex(SECRET, "1761400000", BODY);
        String bad = hex(OLD_SECRET, "1761400000", BODY);

        verifier.verify("t=1761400000,v0=" + good + ",v0=" + bad, BODY);
        verifier.verify("t=1761400000,v0=" + bad + ",v0=" + good, BODY);
        assertThat(reasonOf(() -> verifier.verify("t=1761400000,v0=" + bad + ",v0=" + bad, BODY)))
                .isEqualTo(Reason.SIGNATURE_MISMATCH);
    }

    @Test
    void acceptsUpperCaseHexBecauseBytesAreCompared() throws Exception {
        String upper = hex(SECRET, "1761400000", BODY).toUpperCase(Locale.ROOT);
        verifier.verify("t=1761400000,v0=" + upper, BODY);
    }

    @Test
    void toleratesSpacesAndTabsAroundElementsAndAnyOrder() throws Exception {
        String sig = hex(SECRET, "1761400000", BODY);
        verifier.verify(" v1=whatever ,\tv0=" + sig + " , t=1761400000 ", BODY);
    }

    @Test
    void signsTimestampExactlyAsSentIncludingLeadingZero() throws Exception {
        verifier.verify("t=01761400000,v0=" + hex(SECRET, "01761400000", BODY), BODY);
        assertThat(reasonOf(() -> verifier.verify("t=01761400000,v0=" + hex(SECRET, "1761400000", BODY), BODY)))
                .isEqualTo(Reason.SIGNATURE_MISMATCH);
    }

    @ParameterizedTest
    @ValueSource(strings = {"+1761400000", "-1761400000", "1761400000.5", "1761400000.0",
            "176140000000000000000000000000", "abc", "", " 1761400000", "1761400000 1", "1e9", "0x68F", "١٧٦١٤٠٠٠٠٠"})
    void rejectsTimestampThatIsNotPlainDigits(String t) {
        // correctly signed, so only the timestamp's form can be the reason
        String header = "t=" + t + ",v0=" + hex(SECRET, t, BODY);
        assertThat(reasonOf(() -> verifier.verify(header, BODY))).isEqualTo(Reason.MALFORMED_TIMESTAMP);
    }

    @Test
    void rejectsTimestampLongerThanTwelveDigits() {
        assertThat(reasonOf(() -> verifier.verify("t=0000001761400000,v0=" + hex(SECRET, "0000001761400000", BODY), BODY)))
                .isEqualTo(Reason.MALFORMED_TIMESTAMP);
    }

    @Test
    void rejectsTwoTimestamps() {
        String sig = hex(SECRET, "1761400000", BODY);
        assertThat(reasonOf(() -> verifier.verify("t=1761400000,t=1761400000,v0=" + sig, BODY)))
                .isEqualTo(Reason.MALFORMED_TIMESTAMP);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "8d9f", "8d9f9bdab6bd8d70efe50fdc7f317bb8aeffba758a472740ab6c08b48f39faa",
            "8d9f9bdab6bd8d70efe50fdc7f317bb8aeffba758a472740ab6c08b48f39faa00",
            "zd9f9bdab6bd8d70efe50fdc7f317bb8aeffba758a472740ab6c08b48f39faa0", ""})
    void rejectsSignatureThatIsNot64Hex(String v0) {
        assertThat(reasonOf(() -> verifier.verify("t=1761400000,v0=" + v0, BODY))).isEqualTo(Reason.MALFORMED_SIGNATURE);
    }

    @Test
    void rejectsHeaderOverLengthLimitBeforeParsing() {
        String sig = hex(SECRET, "1761400000", BODY);
        String header = "t=1761400000,v0=" + sig + ",x=" + "a".repeat(SignatureHeader.MAX_HEADER_LENGTH);
        assertThat(reasonOf(() -> verifier.verify(header, BODY))).isEqualTo(Reason.MALFORMED_SIGNATURE);
        // two timestamps and 130 v0 elements: split, each would be refused for itself; the length is what is named
        String unsplit = "t=1761400000,t=1761400001" + (",v0=" + sig).repeat(130);
        assertThat(unsplit.length()).isGreaterThan(SignatureHeader.MAX_HEADER_LENGTH);
        assertThatThrownBy(() -> verifier.verify(unsplit, BODY))
                .hasMessage("Signature header longer than 8192 characters");
    }

    @Test
    void rejectsMoreThanSixteenSignatures() throws Exception {
        String sig = hex(SECRET, "1761400000", BODY);
        String sixteen = "t=1761400000" + (",v0=" + sig).repeat(16);
        verifier.verify(sixteen, BODY);
        assertThat(reasonOf(() -> verifier.verify(sixteen + ",v0=" + sig, BODY))).isEqualTo(Reason.MALFORMED_SIGNATURE);
    }

    @Test
    void namesWhatIsMissingFromHeader() {
        String sig = hex(SECRET, "1761400000", BODY);
        assertThat(reasonOf(() -> verifier.verify(null, BODY))).isEqualTo(Reason.MISSING_HEADER);
        assertThat(reasonOf(() -> verifier.verify("  ", BODY))).isEqualTo(Reason.MISSING_HEADER);
        assertThat(reasonOf(() -> verifier.verify("v0=" + sig, BODY))).isEqualTo(Reason.MISSING_TIMESTAMP);
        assertThat(reasonOf(() -> verifier.verify("t=1761400000", BODY))).isEqualTo(Reason.MISSING_SIGNATURE);
        assertThat(reasonOf(() -> verifier.verify("T=1761400000,V0=" + sig, BODY))).isEqualTo(Reason.MISSING_TIMESTAMP);
        // the vendor separates with ',' only: with ';' the v0 is part of the t element
        assertThat(reasonOf(() -> verifier.verify("t=1761400000;v0=" + sig, BODY))).isEqualTo(Reason.MISSING_SIGNATURE);
    }

    @Test
    void rejectsTimestampOlderThanToleranceButAcceptsTheEdge() throws Exception {
        long edge = NOW - 1800;
        verifier.verify("t=" + edge + ",v0=" + hex(SECRET, Long.toString(edge), BODY), BODY);
        long old = edge - 1;
        assertThat(reasonOf(() -> verifier.verify("t=" + old + ",v0=" + hex(SECRET, Long.toString(old), BODY), BODY)))
                .isEqualTo(Reason.TIMESTAMP_TOO_OLD);
    }

    @Test
    void rejectsTimestampBeyondFutureSkewButAcceptsTheEdge() throws Exception {
        long edge = NOW + 300;
        verifier.verify("t=" + edge + ",v0=" + hex(SECRET, Long.toString(edge), BODY), BODY);
        long ahead = edge + 1;
        assertThat(reasonOf(() -> verifier.verify("t=" + ahead + ",v0=" + hex(SECRET, Long.toString(ahead), BODY), BODY)))
                .isEqualTo(Reason.TIMESTAMP_IN_FUTURE);
    }

    @Test
    void appliesConfiguredToleranceAndSkew() throws Exception {
        SignatureVerifier strict = SignatureVerifier.builder().secrets(List.of(SECRET)).clock(clock)
                .tolerance(Duration.ofSeconds(10)).futureSkew(Duration.ZERO).build();
        long t = NOW - 11;
        assertThat(reasonOf(() -> strict.begin("t=" + t + ",v0=" + hex(SECRET, Long.toString(t), BODY))))
                .isEqualTo(Reason.TIMESTAMP_TOO_OLD);
        long ahead = NOW + 1;
        assertThat(reasonOf(() -> strict.begin("t=" + ahead + ",v0=" + hex(SECRET, Long.toString(ahead), BODY))))
                .isEqualTo(Reason.TIMESTAMP_IN_FUTURE);
        strict.verify("t=" + NOW + ",v0=" + hex(SECRET, Long.toString(NOW), BODY), BODY);
    }

    @Test
    void acceptsHugeWindowsWithoutOverflow() throws Exception {
        SignatureVerifier lax = SignatureVerifier.builder().secrets(List.of(SECRET)).clock(clock)
                .tolerance(Duration.ofSeconds(Long.MAX_VALUE)).futureSkew(Duration.ofSeconds(Long.MAX_VALUE)).build();
        for (String t : List.of("0", "1", "999999999999")) {
            SignatureVerifier.Verification v = lax.begin("t=" + t + ",v0=" + hex(SECRET, t, BODY));
            v.update(BODY, 0, BODY.length);
            assertThat(v.finish()).isEqualTo(Long.parseLong(t));
        }
    }

    @Test
    void checksTimestampInBeginBeforeAnyBodyByte() {
        long old = NOW - 3600;
        // a wrong signature: only the timestamp can make begin() fail
        assertThat(reasonOf(() -> verifier.begin("t=" + old + ",v0=" + "0".repeat(64))))
                .isEqualTo(Reason.TIMESTAMP_TOO_OLD);
    }

    @Test
    void incrementalFeedingInOddChunksEqualsWholeBody() throws Exception {
        byte[] body = new byte[100_003];
        new Random(42).nextBytes(body);
        String header = "t=" + NOW + ",v0=" + hex(SECRET, Long.toString(NOW), body);
        int[] sizes = {1, 7, 0, 13, 4096, 3, 65_521};
        for (int round = 0; round < sizes.length; round++) {
            SignatureVerifier.Verification v = verifier.begin(header);
            int pos = 0;
            int i = round;
            while (pos < body.length) {
                int n = Math.min(sizes[i++ % sizes.length], body.length - pos);
                v.update(body, pos, n);
                pos += n;
            }
            assertThat(v.finish()).isEqualTo(NOW);
        }
        byte[] tampered = body.clone();
        tampered[50_000] ^= 1;
        SignatureVerifier.Verification v = verifier.begin(header);
        v.update(tampered, 0, 50_001);
        v.update(tampered, 50_001, tampered.length - 50_001);
        assertThat(reasonOf(v::finish)).isEqualTo(Reason.SIGNATURE_MISMATCH);
    }

    @Test
    void updatesFromOffsetWithinLargerArray() throws Exception {
        byte[] padded = new byte[BODY.length + 20];
        Arrays.fill(padded, (byte) '#');
        System.arraycopy(BODY, 0, padded, 10, BODY.length);
        SignatureVerifier.Verification v = verifier.begin("t=" + NOW + ",v0=" + hex(SECRET, Long.toString(NOW), BODY));
        v.update(padded, 10, BODY.length);
        assertThat(v.finish()).isEqualTo(NOW);
    }

    @Test
    void refusesUseAfterFinish() throws Exception {
        SignatureVerifier.Verification v = verifier.begin("t=" + NOW + ",v0=" + hex(SECRET, Long.toString(NOW), BODY));
        v.update(BODY, 0, BODY.length);
        v.finish();
        assertThatThrownBy(v::finish).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> v.update(BODY, 0, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void signerRoundTripsThroughVerifier() throws Exception {
        byte[] body = "{\"message\":\"Café für zwei – 🙂\"}".getBytes(StandardCharsets.UTF_8);
        String header = WebhookSigner.header(body, SECRET, Instant.ofEpochSecond(NOW, 999_000_000));

        assertThat(header).isEqualTo("t=" + NOW + ",v0=" + hex(SECRET, Long.toString(NOW), body));
        assertThat(verifier.begin(header)).satisfies(v -> {
            v.update(body, 0, body.length);
            assertThat(v.finish()).isEqualTo(NOW);
        });
    }

    @Test
    void messagesNeverContainSecretSignatureOrBody() {
        String expected = hex(SECRET, "1761400000", BODY);
        String sent = hex(OLD_SECRET, "1761400000", BODY);
        String bodyText = new String(BODY, StandardCharsets.UTF_8);
        List<ThrowingCallable> failures = List.of(
                () -> verifier.verify("t=1761400000,v0=" + sent, BODY),
                () -> verifier.verify("t=1761400000,v0=" + sent.substring(1), BODY),
                () -> verifier.verify("t=x" + SECRET + ",v0=" + sent, BODY),
                () -> verifier.verify("t=1000,v0=" + sent, BODY),
                () -> verifier.verify("t=9761400000,v0=" + sent, BODY),
                () -> verifier.verify("v0=" + sent, BODY),
                () -> verifier.verify("t=1761400000", BODY));
        for (ThrowingCallable failure : failures) {
            assertThatThrownBy(failure).isInstanceOf(SignatureException.class)
                    .satisfies(e -> assertThat(e.getMessage())
                            .isNotBlank()
                            .doesNotContain(SECRET, expected, sent, sent.substring(1), bodyText, "conv_01"));
        }
    }

    @Test
    void refusesEmptyOrBlankSecretAtConstructionWithoutEchoingIt() {
        assertThatThrownBy(() -> SignatureVerifier.builder().secrets(List.of("")).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SignatureVerifier.builder().secrets(List.of(SECRET, " \t ")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
        assertThatThrownBy(() -> SignatureVerifier.builder().secrets(List.of()).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SignatureVerifier.builder().build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WebhookSigner.header(BODY, "", Instant.ofEpochSecond(NOW)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesNegativeDurations() {
        assertThatThrownBy(() -> SignatureVerifier.builder().tolerance(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SignatureVerifier.builder().futureSkew(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void verifiesConcurrentlyFromOneInstance() throws Exception {
        String header = "t=" + NOW + ",v0=" + hex(SECRET, Long.toString(NOW), BODY);
        byte[] other = "{}".getBytes(StandardCharsets.UTF_8);
        List<Thread> threads = new java.util.ArrayList<>();
        int[] ok = new int[8];
        int[] rejected = new int[8];
        for (int i = 0; i < 8; i++) {
            int slot = i;
            threads.add(new Thread(() -> {
                for (int n = 0; n < 500; n++) {
                    try {
                        verifier.verify(header, (n % 2 == 0) ? BODY : other);
                        ok[slot]++;
                    } catch (SignatureException e) {
                        rejected[slot]++;
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(Arrays.stream(ok).sum()).isEqualTo(2000);
        assertThat(Arrays.stream(rejected).sum()).isEqualTo(2000);
    }
}
