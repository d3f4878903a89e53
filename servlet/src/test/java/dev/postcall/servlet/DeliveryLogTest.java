package dev.postcall.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postcall.internal.monitoring.Webhook;
import dev.postcall.monitoring.WebhookStatistics;
import dev.postcall.testsupport.LogCapture;

/**
 * One line per verified delivery over real HTTP: each outcome once at its level, the {@code delivery-log-level}
 * switch, and the ERROR after 5 failed answers in a row with its reset; never payload text or the secret.
 */
class DeliveryLogTest {
    static final String MARKER = "wombat-transcript-5R1K";

    @TempDir Path dir;
    private LogCapture logs;

    @BeforeEach
    void capture() {
        logs = LogCapture.install();
    }

    @AfterEach
    void release() {
        logs.uninstall();
        assertThat(logs.text()).doesNotContain(MARKER, TestServer.SECRET, TestServer.SECRET.substring(5));
    }

    static byte[] transcription(String conversationId) {
        return ("{\"type\":\"post_call_transcription\",\"event_timestamp\":1761400000,\"data\":{\"agent_id\":\"a1\","
                + "\"conversation_id\":\"" + conversationId + "\",\"status\":\"done\",\"transcript\":[{\"role\":"
                + "\"user\",\"message\":\"" + MARKER + "\"}],\"analysis\":{\"transcript_summary\":\"" + MARKER
                + "\"}}}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void logsEachOutcomeOnceAtItsLevel() throws Exception {
        Path inbox = dir.resolve("inbox");
        try (TestServer server = TestServer.builder().servletParam("inbox-dir", inbox.toString()).start()) {
            byte[] good = transcription("conv_handled");
            assertThat(server.postSigned(good).statusCode()).isEqualTo(200);
            assertThat(server.postSigned(good).statusCode()).isEqualTo(200); // the ledger knows it
            server.handler.failing(true);
            assertThat(server.postSigned(transcription("conv_kept")).statusCode()).isEqualTo(200);
            server.handler.failing(false);
            HttpResponse<String> unreadable = server.postSigned(("not json " + MARKER)
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(unreadable.statusCode()).isEqualTo(400);
            // kept in the inbox, and the answer says so: a replay by the CLI leaves its copy to this inbox
            assertThat(TestServer.problem(unreadable).getBoolean("kept", false)).isTrue();
            byte[] unknown = ("{\"type\":\"post_call_novel\",\"data\":{\"conversation_id\":\"conv_\u2028x\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            assertThat(server.postSigned(unknown).statusCode()).isEqualTo(200);
            // the inbox directory replaced by a file: nothing can be stored
            deleteTree(inbox);
            Files.writeString(inbox, "not a directory");
            assertThat(server.postSigned(transcription("conv_unstored")).statusCode()).isEqualTo(503);

            assertThat(logs.records("INFO", "delivery post_call_transcription conversation=conv_handled bytes="
                    + good.length + ": handled, 200 in ")).hasSize(1);
            assertThat(logs.records("INFO", "conversation=conv_handled bytes=" + good.length
                    + ": already handled, not dispatched again, 200 in ")).hasSize(1);
            assertThat(logs.records("WARNING", "conversation=conv_kept")).singleElement().asString()
                    .contains("not handled (java.lang.IllegalStateException), kept in directory " + inbox
                            + " for replay, 200 in");
            assertThat(logs.records("WARNING", "delivery (not an event) bytes=")).singleElement().asString()
                    .contains("not an event, kept in directory " + inbox + " for an upgrade to replay,"
                            + " 400 malformed-event in");
            assertThat(logs.records("INFO", "delivery post_call_novel conversation=conv_\\u2028x")).hasSize(1);
            assertThat(logs.records("SEVERE", "conversation=conv_unstored")).singleElement().asString()
                    .contains("not handled: the inbox cannot keep it: postcall inbox " + inbox + " cannot keep the"
                            + " delivery (java.nio.file.NotDirectoryException), 503 inbox-unavailable in");
            assertThat(logs.records("INFO", "(webhook postcall)"))
                    .allMatch(line -> line.matches("(?s).* in \\d+\\.\\d ms \\(webhook postcall\\)"));

            WebhookStatistics numbers = server.webhook().statistics();
            assertThat(numbers.deliveries().get("post_call_transcription")).containsEntry("handled", 1L)
                    .containsEntry("duplicate", 1L).containsEntry("kept", 1L)
                    .containsEntry("inbox-unavailable", 1L);
            assertThat(numbers.deliveries().get("none")).as("a body that is not an event, kept").containsEntry("kept", 1L);
            assertThat(numbers.deliveries().get("other")).containsEntry("handled", 1L);
            assertThat(numbers.handlerFailures()).isEqualTo(1);
            assertThat(numbers.duplicates()).isEqualTo(1);
            assertThat(numbers.handlingCount()).isEqualTo(6);
            assertThat(numbers.verified()).isEqualTo(6);
        }
    }

    @Test
    void aHandlerFailureWithoutAnInboxIsAnError() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.handler.failing(true);
            assertThat(server.postSigned(transcription("conv_lost")).statusCode()).isEqualTo(500);
            assertThat(logs.records("SEVERE", "conversation=conv_lost")).singleElement().asString()
                    .contains("not handled (java.lang.IllegalStateException) and not kept (no inbox), 500 handler-failed in");
            // the handler's own line: once, its class, the event and the exception, never the payload
            assertThat(logs.records("SEVERE", "failed on a post_call_transcription event of conversation conv_lost"))
                    .singleElement().asString()
                    .contains("dev.postcall.delivery: handler " + server.handler.getClass().getName())
                    .contains("java.lang.IllegalStateException")
                    .doesNotContain(MARKER);
            assertThat(server.webhook().statistics().deliveries("failed")).isEqualTo(1);
        }
    }

    @Test
    void aLoggingBackEndThatThrowsDoesNotCostTheSenderItsAnswer() throws Exception {
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger(Log.NAME);
        java.util.logging.Handler throwing = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getMessage().startsWith("delivery ")) { // the request path's line, not start-up's
                    throw new IllegalStateException("the log disk is full");
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(throwing);
        try (TestServer server = TestServer.start()) {
            assertThat(server.postSigned(transcription("conv_unlogged")).statusCode()).isEqualTo(200);
            assertThat(server.handler.events()).singleElement()
                    .satisfies(e -> assertThat(e.conversationId()).isEqualTo("conv_unlogged"));
            assertThat(server.webhook().statistics().deliveries().get("post_call_transcription"))
                    .as("counted before the line").containsEntry("handled", 1L);
            assertThat(server.postSigned(transcription("conv_unlogged")).statusCode()).as("and known after it")
                    .isEqualTo(200);
            assertThat(server.handler.events()).hasSize(1);
        } finally {
            jul.removeHandler(throwing);
        }
    }

    @Test
    void aLoggingBackEndThatThrowsAnErrorOnEveryLineCostsNoAnswerNoCountAndNoStreak() throws Exception {
        // postcall's loggers (dev.postcall.servlet, dev.postcall.delivery) all reach this parent's handlers
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger("dev.postcall");
        java.util.concurrent.atomic.AtomicInteger thrown = new java.util.concurrent.atomic.AtomicInteger();
        java.util.logging.Handler throwing = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                thrown.incrementAndGet();
                throw new StackOverflowError("a layout that recursed");
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        try (TestServer server = TestServer.start()) {
            jul.addHandler(throwing); // after the start-up line, which is not on a delivery's path
            server.handler.failing(true);
            for (int i = 1; i <= DeliveryLog.STREAK_ALARM; i++) {
                assertThat(server.postSigned(transcription("conv_loglost_" + i)).statusCode())
                        .as("the handler's failure answered as one, not as the logger's").isEqualTo(500);
            }
            assertThat(server.webhook().streak().length()).as("every failure in the streak, its alarm's line lost")
                    .isEqualTo(DeliveryLog.STREAK_ALARM);
            server.handler.failing(false);
            assertThat(server.postSigned(transcription("conv_loglost_ok")).statusCode()).isEqualTo(200);
            assertThat(server.webhook().streak().length()).as("the 200 ended the streak").isZero();
            assertThat(server.handler.events()).extracting(e -> e.conversationId()).contains("conv_loglost_ok");
            assertThat(server.webhook().statistics().deliveries().get("post_call_transcription"))
                    .containsEntry("failed", (long) DeliveryLog.STREAK_ALARM).containsEntry("handled", 1L);
            // each failure: the handler's line and the delivery's; the fifth: the alarm; the 200: its line and the
            // streak's end
            assertThat(thrown.get()).as("the back end was asked for every line").isEqualTo(
                    2 * DeliveryLog.STREAK_ALARM + 1 + 2);
        } finally {
            jul.removeHandler(throwing);
        }
    }

    @Test
    void anUnreadableBodysLineGivesTheParsersOwnMessageAndOfAnythingElseOnlyItsClass() {
        assertThat(PostCallWebhookServlet.unreadableBecause(
                new dev.postcall.MalformedEventException("the body is not a JSON object")))
                .isEqualTo("the body is not a JSON object");
        assertThat(PostCallWebhookServlet.unreadableBecause(
                new IllegalStateException("unexpected 'call me at +15550100' in " + MARKER)))
                .isEqualTo("java.lang.IllegalStateException");
    }

    @Test
    void aConcurrentDuplicateAnswered503IsOneWarning() throws Exception {
        try (TestServer server = TestServer.builder().servletParam(DeliverySettings.DUPLICATE_WAIT, "200ms")
                .start()) {
            CountDownLatch inHandler = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            server.handler.onEvent(event -> {
                inHandler.countDown();
                release.await(30, TimeUnit.SECONDS);
            });
            byte[] body = transcription("conv_twice_at_once");
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<Integer> first = pool.submit(() -> server.postSigned(body).statusCode());
                assertThat(inHandler.await(30, TimeUnit.SECONDS)).isTrue();

                HttpResponse<String> meanwhile = server.postSigned(body);

                assertThat(meanwhile.statusCode()).isEqualTo(503);
                assertThat(TestServer.problem(meanwhile).getString("type")).endsWith("/delivery-in-progress");
                release.countDown();
                assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(200);
            } finally {
                release.countDown();
                pool.shutdownNow();
            }
            assertThat(logs.records("WARNING", "conversation=conv_twice_at_once")).singleElement().asString()
                    .contains("not handled: the same event is being handled by another request,"
                            + " 503 delivery-in-progress in");
            assertThat(logs.records("INFO", "conversation=conv_twice_at_once")).singleElement().asString()
                    .contains(": handled, 200 in");
            assertThat(server.handler.events()).hasSize(1);
            assertThat(server.webhook().statistics().deliveries().get("post_call_transcription"))
                    .containsEntry("in-progress", 1L).containsEntry("handled", 1L);
        }
    }

