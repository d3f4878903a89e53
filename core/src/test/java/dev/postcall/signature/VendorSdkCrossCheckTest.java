package dev.postcall.signature;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import dev.postcall.testsupport.VendorSdk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Has the vendor's official JavaScript SDK ({@code @elevenlabs/elevenlabs-js}, installed with npm into a temporary
 * folder) verify deliveries signed by {@link WebhookSigner}: every signed body accepted, every body with one byte
 * changed rejected. Skipped, loudly, when npm or node is missing or the registry cannot be reached.
 */
class VendorSdkCrossCheckTest {

    private static final String SDK_VERSION = VendorSdk.VERSION;
    private static final String SECRET = "wsec_5e1f0c2d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d";
    private static final int RANDOM_BODIES = 200;
    private static final String[] TYPES = {"post_call_transcription", "post_call_audio", "call_initiation_failure"};
    private static final String[] ALPHABET = {"a", "b", "z", "Q", "0", "7", " ", ".", ",", "\\\"", "\\\\", "\\n",
            "\\u0001", "/", "é", "ü", "ß", "ñ", "–", "€", "Ωμέγα", "Привет", "漢字", "こんにちは", "🙂", "🎧", "👩‍💻"};

    @TempDir
    Path dir;

    @Test
    void vendorSdkAcceptsOurSignaturesAndRejectsTamperedBodies() throws Exception {
        String node = VendorSdk.install(dir, "signatures were NOT checked against @elevenlabs/elevenlabs-js");

        List<Delivery> deliveries = deliveries();
        Path input = dir.resolve("deliveries.jsonl");
        try (Writer w = Files.newBufferedWriter(input)) {
            Base64.Encoder b64 = Base64.getEncoder();
            for (Delivery d : deliveries) {
                w.write(Json.createObjectBuilder()
                        .add("id", d.id())
                        .add("type", d.type() == null ? JsonValue.NULL : Json.createValue(d.type()))
                        .add("header", d.header())
                        .add("body", b64.encodeToString(d.body()))
                        .add("tampered", b64.encodeToString(d.tampered()))
                        .build().toString());
                w.write('\n');
            }
        }
        Path script = dir.resolve("vendor-check.cjs");
        try (InputStream in = getClass().getResourceAsStream("vendor-check.cjs")) {
            Files.copy(in, script);
        }
        Path output = dir.resolve("summary.json");
        Path nodeLog = dir.resolve("node.log");
        int nodeExit = VendorSdk.run(dir, nodeLog, 120, node, script.toString(), input.toString(), output.toString(),
                SECRET);
        assertThat(nodeExit).as("node exit; output:\n%s", VendorSdk.tail(nodeLog)).isZero();

        JsonObject summary;
        try (JsonReader r = Json.createReader(new StringReader(Files.readString(output)))) {
            summary = r.readObject();
        }
        System.out.printf("vendor SDK @elevenlabs/elevenlabs-js %s accepted %d/%d, rejected %d/%d tampered%n",
                SDK_VERSION, summary.getInt("accepted"), deliveries.size(), summary.getInt("rejected"), deliveries.size());
        assertThat(summary.getJsonArray("failures")).isEmpty();
        assertThat(summary.getInt("total")).isEqualTo(deliveries.size());
        assertThat(summary.getInt("accepted")).isEqualTo(deliveries.size());
        assertThat(summary.getInt("rejected")).isEqualTo(deliveries.size());
        assertThat(deliveries.size()).isGreaterThanOrEqualTo(RANDOM_BODIES + 9);
    }

    record Delivery(int id, String type, String header, byte[] body, byte[] tampered) {
    }

    /** Every fixture file, then random JSON bodies of many sizes with multibyte text, each signed just now. */
    private static List<Delivery> deliveries() throws IOException {
        Random random = new Random(20261122);
        List<Delivery> out = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(Fixtures.dir())) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        for (Path file : files) {
            byte[] body = Files.readAllBytes(file);
            String type;
            try (JsonReader r = Json.createReader(new StringReader(new String(body, StandardCharsets.UTF_8)))) {
                type = r.readObject().getString("type", null);
            }
            out.add(signed(out.size(), type, body, random));
        }
        for (int i = 0; i < RANDOM_BODIES; i++) {
            String type = TYPES[random.nextInt(TYPES.length)];
            int pieces = (int) Math.pow(2, random.nextDouble() * 16) - 1;
            StringBuilder text = new StringBuilder(pieces * 2);
            for (int p = 0; p < pieces; p++) {
                text.append(ALPHABET[random.nextInt(ALPHABET.length)]);
            }
            String json = "{\"type\":\"" + type + "\",\"event_timestamp\":" + (1761400000 + i)
                    + ",\"data\":{\"conversation_id\":\"conv_" + i + "\",\"text\":\"" + text + "\"}}";
            out.add(signed(out.size(), type, json.getBytes(StandardCharsets.UTF_8), random));
        }
        return out;
    }

    private static Delivery signed(int id, String type, byte[] body, Random random) {
        // Inside the SDK's 30-minute window by its own clock.
        Instant at = Instant.now().minusSeconds(random.nextInt(20 * 60));
        String header = WebhookSigner.header(body, SECRET, at);
        return new Delivery(id, type, header, body, tamperOneByte(body, random));
    }

    /** Swaps one ASCII letter or digit for another, so the body stays valid UTF-8 of the same length. */
    private static byte[] tamperOneByte(byte[] body, Random random) {
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < body.length; i++) {
            if (Character.isLetterOrDigit(body[i]) && body[i] > 0) {
                candidates.add(i);
            }
        }
        int at = candidates.get(random.nextInt(candidates.size()));
        byte[] tampered = body.clone();
        tampered[at] = (byte) (body[at] == 'x' ? 'y' : 'x');
        return tampered;
    }
}
