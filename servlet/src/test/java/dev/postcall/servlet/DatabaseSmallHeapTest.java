package dev.postcall.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postcall.signature.WebhookSigner;

/**
 * A 100 MB audio webhook through a server JVM limited to 128 MB of heap with the database inbox on a real PostgreSQL:
 * the handler fails, so the whole body is kept in the table; a replay in the same small JVM reads it back and saves
 * audio that is byte for byte the original.
 */
class DatabaseSmallHeapTest {
    private static final int AUDIO_BYTES = 75 * 1024 * 1024; // 100 MiB once base64-encoded

    @TempDir
    Path temp;

    @Test
    void aHundredMegabyteAudioDeliveryIsKeptAndReplayedByAServerWithA128MegabyteHeap() throws Exception {
        byte[] audio = SmallHeapTest.audio(AUDIO_BYTES);
        Path body = SmallHeapTest.audioWebhook(temp.resolve("audio-webhook.json"), audio);
        assertThat(Files.size(body)).isGreaterThan(100L * 1024 * 1024);
        String signature = WebhookSigner.header(Files.readAllBytes(body), TestServer.SECRET, Instant.now());
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(audio));
        audio = null; // the test JVM's heap is not the point, but it need not hold 75 MiB twice

        Path log = temp.resolve("server.log");
        Path saved = temp.resolve("saved.mp3");
        try (TestDatabase.Fixture db = TestDatabase.POSTGRESQL.fresh()) {
            DeliveryGuaranteesTest.Forked server = DeliveryGuaranteesTest.Forked.start(
                    ProcessBuilder.Redirect.to(log.toFile()), List.of("-Xmx128m"), ForkedDatabaseServer.class,
                    db.url(), db.prefix(), "node-big", "fail");
            try {
                long maxHeap = Long.parseLong(server.awaitPrefix("MAXHEAP "));
                assertThat(maxHeap).isLessThanOrEqualTo(128L * 1024 * 1024);

                HttpResponse<String> response = SmallHeapTest.postFile(server.uri, body, signature);

                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                assertThat(db.rows("failed")).isEqualTo(1);
                assertThat(db.query("SELECT body_length FROM " + db.deliveries())).isEqualTo(Files.size(body));

                server.process.getOutputStream().write(("REPLAY " + saved + "\n").getBytes(StandardCharsets.UTF_8));
                server.process.getOutputStream().flush();
                assertThat(server.awaitPrefix("REPLAYED ")).as("see %s", log).isEqualTo("1");
                assertThat(Files.size(saved)).isEqualTo(AUDIO_BYTES);
                assertThat(SmallHeapTest.sha256(saved)).isEqualTo(expected);
                assertThat(db.rows("done")).isEqualTo(1);
            } finally {
                server.process.getOutputStream().close();
                if (!server.process.waitFor(20, TimeUnit.SECONDS)) {
                    server.process.destroyForcibly();
                }
            }
        }
        assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");
    }
}
