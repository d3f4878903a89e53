package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.stereotype.Component;

import dev.postcall.AudioEvent;

/**
 * An {@code @Async} listener on an executor of the application's own, which never runs the starter's task
 * decorator: the starter cannot hold the servlet's body for it, so it publishes the event over a copy
 * ({@link DetachedBodies}), which the listener reads whole after the answer and which goes once nothing holds it.
 */
@SpringBootTest(classes = AsyncFallbackTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "postcall.secret=" + Webhook.SECRET)
class AsyncFallbackTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableAsync
    @Import({Recorder.class, OnOwnPool.class})
    static class App {
        /** A plain JDK pool: no Spring executor, no decorator. */
        @Bean(destroyMethod = "shutdownNow")
        ExecutorService ownPool() {
            return Executors.newFixedThreadPool(2);
        }
    }

    /** An {@code @Async} listener of audio on {@code ownPool}, reading once the test has its answer. */
    @Component
    static class OnOwnPool {
        record Read(AudioEvent event, String audioSha256, Throwable failure) {
        }

        private final BlockingQueue<Read> reads = new LinkedBlockingQueue<>();
        private volatile CountDownLatch answered = new CountDownLatch(0);

        BlockingQueue<Read> reads() {
            return reads;
        }

        void waitFor(CountDownLatch latch) {
            answered = latch;
        }

        @Async("ownPool")
        @EventListener
        void later(AudioEvent event) {
            Read read;
            try {
                answered.await(60, TimeUnit.SECONDS);
                try (InputStream in = event.openStream()) {
                    read = new Read(event, AudioBodies.sha256(in), null);
                }
            } catch (Exception | Error e) {
                read = new Read(event, null, e);
            }
            reads.add(read);
        }
    }

    @Value("${local.server.port}")
    int port;

    @Autowired
    Recorder recorder;

    @Autowired
    OnOwnPool onOwnPool;

    @Autowired
    DetachedBodies detached;

    @Autowired
    BodyLeases leases;

    @Test
    void aBodyForAListenerOnAnExecutorOfItsOwnIsCopiedAndTheCopyGoesWhenNothingHoldsIt() throws Exception {
        recorder.reset();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String sha = AudioBodies.write(body, "conv_async_own_pool", 3 * 1024 * 1024, 13);
        CountDownLatch answered = new CountDownLatch(1);
        onOwnPool.waitFor(answered);
        long leasesBefore = leases.leases();

        HttpResponse<String> response = Webhook.postSigned(port, body.toByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(detached.live()).as("the copy").hasSize(1);
        assertThat(leases.leases()).as("no hold taken").isEqualTo(leasesBefore);
        answered.countDown();
        OnOwnPool.Read read = onOwnPool.reads().poll(60, TimeUnit.SECONDS);
        assertThat(read).isNotNull();
        assertThat(read.failure()).isNull();
        assertThat(read.audioSha256()).isEqualTo(sha);
        assertThat(read.event()).isSameAs(recorder.of("audio").get(0).event());

        // once nothing holds the event, the copy goes
        Set<Path> copies = new HashSet<>(detached.live());
        read = null;
        recorder.reset();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (detached.live().stream().anyMatch(copies::contains) && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        assertThat(detached.live()).doesNotContainAnyElementsOf(copies);
        assertThat(copies).allSatisfy(copy -> assertThat(copy).doesNotExist());
    }
}
