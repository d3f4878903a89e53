package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.task.ThreadPoolTaskExecutorBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.core.task.TaskDecorator;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.stereotype.Component;

import dev.postcall.AudioEvent;

/**
 * An application with a {@code TaskDecorator} of its own: both it and the starter's run for an {@code @Async}
 * listener on Spring Boot's executor. Spring Boot 4 composes the beans; Spring Boot 3.5 applies a decorator bean only
 * when it is the only one, so there the starter adds its decorator after the application's (this test runs on both,
 * in spring-boot3-test too). The body is held, not copied.
 */
@SpringBootTest(classes = OwnTaskDecoratorTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "postcall.secret=" + Webhook.SECRET)
class OwnTaskDecoratorTest {

    static final ThreadLocal<String> MARK = new ThreadLocal<>();
    static final AtomicInteger DECORATED = new AtomicInteger();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableAsync
    @Import({Recorder.class, Marked.class})
    static class App {
        /** The application's decorator: marks the thread a task runs on. */
        @Bean
        TaskDecorator marking() {
            return task -> {
                DECORATED.incrementAndGet();
                return () -> {
                    MARK.set("marked");
                    try {
                        task.run();
                    } finally {
                        MARK.remove();
                    }
                };
            };
        }
    }

    /** An {@code @Async} listener of audio that reports the mark and reads the body. */
    @Component
    static class Marked {
        record Read(String mark, String audioSha256, Throwable failure) {
        }

        private final BlockingQueue<Read> reads = new LinkedBlockingQueue<>();

        BlockingQueue<Read> reads() {
            return reads;
        }

        @Async
        @EventListener
        void later(AudioEvent event) {
            Read read;
            try {
                event.answered().toCompletableFuture().get(60, TimeUnit.SECONDS);
                try (InputStream in = event.openStream()) {
                    read = new Read(MARK.get(), AudioBodies.sha256(in), null);
                }
            } catch (Exception | Error e) {
                read = new Read(MARK.get(), null, e);
            }
            reads.add(read);
        }
    }

    @Value("${local.server.port}")
    int port;

    @Autowired
    Marked marked;

    @Autowired
    BodyLeases leases;

    @Test
    void theApplicationsDecoratorAndTheStartersBothRun() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String sha = AudioBodies.write(body, "conv_own_decorator", 3 * 1024 * 1024, 17);
        long leasesBefore = leases.leases();
        int decoratedBefore = DECORATED.get();

        HttpResponse<String> response = Webhook.postSigned(port, body.toByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        Marked.Read read = marked.reads().poll(60, TimeUnit.SECONDS);
        assertThat(read).isNotNull();
        assertThat(read.failure()).isNull();
        assertThat(read.audioSha256()).isEqualTo(sha);
        assertThat(read.mark()).as("the application's decorator ran").isEqualTo("marked");
        assertThat(DECORATED.get()).isGreaterThan(decoratedBefore);
        assertThat(leases.leases() - leasesBefore).as("the starter's held the body").isEqualTo(1);
    }

    @Autowired
    ThreadPoolTaskExecutorBuilder builder;

    /** The executor builder the warning recommends: a decorator the application gives it is the one it runs. */
    @Test
    void anExecutorBuiltWithADecoratorOfItsOwnKeepsIt() throws Exception {
        ThreadPoolTaskExecutor executor = builder.taskDecorator(task -> () -> {
            MARK.set("own");
            try {
                task.run();
            } finally {
                MARK.remove();
            }
        }).build();
        executor.initialize();
        try {
            assertThat(executor.submitCompletable(MARK::get).get(60, TimeUnit.SECONDS))
                    .as("the decorator given to the builder ran").isEqualTo("own");
        } finally {
            executor.shutdown();
        }
    }
}
