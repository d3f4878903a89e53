package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A synchronous listener that throws fails the delivery as a CDI observer does: 500 {@code handler-failed} without
 * an inbox; with {@code postcall.inbox-dir}, 200 and the delivery kept in {@code failed/} for replay.
 */
class ListenerFailureTest {

    @Nested
    @SpringBootTest(classes = ListenerApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = "postcall.secret=" + Webhook.SECRET)
    class WithoutAnInbox {
        @Value("${local.server.port}")
        int port;

        @Autowired
        Recorder recorder;

        @BeforeEach
        void reset() {
            recorder.reset();
        }

        @Test
        void aThrowingListenerIsAnswered500HandlerFailed() throws Exception {
            recorder.failWith = new IllegalStateException("the CRM is down");
            HttpResponse<String> response = Webhook.postSigned(port,
                    Fixtures.withIds("transcription-minimal.json", "agent_f", "conv_failing_1"));
            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(Webhook.problem(response).getString("type"))
                    .isEqualTo("https://postcall.dev/problems/handler-failed");
            assertThat(response.body()).doesNotContain("CRM");
        }

        @Test
        void aCheckedExceptionFailsTheDeliveryToo() throws Exception {
            recorder.failWith = new IOException("disk full");
            HttpResponse<String> response = Webhook.postSigned(port,
                    Fixtures.withIds("transcription-minimal.json", "agent_f", "conv_failing_2"));
            assertThat(response.statusCode()).isEqualTo(500);
        }

        @Test
        void afterAFailureTheSendersRetryIsDispatchedAgain() throws Exception {
            byte[] body = Fixtures.withIds("transcription-minimal.json", "agent_f", "conv_failing_3");
            recorder.failWith = new IllegalStateException("once");
            assertThat(Webhook.postSigned(port, body).statusCode()).isEqualTo(500);
            recorder.failWith = null;
            assertThat(Webhook.postSigned(port, body).statusCode()).isEqualTo(200);
            assertThat(recorder.of("any")).as("published on the failed delivery and on its retry").hasSize(2);
        }
    }

    @Nested
    @SpringBootTest(classes = ListenerApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = "postcall.secret=" + Webhook.SECRET)
    class WithAnInbox {
        static final Path INBOX = inbox();

        @DynamicPropertySource
        static void inboxDir(DynamicPropertyRegistry registry) {
            registry.add("postcall.inbox-dir", INBOX::toString);
        }

        @Value("${local.server.port}")
        int port;

        @Autowired
        Recorder recorder;

        @Test
        void aThrowingListenerIsAnswered200AndTheDeliveryKeptInFailed() throws Exception {
            recorder.reset();
            recorder.failWith = new IllegalStateException("the CRM is down");
            byte[] body = Fixtures.withIds("transcription-minimal.json", "agent_f", "conv_kept");

            HttpResponse<String> response = Webhook.postSigned(port, body);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"received\":true}");
            List<Path> failed = entries(INBOX.resolve("failed"));
            assertThat(failed).hasSize(1);
            try (Stream<Path> files = Files.walk(failed.get(0))) {
                assertThat(files.filter(Files::isRegularFile).map(ListenerFailureTest::read))
                        .anySatisfy(text -> assertThat(text).contains("conv_kept"));
            }
            assertThat(entries(INBOX.resolve("incoming"))).isEmpty();
        }

        private static Path inbox() {
            try {
                return Files.createTempDirectory(Path.of("target"), "inbox-");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** An inbox entry is a directory holding the body and its metadata. */
        private static List<Path> entries(Path dir) throws IOException {
            if (!Files.isDirectory(dir)) {
                return List.of();
            }
            try (Stream<Path> entries = Files.list(dir)) {
                return entries.toList();
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
