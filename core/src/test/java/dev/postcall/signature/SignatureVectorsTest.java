package dev.postcall.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postcall.signature.SignatureException.Reason;
import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every case of the shared {@code signature-vectors.json} gives its {@code expect}. */
class SignatureVectorsTest {

    private static final Set<Reason> HEADER_REASONS = EnumSet.of(Reason.MISSING_HEADER, Reason.MISSING_TIMESTAMP,
            Reason.MISSING_SIGNATURE, Reason.MALFORMED_TIMESTAMP, Reason.MALFORMED_SIGNATURE);

    static Stream<Arguments> vectors() {
        JsonObject all = Fixtures.signatureVectors();
        return all.getJsonArray("vectors").getValuesAs(JsonObject.class).stream()
                .map(v -> Arguments.of(Named.of(v.getString("name"), v)));
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void vectorGivesItsExpectedVerdict(JsonObject vector) throws Exception {
        JsonObject all = Fixtures.signatureVectors();
        assertThat(all.getInt("tolerance_secs")).isEqualTo(1800);
        SignatureVerifier verifier = SignatureVerifier.builder()
                .secrets(List.of(all.getString("secret")))
                .clock(Clock.fixed(Instant.ofEpochSecond(all.getJsonNumber("now_unix_secs").longValue()), ZoneOffset.UTC))
                .build();
        byte[] body = vector.containsKey("body_file")
                ? Fixtures.bytes(vector.getString("body_file"))
                : vector.getString("body").getBytes(StandardCharsets.UTF_8);
        String header = vector.getString("header");

        switch (vector.getString("expect")) {
            case "valid" -> {
                SignatureVerifier.Verification v = verifier.begin(header);
                v.update(body, 0, body.length);
                assertThat(v.finish()).isEqualTo(Long.parseLong(timestampOf(header)));
            }
            case "invalid:signature" -> assertThatThrownBy(() -> verifier.verify(header, body))
                    .isInstanceOfSatisfying(SignatureException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.SIGNATURE_MISMATCH));
            case "invalid:timestamp" -> assertThatThrownBy(() -> verifier.verify(header, body))
                    .isInstanceOfSatisfying(SignatureException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.TIMESTAMP_TOO_OLD));
            case "invalid:header" -> assertThatThrownBy(() -> verifier.verify(header, body))
                    .isInstanceOfSatisfying(SignatureException.class,
                            e -> assertThat(e.reason()).isIn(HEADER_REASONS));
            default -> throw new AssertionError("unknown expect " + vector.getString("expect"));
        }
    }

    /** The valid vectors whose header is exactly what a signer writes ({@code t} first, nothing extra). */
    static Stream<Arguments> canonicalValidVectors() {
        JsonObject all = Fixtures.signatureVectors();
        return all.getJsonArray("vectors").getValuesAs(JsonObject.class).stream()
                .filter(v -> v.getString("expect").equals("valid"))
                .filter(v -> v.getString("header").matches("t=\\d+,v0=[0-9a-f]{64}"))
                .map(v -> Arguments.of(Named.of(v.getString("name"), v)));
    }

    @Test
    void fixtureHasCanonicalValidVectorsForSigner() {
        assertThat(canonicalValidVectors().count()).isGreaterThanOrEqualTo(4);
    }

    @ParameterizedTest
    @MethodSource("canonicalValidVectors")
    void signerReproducesEveryValidVectorHeader(JsonObject vector) {
        JsonObject all = Fixtures.signatureVectors();
        byte[] body = vector.containsKey("body_file")
                ? Fixtures.bytes(vector.getString("body_file"))
                : vector.getString("body").getBytes(StandardCharsets.UTF_8);
        String header = vector.getString("header");
        Instant t = Instant.ofEpochSecond(Long.parseLong(timestampOf(header)));

        assertThat(WebhookSigner.header(body, all.getString("secret"), t)).isEqualTo(header);
    }

    private static String timestampOf(String header) {
        for (String element : header.split(",")) {
            if (element.startsWith("t=")) {
                return element.substring(2);
            }
        }
        throw new AssertionError("no t in " + header);
    }
}
