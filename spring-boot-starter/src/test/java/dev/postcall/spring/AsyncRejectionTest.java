package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

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
 * Spring Boot's {@code applicationTaskExecutor} with a bounded pool (one thread, no queue) turns an {@code @Async}
 * listener's call away when it is busy. The starter's decorator had taken the call's hold already, before the
 * executor refused the decorated task: that hold must not outlive the task nobody will run, or the body's temp file
 * stays on disk (and open) for the life of the application.
 */
@SpringBootTest(classes = AsyncRejectionTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"postcall.secret=" + Webhook.SECRET, "spring.task.execution.pool.core-size=1",
                "spring.task.execution.pool.max-size=1", "spring.task.execution.pool.queue-capacity=0"})
class AsyncRejectionTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableAsync
    @Import(Busy.class)
    static class App {
    }

    /** An {@code @Async} listener of audio that keeps the executor's one thread until the test lets it go. */
    @Component
    static class Busy {
        private final BlockingQueue<String> reads = new LinkedBlockingQueue<>();
        private final CountDownLatch started = new CountDownLatch(1);
        private final CountDownLatch go = new CountDownLatch(1);

        BlockingQueue<String> reads() {
            return reads;
        }

        CountDownLatch started() {
            return started;
        }

        CountDownLatch go() {
            return go;
        }

        @Async
        @EventListener
        void later(AudioEvent event) throws Exception {
            started.countDown();
            go.await(60, TimeUnit.SECONDS);
            try (InputStream in = event.openStream()) {
                reads.add(AudioBodies.sha256(in));
            }
        }
    }

    @Value("${local.server.port}")
    int port;

    @Autowired
    Busy busy;

    @Autowired
    jakarta.servlet.ServletContext servletContext;


    @Test
    void aListenerCallTheExecutorTurnsAwayDoesNotKeepTheBodyOnDisk() throws Exception {
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        String sha = AudioBodies.write(first, "conv_rejected_first", 3 * 1024 * 1024, 19);
        assertThat(Webhook.postSigned(port, first.toByteArray()).statusCode()).isEqualTo(200);
        assertThat(busy.started().await(60, TimeUnit.SECONDS)).as("the executor's one thread taken").isTrue();

        ByteArrayOutputStream second = new ByteArrayOutputStream();
        AudioBodies.write(second, "conv_rejected_second", 3 * 1024 * 1024, 23);
        HttpResponse<String> response = Webhook.postSigned(port, second.toByteArray());

        // the executor refused the second call: the delivery fails (the sender retries it)
        assertThat(response.statusCode()).isEqualTo(500);
        busy.go().countDown();
        assertThat(busy.reads().poll(60, TimeUnit.SECONDS)).as("the first listener's read").isEqualTo(sha);

        // the first listener's hold ends when it has run; the refused call's, once nothing can run it
        assertThat(AudioBodies.spilledBodiesAfterCollections(servletContext))
                .as("the temp files of both deliveries").isEmpty();
    }
}
