package dev.postcall.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postcall.PostCallEvent;
import dev.postcall.monitoring.WebhookHealth;
import dev.postcall.monitoring.WebhookMonitor;
import dev.postcall.signature.WebhookSigner;
import dev.postcall.testsupport.ElevenLabsApiStandIn;
import dev.postcall.testsupport.ElevenLabsApiStandIn.Endpoint;
import dev.postcall.testsupport.LogCapture;

/**
 * Backfill from ElevenLabs' Conversations API as the servlet runs it, over real HTTP: an embedded Jetty with the
 * filter and the servlet, an {@code inbox-dir}, {@code backfill-api-key} and {@code backfill-base-url} pointing at
 * test-support's stand-in of the API. Webhooks are signed and posted like the sender's; the scheduled run (the first
 * two seconds after the start) and on-demand windows fetch the rest. Every conversation is handled once, whichever way
 * it came first, and {@code backfilled()} says which.
 */
class BackfillEndToEndTest {

    static final String KEY = "sk_backfill_test_5f0c1a2b3c4d5e6f";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ElevenLabsApiStandIn api = ElevenLabsApiStandIn.start(KEY);
    private final long now = Instant.now().getEpochSecond();
    private final List<TestServer> servers = new ArrayList<>();

    @TempDir
    Path inbox;

    @AfterEach
    void stop() {
        servers.forEach(TestServer::close);
        api.close();
    }

    private TestServer.Builder backfilling() {
        return TestServer.builder()
                .servletParam(DeliverySettings.INBOX_DIR, inbox.toString())
                .servletParam("backfill-api-key", KEY)
                .servletParam("backfill-base-url", api.baseUrl().toString())
                .servletParam("backfill-interval", "1h");
    }

    private TestServer start(TestServer.Builder builder) throws Exception {
        TestServer server = builder.start();
        servers.add(server);
        return server;
    }

    /** A transcription webhook of {@code conversationId} as ElevenLabs sends it, with its own event time. */
    static byte[] webhook(String conversationId, long eventTimestamp) {
        return ("{\"type\":\"post_call_transcription\",\"event_timestamp\":" + eventTimestamp + ",\"data\":{"
                + "\"agent_id\":\"agent_1\",\"conversation_id\":\"" + conversationId + "\",\"status\":\"done\","
                + "\"transcript\":[]}}").getBytes(StandardCharsets.UTF_8);
    }

    static HttpResponse<String> post(TestServer server, byte[] body) throws Exception {
        return server.post(body, WebhookSigner.header(body, TestServer.SECRET, Instant.now()), Map.of());
    }

    /** How many times each conversation reached the handlers, and whether each time was backfilled. */
    static Map<String, List<Boolean>> handled(RecordingHandler handler) {
        return handler.events().stream().filter(e -> e.conversationId() != null)
                .collect(Collectors.groupingBy(PostCallEvent::conversationId,
                        Collectors.mapping(PostCallEvent::backfilled, Collectors.toList())));
    }

    /** Waits for the scheduled first run (two seconds after the start) to have ended. */
    static WebhookMonitor.BackfillRun firstRun(TestServer server) throws Exception {
        return await(() -> server.webhook().backfillStatus().map(WebhookMonitor.BackfillStatus::lastRun)
                .orElse(null));
    }

