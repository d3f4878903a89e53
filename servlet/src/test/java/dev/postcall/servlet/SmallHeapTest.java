package dev.postcall.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postcall.signature.WebhookSigner;

/**
 * A 40 MB audio webhook through a server JVM limited to 96 MB of heap: the body is never held whole, and the saved
 * audio is byte for byte the original.
 */
class SmallHeapTest {
    private static final int AUDIO_BYTES = 30 * 1024 * 1024; // 40 MB once base64-encoded

    @TempDir
    Path temp;

    @Test
    void aFortyMegabyteAudioBodyIsAcceptedAndSavedExactlyByAServerWithA96MegabyteHeap() throws Exception {
        byte[] audio = audio(AUDIO_BYTES);
        Path body = audioWebhook(temp.resolve("audio-webhook.json"), audio);
        assertThat(Files.size(body)).isGreaterThan(40_000_000L);
        String signature = WebhookSigner.header(Files.readAllBytes(body), TestServer.SECRET, Instant.now());

        Path saved = temp.resolve("saved.mp3");
        Path spill = Files.createDirectory(temp.resolve("spill"));
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(javaBin, "-Xmx96m", "-cp", System.getProperty("java.class.path"),
                ForkedWebhookServer.class.getName(), saved.toString(), spill.toString())
                .redirectError(temp.resolve("server.log").toFile())
                .start();
        try {
            BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            long maxHeap = Long.parseLong(stdout.readLine().substring("MAXHEAP ".length()));
            String portLine = stdout.readLine();
            assertThat(portLine).as("server output; see %s", temp.resolve("server.log")).startsWith("PORT ");
            assertThat(maxHeap).isLessThanOrEqualTo(96L * 1024 * 1024);
            URI uri = URI.create("http://127.0.0.1:" + portLine.substring(5).strip() + TestServer.PATH);

            HttpResponse<String> response = postFile(uri, body, signature);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(Files.size(saved)).isEqualTo(AUDIO_BYTES);
            assertThat(sha256(saved)).isEqualTo(HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(audio)));
            // the 200 can reach us a moment before the filter deletes the spilled body: wait up to 10 s for it
            long deadline = System.nanoTime() + 10_000_000_000L;
            List<Path> left = files(spill);
            while (!left.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
                left = files(spill);
            }
            assertThat(left).isEmpty();
        } finally {
            process.getOutputStream().close();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        assertThat(Files.readString(temp.resolve("server.log"))).doesNotContain("OutOfMemoryError");
    }

    /** {@code length} random bytes that start as an MP3 with an ID3 tag does. */
    static byte[] audio(int length) {
        byte[] audio = new byte[length];
        new Random(7).nextBytes(audio);
        audio[0] = 'I';
        audio[1] = 'D';
        audio[2] = '3';
        return audio;
    }

    /** Writes a post_call_audio webhook carrying {@code audio} (base64) to {@code body}, streamed. */
    static Path audioWebhook(Path body, byte[] audio) throws IOException {
        try (OutputStream out = Files.newOutputStream(body)) {
            out.write(("{\"type\":\"post_call_audio\",\"event_timestamp\":1761488731,\"data\":{\"agent_id\":\"agent_1\","
                    + "\"conversation_id\":\"conv_big\",\"full_audio\":\"").getBytes(StandardCharsets.US_ASCII));
            try (OutputStream base64 = Base64.getEncoder().wrap(new NonClosing(out))) {
                base64.write(audio);
            }
            out.write("\"}}\n".getBytes(StandardCharsets.US_ASCII));
        }
        return body;
    }

    /** POSTs the file {@code body} with {@code signature}, chunked (unknown length), as the vendor does. */
    static HttpResponse<String> postFile(URI uri, Path body, String signature) throws IOException,
            InterruptedException {
        return TestServer.send(HttpRequest.newBuilder(uri)
                .header(PostCallWebhookFilter.SIGNATURE_HEADER, signature)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> {
                    try {
                        return Files.newInputStream(body);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }))
                .build());
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Lets the base64 encoder be closed (to write its padding) without closing the file. */
    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
