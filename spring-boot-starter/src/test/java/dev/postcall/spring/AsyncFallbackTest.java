package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpResponse;
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
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.stereotype.Component;

import dev.postcall.AudioEvent;

/**
 * An {@code @Async} listener on an executor of the application's own, which never runs the starter's task
 * decorator: the starter cannot see its call end, so the servlet's own body (no copy) is held while the event is
 * reachable; the listener gets the very event the synchronous ones got, reads it whole after the answer, and the temp
 * file goes once the event is garbage.
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
        @Order(Ordered.HIGHEST_PRECEDENCE) // started before the Recorder's listeners, one of which may throw
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
    BodyLeases leases;

    @Autowired
    jakarta.servlet.ServletContext servletContext;


    @Test
    void aBodyForAListenerOnAnExecutorOfItsOwnIsHeldUntilTheEventIsGarbage() throws Exception {
        recorder.reset();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String sha = AudioBodies.write(body, "conv_async_own_pool", 3 * 1024 * 1024, 13);
        CountDownLatch answered = new CountDownLatch(1);
        onOwnPool.waitFor(answered);
        long leasesBefore = leases.leases();

        HttpResponse<String> response = Webhook.postSigned(port, body.toByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(AudioBodies.spilledBodies(servletContext))
                .as("the servlet's temp file, held after the answer").hasSize(1);
        assertThat(leases.leases()).as("no task-decorator hold taken").isEqualTo(leasesBefore);
        answered.countDown();
        OnOwnPool.Read read = onOwnPool.reads().poll(60, TimeUnit.SECONDS);
        assertThat(read).isNotNull();
        assertThat(read.failure()).isNull();
        assertThat(read.audioSha256()).isEqualTo(sha);
        assertThat(read.event()).isSameAs(recorder.of("audio").get(0).event());
        assertThat(read.event().answered().toCompletableFuture()).as("answered() says the sender has its answer")
                .isCompleted();

        // once nothing holds the event, its body's temp file goes
        read = null;
        recorder.reset();
        assertThat(AudioBodies.spilledBodiesAfterCollections(servletContext)).isEmpty();
    }

    @Test
    void aListenerOnAnExecutorOfItsOwnStartedBeforeAFailingListenerStillReadsTheWholeBody() throws Exception {
        recorder.reset();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String sha = AudioBodies.write(body, "conv_async_own_pool_failing", 3 * 1024 * 1024, 17);
        CountDownLatch answered = new CountDownLatch(1);
        onOwnPool.waitFor(answered);
        recorder.failWith = new IllegalStateException("the CRM is down");

        HttpResponse<String> response;
        try {
            response = Webhook.postSigned(port, body.toByteArray());
        } finally {
            recorder.failWith = null;
        }

        // the synchronous listener after it failed the delivery; the @Async one had been started already
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(AudioBodies.spilledBodies(servletContext))
                .as("the servlet's temp file, held after the answer").hasSize(1);
        answered.countDown();
        OnOwnPool.Read read = onOwnPool.reads().poll(60, TimeUnit.SECONDS);
        assertThat(read).isNotNull();
        assertThat(read.failure()).isNull();
        assertThat(read.audioSha256()).isEqualTo(sha);

        read = null;
        recorder.reset();
        assertThat(AudioBodies.spilledBodiesAfterCollections(servletContext))
                .as("the temp file, once nothing holds the event").isEmpty();
    }
}
