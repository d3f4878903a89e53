package dev.postcall.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postcall.PostCallEvent;
import dev.postcall.signature.WebhookSigner;

/**
 * Nothing lost, nothing twice: the inbox keeps what handlers fail on, replay hands it back once, the ledger
 * recognises a re-signed duplicate. Real HTTP on embedded Jetty; the CLI and the crash test run in JVMs of their own.
 */
class DeliveryGuaranteesTest {

    @TempDir Path dir;

    static byte[] transcription(String conversationId) {
        return ("{\"type\":\"post_call_transcription\",\"event_timestamp\":1761400000,\"data\":{\"agent_id\":\"a1\","
                + "\"conversation_id\":\"" + conversationId + "\",\"status\":\"done\",\"transcript\":[]}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static long count(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    static List<String> conversations(List<PostCallEvent> events) {
        return events.stream().map(PostCallEvent::conversationId).sorted().collect(Collectors.toList());
    }

    @Test
    void whatTheHandlerFailsOnIsKeptAnsweredWith200AndReplayedExactlyOnce() throws Exception {
        Path inbox = dir.resolve("inbox");
        try (TestServer server = TestServer.builder().servletParam("inbox-dir", inbox.toString()).start()) {
            server.handler.failing(true);
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String conversation = String.format("conv_%02d", i);
                sent.add(conversation);
                HttpResponse<String> response = server.postSigned(transcription(conversation));
                assertThat(response.statusCode()).as("answer for %s", conversation).isEqualTo(200);
            }
            assertThat(count(inbox.resolve("failed"))).isEqualTo(50);
            assertThat(count(inbox.resolve("incoming"))).isZero();
            int failedAttempts = server.handler.events().size();
            assertThat(failedAttempts).isEqualTo(50);

            server.handler.failing(false);
            Cli replay = Cli.run("replay", "--inbox", inbox.toString(), "--url", server.uri().toString());

            assertThat(replay.exitCode).as(replay.output).isZero();
            assertThat(replay.output).contains("replayed 50 of 50; 0 still failed");
            List<PostCallEvent> replayed = server.handler.events().subList(failedAttempts, server.handler.events().size());
            assertThat(conversations(replayed)).containsExactlyElementsOf(sent);
            assertThat(count(inbox.resolve("failed"))).isZero();
            assertThat(count(inbox.resolve("incoming"))).isZero();
        }
    }

    @Test
    void theRejectPolicyAnswers500AndStillKeepsTheDelivery() throws Exception {
        Path inbox = dir.resolve("inbox");
        try (TestServer server = TestServer.builder().servletParam("inbox-dir", inbox.toString())
                .servletParam("on-handler-failure", "reject").start()) {
            server.handler.failing(true);

            HttpResponse<String> response = server.postSigned(transcription("conv_reject"));

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(TestServer.problem(response).getString("type")).endsWith("/handler-failed");
            // the answer says it is kept, so a replay by the CLI leaves its copy to this inbox
            assertThat(TestServer.problem(response).getBoolean("kept", false)).isTrue();
            assertThat(count(inbox.resolve("failed"))).isEqualTo(1);
        }
    }

    @Test
    void withoutAnInboxAHandlerFailureIs500() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.handler.failing(true);

