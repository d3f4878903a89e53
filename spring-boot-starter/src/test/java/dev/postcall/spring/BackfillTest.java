package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.postcall.PostCallEvent;
import dev.postcall.monitoring.WebhookMonitor;
import dev.postcall.testsupport.ElevenLabsApiStandIn;
import dev.postcall.testsupport.ElevenLabsApiStandIn.Endpoint;

/**
 * The "done when": a Spring Boot application with only the starter, a {@code postcall.inbox-dir} and the
 * {@code postcall.backfill.*} properties (pointing at test-support's stand-in of ElevenLabs' API) receives every
 * finished conversation of the window exactly once, whether its webhook arrived or not, and
 * {@code TranscriptionEvent.backfilled()} says which.
 */
@SpringBootTest(classes = ListenerApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"postcall.secret=" + Webhook.SECRET, "postcall.backfill.interval=1h",
                "postcall.backfill.lookback=1d"})
class BackfillTest {

    static final String KEY = "sk_spring_backfill_0a1b2c3d4e5f";
    static final ElevenLabsApiStandIn API = ElevenLabsApiStandIn.start(KEY);
    static final long NOW = Instant.now().getEpochSecond();
    /** Holds the scheduled run's first list until the webhook below has arrived: the order the test describes. */
    static final ElevenLabsApiStandIn.Hold LISTING = API.hold(Endpoint.LIST);
    static final Path INBOX;

    static {
        API.conversation("conv_webhook", "agent_1", NOW - 3000, 60);
        API.conversation("conv_missed", "agent_1", NOW - 2000, 45).body("conversation-phone-inbound.json");
        API.conversation("conv_failed", "agent_1", NOW - 1500, 12).status("failed");
        API.conversation("conv_processing", "agent_1", NOW - 100, 30).status("processing");
        try {
            INBOX = Files.createTempDirectory("postcall-backfill-inbox-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void backfill(DynamicPropertyRegistry registry) {
        registry.add("postcall.inbox-dir", INBOX::toString);
        registry.add("postcall.backfill.api-key", () -> KEY);
        registry.add("postcall.backfill.base-url", () -> API.baseUrl().toString());
    }

    @AfterAll
    static void stopTheApi() {
        LISTING.release();
        API.close();
    }

    @Value("${local.server.port}")
    int port;

    @Autowired
    Recorder recorder;

    @Autowired
    PostCallRegistration registration;

    /** Each conversation the transcription listener saw, with whether each time was backfilled. */
    private Map<String, List<Boolean>> transcriptions() {
        return recorder.seen.stream().filter(s -> s.listener().equals("transcription"))
                .collect(Collectors.groupingBy(s -> s.event().conversationId(),
                        Collectors.mapping(s -> s.event().backfilled(), Collectors.toList())));
    }

    private WebhookMonitor.BackfillRun lastRun() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            WebhookMonitor.BackfillRun run = registration.monitor().backfillStatus()
                    .map(WebhookMonitor.BackfillStatus::lastRun).orElse(null);
            if (run != null) {
                return run;
            }
            assertThat(System.nanoTime()).as("the scheduled run ended within 30 s").isLessThan(deadline);
            Thread.sleep(20); // the scheduler's own thread: no clock to move
        }
    }

    @Test
    void everyFinishedConversationOfTheWindowIsReceivedOnceWebhookOrNotAndBackfilledSaysWhich() throws Exception {
        byte[] webhook = ("{\"type\":\"post_call_transcription\",\"event_timestamp\":" + (NOW - 2900) + ",\"data\":{"
                + "\"agent_id\":\"agent_1\",\"conversation_id\":\"conv_webhook\",\"status\":\"done\","
                + "\"transcript\":[]}}").getBytes(StandardCharsets.UTF_8);
        assertThat(Webhook.postSigned(port, webhook).statusCode()).isEqualTo(200);
        API.awaitInFlight(1, Duration.ofSeconds(30)); // the scheduled run is listing
        LISTING.release();

        WebhookMonitor.BackfillRun scheduled = lastRun();

        assertThat(scheduled.completed()).as(scheduled.summary()).isTrue();
        assertThat(scheduled.found()).isEqualTo(4);
        assertThat(scheduled.dispatched()).isEqualTo(2);
        assertThat(scheduled.alreadyReceived()).isEqualTo(1);
        assertThat(scheduled.skipped()).containsExactly(Map.entry("UNFINISHED", 1));
        assertThat(transcriptions()).containsOnly(Map.entry("conv_webhook", List.of(false)),
                Map.entry("conv_missed", List.of(true)), Map.entry("conv_failed", List.of(true)));
        PostCallEvent missed = recorder.seen.stream().filter(s -> s.listener().equals("transcription")
                && s.event().conversationId().equals("conv_missed")).findFirst().orElseThrow().event();
        assertThat(missed.eventTimestamp()).as("the call's end").isEqualTo(NOW - 2000 + 45);

        // the call that was still being processed finishes; an operator backfills the window after an outage
        API.conversation("conv_processing").status("done");
        WebhookMonitor.BackfillRun onDemand = registration.monitor().backfill(Instant.ofEpochSecond(NOW - 86_400),
                Instant.ofEpochSecond(NOW + 60));
        assertThat(onDemand.dispatched()).isEqualTo(1);
        assertThat(onDemand.alreadyReceived()).isEqualTo(3);

        // the missed call's webhook arrives after all (the sender retried): answered, not published again
        byte[] late = ("{\"type\":\"post_call_transcription\",\"event_timestamp\":" + (NOW - 1900) + ",\"data\":{"
                + "\"agent_id\":\"agent_1\",\"conversation_id\":\"conv_missed\",\"status\":\"done\","
                + "\"transcript\":[]}}").getBytes(StandardCharsets.UTF_8);
        assertThat(Webhook.postSigned(port, late).statusCode()).isEqualTo(200);
        assertThat(transcriptions()).containsOnly(Map.entry("conv_webhook", List.of(false)),
                Map.entry("conv_missed", List.of(true)), Map.entry("conv_failed", List.of(true)),
                Map.entry("conv_processing", List.of(true)));
    }
}