    @Test
    void aBodyThatIsNotAnEventWithoutAnInboxIsAnError() throws Exception {
        try (TestServer server = TestServer.start()) {
            byte[] body = ("not json " + MARKER).getBytes(StandardCharsets.UTF_8);
            assertThat(server.postSigned(body).statusCode()).isEqualTo(400);

            assertThat(logs.records("SEVERE", "delivery (not an event) bytes=" + body.length)).singleElement()
                    .asString().contains(": rejected as malformed, 400 malformed-event in");
            assertThat(server.webhook().statistics().deliveries().get("none")).containsEntry("malformed", 1L);
        }
    }

    @Test
    void deliveryLogLevelDebugTurnsAcceptedDeliveriesDownAndLeavesFailuresLoud() throws Exception {
        try (TestServer server = TestServer.builder().servletParam("delivery-log-level", "debug").start()) {
            assertThat(server.postSigned(transcription("conv_quiet")).statusCode()).isEqualTo(200);
            server.handler.failing(true);
            assertThat(server.postSigned(transcription("conv_loud")).statusCode()).isEqualTo(500);

            assertThat(logs.records("INFO", "conversation=conv_quiet")).isEmpty();
            assertThat(logs.records("FINE", "conversation=conv_quiet")).singleElement().asString()
                    .contains(": handled, 200 in");
            assertThat(logs.records("SEVERE", "conversation=conv_loud")).hasSize(1);
        }
    }

