package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.stereotype.Component;

import dev.postcall.AudioEvent;

/**
 * A 40 MB audio delivery, sent chunked as ElevenLabs sends it, to an application whose whole JVM (server, Spring,
 * this test) has 96 MB of heap: the body is never held whole, a synchronous listener saves the audio byte for byte,
 * and an {@code @Async} listener that starts only after the answer saves it byte for byte too. Runs in the surefire
 * execution {@code small-heap} ({@code -Xmx96m}).
 */
@Tag("small-heap")
@SpringBootTest(classes = SmallHeapTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "postcall.secret=" + Webhook.SECRET)
class SmallHeapTest {
    private static final long AUDIO_BYTES = 30L * 1024 * 1024; // 40 MB once base64-encoded
    private static final Path DIR = Path.of("target", "small-heap");

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableAsync
    @Import(Savers.class)
    static class App {
    }

    /** Saves each audio delivery twice: on the request thread, and from an {@code @Async} listener afterwards. */
    @Component
    static class Savers {
        private final CountDownLatch answered = new CountDownLatch(1);
        private final CountDownLatch savedLater = new CountDownLatch(1);

        @EventListener
        void now(AudioEvent event) throws IOException {
            event.saveTo(DIR.resolve(event.conversationId() + "-sync.mp3"));
        }

        @Async
        @EventListener
        void later(AudioEvent event) throws Exception {
            answered.await(120, TimeUnit.SECONDS);
            event.saveTo(DIR.resolve(event.conversationId() + "-async.mp3"));
            savedLater.countDown();
        }

        void answered() {
            answered.countDown();
        }

        boolean awaitSavedLater() throws InterruptedException {
            return savedLater.await(120, TimeUnit.SECONDS);
        }
    }

    @Value("${local.server.port}")
    int port;

    @Autowired
    Savers savers;

    @Test
    void aFortyMegabyteAudioIsSavedExactlyByBothListenersUnder96MegabytesOfHeap() throws Exception {
        assertThat(Runtime.getRuntime().maxMemory()).isLessThanOrEqualTo(96L * 1024 * 1024);
        Files.createDirectories(DIR);
        Path body = DIR.resolve("audio-webhook.json");
        String audioSha;
        try (OutputStream out = Files.newOutputStream(body)) {
            audioSha = AudioBodies.write(out, "conv_40mb", AUDIO_BYTES, 7);
        }
        assertThat(Files.size(body)).isGreaterThan(40_000_000L);

        HttpResponse<String> response = Webhook.send(HttpRequest.newBuilder(Webhook.uri(port))
                .header("ElevenLabs-Signature", signature(body, Instant.now()))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> {
                    try {
                        return Files.newInputStream(body); // unknown length: sent chunked, as the vendor does
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }))
                .build());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Path sync = DIR.resolve("conv_40mb-sync.mp3");
        assertThat(Files.size(sync)).isEqualTo(AUDIO_BYTES);
        assertThat(AudioBodies.sha256(sync)).isEqualTo(audioSha);

        savers.answered();
        assertThat(savers.awaitSavedLater()).isTrue();
        Path async = DIR.resolve("conv_40mb-async.mp3");
        assertThat(Files.size(async)).isEqualTo(AUDIO_BYTES);
        assertThat(AudioBodies.sha256(async)).isEqualTo(audioSha);
        for (Path file : new Path[] {body, sync, async}) {
            Files.delete(file); // 100 MB the build has no use for
        }
    }

    /**
     * The {@code ElevenLabs-Signature} header of a body in a file, computed as the body streams past:
     * {@code WebhookSigner} takes the body as one array, which this heap cannot hold twice.
     */
    private static String signature(Path body, Instant at) throws Exception {
        long t = at.getEpochSecond();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Webhook.SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
        try (InputStream in = Files.newInputStream(body)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                mac.update(buffer, 0, n);
            }
        }
        return "t=" + t + ",v0=" + HexFormat.of().formatHex(mac.doFinal());
    }
}
