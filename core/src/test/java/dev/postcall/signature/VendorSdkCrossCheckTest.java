package dev.postcall.signature;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.File;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Has the vendor's official JavaScript SDK ({@code @elevenlabs/elevenlabs-js}, installed with npm into a temporary
 * folder) verify deliveries signed by {@link WebhookSigner}: every signed body accepted, every body with one byte
 * changed rejected. Skipped, loudly, when npm or node is missing or the registry cannot be reached.
 */
class VendorSdkCrossCheckTest {

    /** The SDK version checked; {@code -Dpostcall.vendorSdkVersion=…} tries another. */
    private static final String SDK_VERSION = System.getProperty("postcall.vendorSdkVersion", "2.73.0");
    private static final String SECRET = "wsec_5e1f0c2d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d";
    private static final int RANDOM_BODIES = 200;
    private static final String[] TYPES = {"post_call_transcription", "post_call_audio", "call_initiation_failure"};
    private static final String[] ALPHABET = {"a", "b", "z", "Q", "0", "7", " ", ".", ",", "\\\"", "\\\\", "\\n",
            "\\u0001", "/", "é", "ü", "ß", "ñ", "–", "€", "Ωμέγα", "Привет", "漢字", "こんにちは", "🙂", "🎧", "👩‍💻"};

    @TempDir
    Path dir;

    @Test
    void vendorSdkAcceptsOurSignaturesAndRejectsTamperedBodies() throws Exception {
        String npm = onPath("npm", "npm.cmd");
        String node = onPath("node", "node.exe");
        if (npm == null || node == null) {
            skipLoudly("npm or node is not on the PATH");
        }
        Path log = dir.resolve("npm.log");
        int npmExit = run(dir, log, 240, npm, "install", "--no-audit", "--no-fund", "--prefix", dir.toString(),
                "@elevenlabs/elevenlabs-js@" + SDK_VERSION);
        if (npmExit != 0 || !Files.isDirectory(dir.resolve("node_modules/@elevenlabs/elevenlabs-js"))) {
            skipLoudly("npm install @elevenlabs/elevenlabs-js@" + SDK_VERSION + " failed (exit " + npmExit
                    + "); last output:\n" + tail(log));
        }

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
        int nodeExit = run(dir, nodeLog, 120, node, script.toString(), input.toString(), output.toString(), SECRET);
        assertThat(nodeExit).as("node exit; output:\n%s", tail(nodeLog)).isZero();

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

    private static int run(Path workDir, Path log, int timeoutSeconds, String... command)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private static String onPath(String... names) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String entry : path.split(File.pathSeparator)) {
            for (String name : names) {
                File f = new File(entry, name);
                if (f.isFile() && f.canExecute()) {
                    return f.getAbsolutePath();
                }
            }
        }
        return null;
    }

    private static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no output)";
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }

    /**
     * Skips with a banner naming the fix, or fails when the build requires the check ({@code -Dpostcall.requireNpm=true},
     * which {@code .ci/run} sets).
     */
    private static void skipLoudly(String why) {
        String fix = "install Node.js and npm (Debian: apt-get install nodejs npm) and let npm reach its registry";
        if (Boolean.getBoolean("postcall.requireNpm")) {
            throw new AssertionError("vendor SDK cross-check required (-Dpostcall.requireNpm=true) but " + why
                    + "; " + fix);
        }
        String banner = "!".repeat(100);
        System.err.println(banner);
        System.err.println("!!! [WARNING] VENDOR SDK CROSS-CHECK SKIPPED: signatures were NOT checked against @elevenlabs/elevenlabs-js");
        System.err.println("!!! " + why.replace("\n", "\n!!! "));
        System.err.println("!!! to run it: " + fix);
        System.err.println(banner);
        Assumptions.abort("vendor SDK cross-check skipped: " + why + "; " + fix);
    }
}