    static <T> T await(Callable<T> probe) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            T value = probe.call();
            if (value != null) {
                return value;
            }
            assertThat(System.nanoTime()).as("waited %s", WAIT).isLessThan(deadline);
            Thread.sleep(20); // the scheduler's thread, not a clock: nothing to inject
        }
    }

    @Test
    void everyFinishedConversationOfTheWindowIsHandledOnceWhetherItCameByWebhookOrNot() throws Exception {
        api.conversation("conv_webhook", "agent_1", now - 3000, 60);
        api.conversation("conv_missed", "agent_1", now - 2000, 45).body("conversation-phone-inbound.json");
        api.conversation("conv_failed", "agent_1", now - 1500, 12).status("failed");
        api.conversation("conv_processing", "agent_1", now - 100, 30).status("processing");
        try (LogCapture log = LogCapture.install()) {
            TestServer server = start(backfilling().servletParam("backfill-interval", "1h"));
            assertThat(post(server, webhook("conv_webhook", now - 2900)).statusCode()).isEqualTo(200);

            WebhookMonitor.BackfillRun scheduled = firstRun(server);
            WebhookMonitor.BackfillRun onDemand = server.webhook().backfill(Instant.ofEpochSecond(now - 86_400),
                    Instant.ofEpochSecond(now + 60));

            assertThat(scheduled.completed()).as(scheduled.summary()).isTrue();
            assertThat(onDemand.found()).isEqualTo(4);
            assertThat(onDemand.dispatched()).as("all settled by the scheduled run").isZero();
            assertThat(onDemand.alreadyReceived()).isEqualTo(3);
            assertThat(onDemand.skipped()).containsExactly(Map.entry("UNFINISHED", 1));
            assertThat(handled(server.handler)).containsOnly(Map.entry("conv_webhook", List.of(false)),
                    Map.entry("conv_missed", List.of(true)), Map.entry("conv_failed", List.of(true)));
            assertThat(api.requests(Endpoint.CONVERSATION)).extracting(ElevenLabsApiStandIn.Recorded::path)
                    .as("nothing fetched that a webhook brought").containsExactlyInAnyOrder(
                            "/v1/convai/conversations/conv_missed", "/v1/convai/conversations/conv_failed");
            assertThat(log.recordsContaining("backfilled delivery post_call_transcription conversation=conv_missed"))
                    .singleElement().asString().contains("handled, backfilled");

            api.conversation("conv_processing").status("done");
            WebhookMonitor.BackfillRun later = server.webhook().backfill(Instant.ofEpochSecond(now - 86_400),
                    Instant.ofEpochSecond(now + 60));
            assertThat(later.dispatched()).isEqualTo(1);
            assertThat(handled(server.handler)).containsEntry("conv_processing", List.of(true)).hasSize(4);
            assertThat(server.webhook().statistics().deliveries().get("post_call_transcription"))
                    .containsEntry("handled", 4L);
            assertThat(log.text()).doesNotContain(KEY);
        }
    }

    @Test
    void aWebhookThatArrivesAfterItsConversationWasBackfilledIsAnsweredAndNotHandledAgain() throws Exception {
        api.conversation("conv_late", "agent_1", now - 600, 30);
        TestServer server = start(backfilling());
        firstRun(server);
        assertThat(handled(server.handler)).containsOnly(Map.entry("conv_late", List.of(true)));

        HttpResponse<String> late = post(server, webhook("conv_late", now - 500));

        assertThat(late.statusCode()).isEqualTo(200);
        assertThat(handled(server.handler)).containsOnly(Map.entry("conv_late", List.of(true)));
        assertThat(server.webhook().statistics().duplicates()).isEqualTo(1);
    }

    @Test
    void aWebhookThatArrivesWhileBackfillFetchesItsConversationIsHandledOnce() throws Exception {
        api.conversation("conv_race", "agent_1", now - 600, 30);
        ElevenLabsApiStandIn.Hold fetch = api.hold(Endpoint.CONVERSATION);
        TestServer server = start(backfilling());
        // backfill found it unknown and is fetching it (held)
        await(() -> api.requests(Endpoint.CONVERSATION).isEmpty() ? null : true);

        assertThat(post(server, webhook("conv_race", now - 500)).statusCode()).isEqualTo(200);
        fetch.release();
        WebhookMonitor.BackfillRun run = firstRun(server);

        assertThat(handled(server.handler)).containsOnly(Map.entry("conv_race", List.of(false)));
        assertThat(run.dispatched()).isZero();
        assertThat(run.skipped()).containsExactly(Map.entry("DUPLICATE", 1));
    }

    @Test
    void aBackfilledDeliveryTheHandlersFailOnIsKeptAndItsReplayIsStillBackfilled() throws Exception {
        api.conversation("conv_kept", "agent_1", now - 600, 30);
        // an inbox that held deliveries before backfill was on: its scheduled runs start from now, so only the
        // on-demand window below fetches the conversation
        TestServer.builder().servletParam(DeliverySettings.INBOX_DIR, inbox.toString()).start().close();
        TestServer server = start(backfilling());
        server.handler.failing(true);
        WebhookMonitor.BackfillRun onDemand = server.webhook().backfill(Instant.ofEpochSecond(now - 3600),
                Instant.ofEpochSecond(now));
        assertThat(onDemand.dispatched()).as("kept for a replay counts as dispatched").isEqualTo(1);
        assertThat(server.webhook().health().inboxFailed()).isEqualTo(1);

        server.handler.failing(false);
        assertThat(server.webhook().replayFailed().replayed()).isEqualTo(1);
        assertThat(handled(server.handler)).containsEntry("conv_kept", List.of(true, true));
        assertThat(post(server, webhook("conv_kept", now - 500)).statusCode()).isEqualTo(200);
        assertThat(handled(server.handler).get("conv_kept")).as("the webhook after the replay").hasSize(2);
    }

    @Test
    void aConversationHandledBeforeARestartIsNotFetchedAfterIt() throws Exception {
        api.conversation("conv_before", "agent_1", now - 600, 30);
        TestServer first = start(backfilling());
        assertThat(post(first, webhook("conv_before", now - 500)).statusCode()).isEqualTo(200);
        firstRun(first);
        first.close();

        TestServer second = start(backfilling());
        WebhookMonitor.BackfillRun run = firstRun(second);

        assertThat(run.alreadyReceived()).isEqualTo(1);
        assertThat(second.handler.events()).isEmpty();
        assertThat(api.requests(Endpoint.CONVERSATION)).isEmpty();
        assertThat(Files.list(inbox.resolve("backfill").resolve("done")).count()).isEqualTo(1);
    }

    @Test
    void aWebhookOfAConversationBackfilledBeforeARestartIsADuplicateAfterIt() throws Exception {
        api.conversation("conv_backfilled", "agent_1", now - 600, 30);
        TestServer first = start(backfilling());
        firstRun(first);
        assertThat(handled(first.handler)).containsOnly(Map.entry("conv_backfilled", List.of(true)));
        first.close();

        TestServer second = start(backfilling());
        HttpResponse<String> late = post(second, webhook("conv_backfilled", now - 500));

        assertThat(late.statusCode()).isEqualTo(200);
        assertThat(second.handler.events()).isEmpty();
        assertThat(second.webhook().statistics().duplicates()).isEqualTo(1);
    }

    @Test
    void aRecordingIsFetchedWithItsTranscriptionAndNeverForAConversationWhoseTranscriptionCameByWebhook()
            throws Exception {
        api.conversation("conv_audio_webhook", "agent_1", now - 900, 30).audio(new byte[] {1, 2, 3, 4});
        api.conversation("conv_audio_missed", "agent_1", now - 600, 30).audio(new byte[] {5, 6, 7, 8, 9});
        ElevenLabsApiStandIn.Hold listing = api.hold(Endpoint.LIST);
        TestServer server = start(backfilling().servletParam("backfill-audio", "true"));
        assertThat(post(server, webhook("conv_audio_webhook", now - 800)).statusCode()).isEqualTo(200);
        listing.release();

        WebhookMonitor.BackfillRun run = firstRun(server);

        assertThat(run.recordingsDispatched()).isEqualTo(1);
        assertThat(api.requests(Endpoint.AUDIO)).extracting(ElevenLabsApiStandIn.Recorded::path)
                .containsExactly("/v1/convai/conversations/conv_audio_missed/audio");
        assertThat(server.handler.events()).extracting(PostCallEvent::type, PostCallEvent::conversationId,
                PostCallEvent::backfilled).containsExactly(
                org.assertj.core.groups.Tuple.tuple("post_call_transcription", "conv_audio_webhook", false),
                org.assertj.core.groups.Tuple.tuple("post_call_audio", "conv_audio_missed", true),
                org.assertj.core.groups.Tuple.tuple("post_call_transcription", "conv_audio_missed", true));
    }

    @Test
    void withoutADurableStoreStartUpIsRefusedWithOneMessageThatSaysWhatToAdd() {
        Throwable failure = catchThrowable(() -> start(TestServer.builder()
                .servletParam("backfill-api-key", KEY).servletParam("backfill-base-url", api.baseUrl().toString())));

        String messages = StartupFailureTest.messages(failure);
        assertThat(messages).contains("backfill-api-key is set, but the store (memory")
                .contains("set inbox-dir").contains("inbox=jndi:").doesNotContain(KEY);
    }

    @Test
    void aKeyTheApiRefusesIsAWarningInHealthNeverDownAndNeverShown() throws Exception {
        try (LogCapture log = LogCapture.install()) {
            TestServer server = start(backfilling().servletParam("backfill-api-key", "sk_revoked_0011223344"));
            WebhookMonitor.BackfillRun run = firstRun(server);

            WebhookHealth health = server.webhook().health();
            assertThat(run.completed()).isFalse();
            assertThat(health.isUp()).isTrue();
            assertThat(health.warnings()).anySatisfy(w -> assertThat(w)
                    .startsWith("backfill stopped: ElevenLabs refused the API key"));
            assertThat(log.records("WARNING", "ElevenLabs refused the API key")).hasSize(1);
            assertThat(log.text() + health + server.webhook().backfillStatus()).doesNotContain("sk_revoked");
            MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(server.webhook().objectName());
            StringBuilder shown = new StringBuilder();
            for (MBeanAttributeInfo attribute : mbeans.getMBeanInfo(name).getAttributes()) {
                Object value = mbeans.getAttribute(name, attribute.getName());
                shown.append(attribute.getName()).append('=').append(value instanceof Object[] array
                        ? Arrays.deepToString(array) : String.valueOf(value)).append('\n');
            }
            assertThat(shown).as("every attribute of the MBean").contains("Backfill=")
                    .doesNotContain("sk_revoked");
        }
    }

    @Test
    void aWebhookElevenLabsDisabledShowsInHealthTheStatusAndTheMBean() throws Exception {
        api.webhook("wh_1", "postcall production").autoDisabled(true).failed(502, now - 120);
        TestServer server = start(backfilling());
        firstRun(server);

        WebhookHealth health = server.webhook().health();
        assertThat(health.isUp()).as("the sender's state is not this application's failure").isTrue();
        assertThat(health.warnings()).anySatisfy(w -> assertThat(w)
                .contains("ElevenLabs disabled the webhook 'postcall production' (wh_1)").contains("HTTP 502"));
        WebhookMonitor.ElevenLabsWebhook seen = server.webhook().backfillStatus().orElseThrow().webhooks().get(0);
        assertThat(seen.autoDisabled()).isTrue();
        assertThat(seen.lastFailureStatus()).isEqualTo(502);
        assertThat(seen.lastFailureAt()).isEqualTo(Instant.ofEpochSecond(now - 120));
        MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName(server.webhook().objectName());
        assertThat(mbeans.getAttribute(name, "ElevenLabsWebhooksOff")).isEqualTo(1);
        assertThat((String) mbeans.getAttribute(name, "ElevenLabsLastFailure"))
                .startsWith("HTTP 502 at " + Instant.ofEpochSecond(now - 120));
    }

    @Test
    void theMBeanBackfillsAWindowOnDemandAndAnswersWhatItFoundDispatchedAndSkipped() throws Exception {
        TestServer server = start(backfilling());
        firstRun(server);
        api.conversation("conv_outage_1", "agent_1", now - 7200, 30);
        api.conversation("conv_outage_2", "agent_1", now - 7000, 30).status("in-progress");
        MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName(server.webhook().objectName());

        String answer = (String) mbeans.invoke(name, "backfill",
                new Object[] {Instant.ofEpochSecond(now - 7300).toString(), Instant.ofEpochSecond(now).toString()},
                new String[] {String.class.getName(), String.class.getName()});

        assertThat(answer).contains("found 2, dispatched 1").contains("skipped 1 {UNFINISHED=1}");
        assertThat((Long) mbeans.getAttribute(name, "BackfillDispatched")).isEqualTo(1L);
        assertThat((String) mbeans.getAttribute(name, "Backfill")).isEqualTo(answer);
        assertThat(handled(server.handler)).containsOnly(Map.entry("conv_outage_1", List.of(true)));
    }
}
