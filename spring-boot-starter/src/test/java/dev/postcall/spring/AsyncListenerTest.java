package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
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
import dev.postcall.testsupport.TestData;

/**
 * {@code @Async} listeners run after the answer, never change it, and read every byte of the body even when it was
 * over {@code memory-threshold} and the request that brought it (and the servlet's temp file) are long gone.
 */
@SpringBootTest(classes = AsyncListenerTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "postcall.secret=" + Webhook.SECRET)
class AsyncListenerTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableAsync
    @Import({Recorder.class, Later.class})
    static class App {
    }

    /** An {@code @Async} listener of audio that waits for the test to have its answer before it reads. */
    @Component
    static class Later {
        record Read(AudioEvent event, String audioSha256, long audioLength, Thread thread, Throwable failure) {
        }

        // read through methods: the test holds the @Async proxy, whose own fields are unset
        private final BlockingQueue<Read> reads = new LinkedBlockingQueue<>();
        private volatile CountDownLatch answered = new CountDownLatch(0);
        private volatile boolean fail;

        BlockingQueue<Read> reads() {
            return reads;
        }

        void waitFor(CountDownLatch latch) {
            answered = latch;
        }

        void fail(boolean fail) {
            this.fail = fail;
        }

        @Async
        @EventListener
        void later(AudioEvent event) throws Exception {
            Read read;
            try {
                answered.await(60, TimeUnit.SECONDS);
                try (InputStream in = event.openStream()) {
                    CountingStream counted = new CountingStream(in);
                    read = new Read(event, AudioBodies.sha256(counted), counted.count, Thread.currentThread(), null);
                }
            } catch (Exception | Error e) {
                read = new Read(event, null, -1, Thread.currentThread(), e);
            }
            reads.add(read);
            if (fail) {
                throw new IllegalStateException("an @Async listener failed");
            }
        }
    }

    @Value("${local.server.port}")
    int port;

    @Autowired
    Recorder recorder;

    @Autowired
    Later later;

    @Autowired
    DetachedBodies detached;

    @BeforeEach
    void reset() {
        recorder.reset();
        later.reads().clear();
        later.fail(false);
    }

    @Test
    void aBodyOverTheMemoryThresholdIsReadWholeAfterTheAnswer() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String sha = AudioBodies.write(body, "conv_async_large", 3 * 1024 * 1024, 11);
        assertThat(body.size()).isGreaterThan(4 * 1024 * 1024); // over memory-threshold, 1 MB: in a temp file
        CountDownLatch answered = new CountDownLatch(1);
        later.waitFor(answered);

        HttpResponse<String> response = Webhook.postSigned(port, body.toByteArray());

        // answered while the @Async listener still waits
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(later.reads()).isEmpty();
        assertThat(detached.live()).hasSize(1);
        answered.countDown();
        Later.Read read = later.reads().poll(60, TimeUnit.SECONDS);
        assertThat(read).isNotNull();
        assertThat(read.failure()).isNull();
        assertThat(read.audioLength()).isEqualTo(3 * 1024 * 1024);
        assertThat(read.audioSha256()).isEqualTo(sha);
        Recorder.Seen sync = recorder.of("audio").get(0);
        assertThat(read.thread()).isNotSameAs(sync.thread());
        // both read the one copy, which outlives the request
        assertThat(read.event()).isSameAs(sync.event());

        // once nothing holds the event, the copy goes
        Set<Path> copies = new HashSet<>(detached.live());
        read = null;
        sync = null;
        recorder.reset();
        later.reads().clear();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (detached.live().stream().anyMatch(copies::contains) && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        assertThat(detached.live()).doesNotContainAnyElementsOf(copies);
        assertThat(copies).allSatisfy(copy -> assertThat(copy).doesNotExist());
    }

    @Test
    void aBodyInMemoryIsTheSameEventForAsyncListeners() throws Exception {
        Set<Path> before = new HashSet<>(detached.live());
        HttpResponse<String> response = Webhook.postSigned(port,
                Fixtures.withIds("audio.json", "agent_a", "conv_async_small"));

        assertThat(response.statusCode()).isEqualTo(200);
        Later.Read read = later.reads().poll(60, TimeUnit.SECONDS);
        assertThat(read).isNotNull();
        assertThat(read.failure()).isNull();
        assertThat(read.audioLength()).isEqualTo(486);
        assertThat(read.event()).isSameAs(recorder.of("audio").get(0).event());
        assertThat(before).containsAll(detached.live()); // no copy made
    }

    @Test
    void aThrowingAsyncListenerDoesNotChangeTheAnswer() throws Exception {
        later.fail(true);
        HttpResponse<String> response = Webhook.postSigned(port,
                Fixtures.withIds("audio.json", "agent_a", "conv_async_failing"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"received\":true}");
        assertThat(later.reads().poll(60, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void aLargeBodyNoAsyncListenerReceivesIsNotCopied() throws Exception {
        String text = new String(TestData.bytes("transcription-minimal.json"), StandardCharsets.UTF_8);
        String padding = " ".repeat(2 * 1024 * 1024);
        byte[] large = text.replaceFirst("\\{", "{" + padding).replace("conv_", "conv_large_")
                .getBytes(StandardCharsets.UTF_8);
        Set<Path> before = new HashSet<>(detached.live());

        assertThat(Webhook.postSigned(port, large).statusCode()).isEqualTo(200);

        assertThat(recorder.of("transcription")).hasSize(1);
        assertThat(before).containsAll(detached.live());
    }

    /** Counts what passes through, so the test knows the length without holding the bytes. */
    private static final class CountingStream extends java.io.FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws java.io.IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