            assertThat(server.postSigned(transcription("conv_lost")).statusCode()).isEqualTo(500);
        }
    }

    @Test
    void theSamePayloadReSignedIsDispatchedOnce() throws Exception {
        try (TestServer server = TestServer.start()) {
            byte[] body = transcription("conv_twice");
            HttpResponse<String> first = server.post(body, WebhookSigner.header(body, TestServer.SECRET,
                    Instant.now().minusSeconds(40)), Map.of());
            HttpResponse<String> retry = server.post(body, WebhookSigner.header(body, TestServer.SECRET,
                    Instant.now()), Map.of());

            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(retry.statusCode()).isEqualTo(200);
            assertThat(server.handler.events()).hasSize(1);
        }
    }

    @Test
    void aPayloadWhoseFirstAttemptFailedIsDispatchedOnTheRetry() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.handler.failing(true);
            assertThat(server.postSigned(transcription("conv_retry")).statusCode()).isEqualTo(500);

            server.handler.failing(false);
            assertThat(server.postSigned(transcription("conv_retry")).statusCode()).isEqualTo(200);
            assertThat(server.postSigned(transcription("conv_retry")).statusCode()).isEqualTo(200);
            assertThat(server.handler.events()).hasSize(2);
        }
    }

    @Test
    void withTheLedgerOffEveryDeliveryIsDispatched() throws Exception {
        try (TestServer server = TestServer.builder().servletParam("delivery-ledger", "off").start()) {
            server.postSigned(transcription("conv_off"));
            server.postSigned(transcription("conv_off"));

            assertThat(server.handler.events()).hasSize(2);
        }
    }

    @Test
    void anInboxThatCannotBeWrittenAnswers503AndDispatchesNothing() throws Exception {
        Path inbox = dir.resolve("inbox");
        try (TestServer server = TestServer.builder().servletParam("inbox-dir", inbox.toString()).start()) {
            // what a full disk or a read-only mount does, reproducible even when tests run as root
            Files.delete(inbox.resolve("tmp"));
            Files.writeString(inbox.resolve("tmp"), "not a directory");

            HttpResponse<String> response = server.postSigned(transcription("conv_disk_full"));

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).contains("30");
            assertThat(TestServer.problem(response).getString("type")).endsWith("/inbox-unavailable");
            assertThat(server.handler.events()).isEmpty();
            assertThat(count(inbox.resolve("incoming"))).isZero();

            // the sender's retry after the disk is fixed goes through: the failed write released the ledger key
            Files.delete(inbox.resolve("tmp"));
            Files.createDirectory(inbox.resolve("tmp"));
            assertThat(server.postSigned(transcription("conv_disk_full")).statusCode()).isEqualTo(200);
            assertThat(server.handler.events()).hasSize(1);
        }
    }

    @Test
    void aDeliveryInterruptedByKill9IsRecoveredIntoFailedAndReplayedByTheNextJvm() throws Exception {
        Path inbox = dir.resolve("inbox");
        Forked first = Forked.start(inbox, "hang");
        try {
            CompletableFuture<HttpResponse<String>> pending = first.postSigned(transcription("conv_killed"));
            assertThat(first.awaitLine("DISPATCHING conv_killed")).isTrue();
            assertThat(count(inbox.resolve("incoming"))).isEqualTo(1);

            first.process.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
            assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            pending.handle((r, e) -> null).get(30, TimeUnit.SECONDS);
        } finally {
            first.process.destroyForcibly();
        }
        assertThat(count(inbox.resolve("incoming"))).isEqualTo(1);

        Forked second = Forked.start(inbox, "handle");
        try {
            assertThat(count(inbox.resolve("incoming"))).isZero();
            assertThat(count(inbox.resolve("failed"))).isEqualTo(1);

            Cli replay = Cli.run("replay", "--inbox", inbox.toString(), "--url", second.uri.toString());

            assertThat(replay.exitCode).as(replay.output).isZero();
            assertThat(second.awaitLine("HANDLED conv_killed")).isTrue();
            assertThat(count(inbox.resolve("failed"))).isZero();
        } finally {
            second.process.getOutputStream().close();
            second.process.waitFor(30, TimeUnit.SECONDS);
            second.process.destroyForcibly();
        }
    }

    static final byte[] DATA_THAT_DOES_NOT_FIT = ("{\"type\":\"post_call_transcription\",\"event_timestamp\":1761400000,"
            + "\"data\":{\"conversation_id\":\"conv_misfit\",\"transcript\":\"a string where turns belong\"}}")
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void dataThatDoesNotFitTheModelIs400WithoutAnInbox() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.handler.onEvent(event -> ((dev.postcall.TranscriptionEvent) event).report());

            HttpResponse<String> response = server.postSigned(DATA_THAT_DOES_NOT_FIT);

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(TestServer.problem(response).getString("type")).endsWith("/malformed-event");
            assertThat(TestServer.problem(response).containsKey("kept")).as("nothing keeps it").isFalse();
            assertThat(response.body()).doesNotContain("a string where turns belong");
        }
    }

    @Test
    void dataThatDoesNotFitTheModelIsKeptInTheInboxForAReplayAfterAnUpgrade() throws Exception {
        Path inbox = dir.resolve("inbox");
        try (TestServer server = TestServer.builder().servletParam("inbox-dir", inbox.toString()).start()) {
            server.handler.onEvent(event -> ((dev.postcall.TranscriptionEvent) event).report());

            assertThat(server.postSigned(DATA_THAT_DOES_NOT_FIT).statusCode()).isEqualTo(200);
            assertThat(count(inbox.resolve("failed"))).isEqualTo(1);
        }
    }

    /** A JVM of its own running {@link ForkedInboxServer}. */
    static final class Forked {
        final Process process;
        final URI uri;
        private final BufferedReader out;

        private Forked(Process process, URI uri, BufferedReader out) {
            this.process = process;
            this.uri = uri;
            this.out = out;
        }

        static Forked start(Path inbox, String mode) throws IOException {
            return start(ProcessBuilder.Redirect.INHERIT, ForkedInboxServer.class, inbox.toString(), mode);
        }

        /** Runs {@code main} with {@code args} in a JVM of its own, its stderr to {@code errors}. */
        static Forked start(ProcessBuilder.Redirect errors, Class<?> main, String... args) throws IOException {
            return start(errors, List.of(), main, args);
        }

        /** As {@link #start(ProcessBuilder.Redirect, Class, String...)}, with options for the JVM ({@code -Xmx…}). */
        static Forked start(ProcessBuilder.Redirect errors, List<String> jvm, Class<?> main, String... args)
                throws IOException {
            List<String> command = new ArrayList<>(List.of(javaBin()));
            command.addAll(jvm);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).redirectError(errors).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("PORT ")) {
                    return new Forked(process, URI.create("http://127.0.0.1:" + line.substring(5) + TestServer.PATH), out);
                }
            }
            throw new IOException("the forked server ended before it printed its port");
        }

        /** The rest of the next line that starts with {@code prefix}, or {@code null} when the output ends first. */
        String awaitPrefix(String prefix) throws IOException {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith(prefix)) {
                    return line.substring(prefix.length());
                }
            }
            return null;
        }

        /** POSTs {@code body}, signed now, without waiting for the answer. */
        CompletableFuture<HttpResponse<String>> postSigned(byte[] body) {
            return TestServer.CLIENT.sendAsync(HttpRequest.newBuilder(uri)
                            .header(PostCallWebhookFilter.SIGNATURE_HEADER,
                                    WebhookSigner.header(body, TestServer.SECRET, Instant.now()))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        /** The next line it prints, or {@code null} when its output ends. */
        String nextLine() throws IOException {
            return out.readLine();
        }

        boolean awaitLine(String expected) throws IOException {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.equals(expected)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The postcall CLI in a JVM of its own, as a user runs it: the webhook secret in its environment. */
    static final class Cli {
        final int exitCode;
        final String output;

        private Cli(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }

        static Cli run(String... args) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of(javaBin(), "-cp", System.getProperty("java.class.path"),
                    "dev.postcall.internal.cli.Main"));
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("ELEVENLABS_WEBHOOK_SECRET", TestServer.SECRET);
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            return new Cli(process.exitValue(), output);
        }
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