    @Test
    void fiveFailedAnswersInARowRaiseOneErrorAndA200EndsTheStreak() throws Exception {
        try (TestServer server = TestServer.start()) {
            Webhook webhook = server.webhook();
            server.handler.failing(true);
            for (int i = 1; i <= 4; i++) {
                assertThat(server.postSigned(transcription("conv_fail_" + i)).statusCode()).isEqualTo(500);
            }
            assertThat(logs.records("SEVERE", "disables an endpoint after 10")).isEmpty();
            assertThat(webhook.streak().length()).isEqualTo(4);

            assertThat(server.postSigned(transcription("conv_fail_5")).statusCode()).isEqualTo(500);
            List<String> alarm = logs.records("SEVERE", "disables an endpoint after 10");
            assertThat(alarm).singleElement().asString()
                    .contains("webhook 'postcall': 5 verified deliveries in a row were not answered 200")
                    .contains("never retries for HIPAA workspaces")
                    .contains("500 handler-failed post_call_transcription conversation=conv_fail_1; 500 handler-failed"
                            + " post_call_transcription conversation=conv_fail_2")
                    .contains("conversation=conv_fail_5");
            assertThat(server.postSigned(transcription("conv_fail_6")).statusCode()).isEqualTo(500);
            assertThat(logs.records("SEVERE", "disables an endpoint after 10")).hasSize(1);
            assertThat(webhook.health().warnings()).anyMatch(w -> w.contains("6 verified deliveries in a row"));
            assertThat(webhook.health().isUp()).as("failing answers warn; they do not make it unready").isTrue();

            server.handler.failing(false);
            assertThat(server.postSigned(transcription("conv_fine")).statusCode()).isEqualTo(200);
            assertThat(webhook.streak().length()).isZero();
            assertThat(logs.records("INFO", "answered 200 again after 6 failed answers in a row")).hasSize(1);

            // a new streak starts from zero: four more failures raise nothing
            server.handler.failing(true);
            for (int i = 7; i <= 10; i++) {
                server.postSigned(transcription("conv_fail_" + i));
            }
            assertThat(logs.records("SEVERE", "disables an endpoint after 10")).hasSize(1);
            for (int i = 11; i <= 16; i++) {
                server.postSigned(transcription("conv_fail_" + i));
            }
            assertThat(logs.records("SEVERE", "disables an endpoint after 10")).hasSize(2);
            assertThat(logs.records("SEVERE", "ElevenLabs has probably disabled this endpoint")).singleElement()
                    .asString().contains("10 verified deliveries in a row")
                    .contains("conversation=conv_fail_16").doesNotContain("conv_fail_11;");
            assertThat(server.webhook().statistics().consecutiveFailures()).isEqualTo(10);
        }
    }

    @Test
    void rejectedRequestsAreNoDeliveriesAndDoNotCountTowardTheStreak() throws Exception {
        try (TestServer server = TestServer.start()) {
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> forged = server.post(transcription("conv_forged"), "t=1,v0=" + "0".repeat(64),
                        Map.of());
                assertThat(forged.statusCode()).isEqualTo(401);
            }
            assertThat(logs.records("INFO", "delivery ")).isEmpty();
            assertThat(server.webhook().streak().length()).isZero();
            assertThat(server.webhook().statistics().handlingCount()).isZero();
        }
    }

    static void deleteTree(Path root) throws Exception {
        try (var files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
