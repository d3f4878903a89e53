package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.ServletContext;

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
 * over {@code memory-threshold} and the request that brought it is long gone. Here they run on Spring Boot's
 * {@code applicationTaskExecutor}, which runs the starter's task decorator: they hold the servlet's own body (its
 * temp file) until they have run, and nothing is copied. {@link AsyncFallbackTest} has the executor it cannot reach.
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
        record Read(AudioEvent event, String audioSha256, long audioLength, Thread thread, boolean answered,
                Throwable failure) {
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
                event.answered().toCompletableFuture().get(60, TimeUnit.SECONDS);
                try (InputStream in = event.openStream()) {
                    CountingStream counted = new CountingStream(in);
                    read = new Read(event, AudioBodies.sha256(counted), counted.count, Thread.currentThread(), true,
                            null);
                }
            } catch (Exception | Error e) {
                read = new Read(event, null, -1, Thread.currentThread(), false, e);
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
    BodyLeases leases;

    @Autowired
    ServletContext servletContext;

    @BeforeEach
    void reset() {
        recorder.reset();
        later.reads().clear();
        later.fail(false);
    }

    @Test
    void aBodyOverTheMemoryThresholdIsHeldNotCopiedAndReadWholeAfterTheAnswer() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String sha = AudioBodies.write(body, "conv_async_large", 3 * 1024 * 1024, 11);
        assertThat(body.size()).isGreaterThan(4 * 1024 * 1024); // over memory-threshold, 1 MB: in a temp file
        CountDownLatch answered = new CountDownLatch(1);
        later.waitFor(answered);
        long leasesBefore = leases.leases();

        HttpResponse<String> response = Webhook.postSigned(port, body.toByteArray());

        // answered while the @Async listener still waits, its hold keeping the servlet's temp file
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(later.reads()).isEmpty();
        assertThat(leases.leases() - leasesBefore).as("holds taken").isEqualTo(1);
        assertThat(AudioBodies.spilledBodies(servletContext)).as("the servlet's temp file, held").hasSize(1);
        answered.countDown();
        Later.Read read = later.reads().poll(60, TimeUnit.SECONDS);
        assertThat(read).isNotNull();
        assertThat(read.failure()).isNull();
        assertThat(read.answered()).as("answered() before the listener read").isTrue();
        assertThat(read.audioLength()).isEqualTo(3 * 1024 * 1024);
        assertThat(read.audioSha256()).isEqualTo(sha);
        Recorder.Seen sync = recorder.of("audio").get(0);
        assertThat(read.thread()).isNotSameAs(sync.thread());
        // the very event the synchronous listeners got, over the servlet's own body
        assertThat(read.event()).isSameAs(sync.event());

        // the listener has returned: its hold ends, and with it the temp file (waits at most 10 s for the thread)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!AudioBodies.spilledBodies(servletContext).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(AudioBodies.spilledBodies(servletContext)).as("the temp file after the listener finished").isEmpty();
    }


    @Test
    void aBodyInMemoryIsTheSameEventForAsyncListeners() throws Exception {
        long leasesBefore = leases.leases();
        HttpResponse<String> response = Webhook.postSigned(port,
                Fixtures.withIds("audio.json", "agent_a", "conv_async_small"));

        assertThat(response.statusCode()).isEqualTo(200);
        Later.Read read = later.reads().poll(60, TimeUnit.SECONDS);
        assertThat(read).isNotNull();
        assertThat(read.failure()).isNull();
        assertThat(read.audioLength()).isEqualTo(486);
        assertThat(read.event()).isSameAs(recorder.of("audio").get(0).event());
        assertThat(leases.leases()).as("a body in memory needs no hold").isEqualTo(leasesBefore);
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
    void aLargeBodyNoAsyncListenerReceivesIsNotHeld() throws Exception {
        String text = new String(TestData.bytes("transcription-minimal.json"), StandardCharsets.UTF_8);
        String padding = " ".repeat(2 * 1024 * 1024);
        byte[] large = text.replaceFirst("\\{", "{" + padding).replace("conv_", "conv_large_")
                .getBytes(StandardCharsets.UTF_8);
        long leasesBefore = leases.leases();

        assertThat(Webhook.postSigned(port, large).statusCode()).isEqualTo(200);

        assertThat(recorder.of("transcription")).hasSize(1);
        assertThat(leases.leases()).isEqualTo(leasesBefore);
        assertThat(AudioBodies.spilledBodies(servletContext))
                .as("the request's temp file, gone with the request").isEmpty();
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
