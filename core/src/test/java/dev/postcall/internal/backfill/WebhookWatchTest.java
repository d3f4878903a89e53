package dev.postcall.internal.backfill;

import dev.postcall.testsupport.ElevenLabsApiStandIn;
import dev.postcall.testsupport.ElevenLabsApiStandIn.Endpoint;
import dev.postcall.testsupport.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The webhook watch against the stand-in of ElevenLabs' API: the state it reports and the lines it logs. */
class WebhookWatchTest {

    private static final String KEY = ElevenLabsApiTest.KEY;
    private static final Instant NOW = Instant.parse("2026-11-22T17:00:00Z");

    private final ElevenLabsApiStandIn standIn = ElevenLabsApiStandIn.start(KEY);
    private final TestClock clock = new TestClock(NOW);

    @AfterEach
    void stop() {
        standIn.close();
    }

    private WebhookWatch watch(String key) {
        return new WebhookWatch(new ElevenLabsApi(standIn.baseUrl(), key, ElevenLabsApi.Policy.DEFAULT, clock,
                d -> { }), clock);
    }

    @Test
    void anAutoDisabledWebhookIsAWarningWithItsLastFailureAndNoUrl() throws Exception {
        standIn.webhook("wh_support", "Support line").autoDisabled(true).failed(502, 1795367000);
        standIn.webhook("wh_sales", "Sales line");

        WebhookWatchState state = watch(KEY).poll();

        assertThat(state.checkedAt()).isEqualTo(NOW);
        assertThat(state.problem()).isNull();
        assertThat(state.webhooks()).containsExactly(
                new WebhookWatchState.Webhook("wh_support", "Support line", true, true, 502,
                        Instant.ofEpochSecond(1795367000)),
                new WebhookWatchState.Webhook("wh_sales", "Sales line", false, false, null, null));
        assertThat(state.autoDisabled()).isEqualTo(1);
        assertThat(state.disabled()).isZero();
        assertThat(state.lastFailureAt()).isEqualTo(Instant.ofEpochSecond(1795367000));
        assertThat(state.warnings()).singleElement().satisfies(w -> assertThat(w)
                .contains("ElevenLabs disabled the webhook 'Support line' (wh_support)")
                .contains("HTTP 502 at " + Instant.ofEpochSecond(1795367000))
                .contains("enable the webhook again")
                .doesNotContain("do-not-show"));
        assertThat(state.toString()).doesNotContain("do-not-show");
    }

    @Test
    void aWebhookDisabledByAUserIsAWarningToo() throws Exception {
        standIn.webhook("wh_support", "Support line").disabled(true);

        WebhookWatchState state = watch(KEY).poll();

        assertThat(state.disabled()).isEqualTo(1);
        assertThat(state.warnings()).containsExactly(
                "the webhook 'Support line' (wh_support) is disabled at ElevenLabs, which sends it nothing");
    }

    @Test
    void oneWarningLineWhenItChangesForTheWorseNoneWhileItStaysAndOneInfoLineWhenItIsBack() throws Exception {
        ElevenLabsApiStandIn.Webhook support = standIn.webhook("wh_support", "Support line");
        WebhookWatch watch = watch(KEY);
        try (LogCapture logs = LogCapture.install()) {
            watch.poll();
            assertThat(logs.records()).isEmpty();

            support.autoDisabled(true).failed(503, 1795367100);
            clock.advance(Duration.ofMinutes(5));
            watch.poll();
            clock.advance(Duration.ofMinutes(5));
            watch.poll();

            assertThat(logs.records()).singleElement().satisfies(line -> assertThat(line)
                    .startsWith("WARNING dev.postcall.backfill: ElevenLabs reports: webhook 'Support line' (wh_support)"
                            + " was disabled by ElevenLabs after failed deliveries; last failure: HTTP 503 at "));
            logs.clear();

            support.autoDisabled(false).disabled(false);
            watch.poll();

            assertThat(logs.records()).containsExactly(
                    "INFO dev.postcall.backfill: ElevenLabs reports every webhook enabled again");
            assertThat(watch.state().warnings()).isEmpty();
        }
    }

    @Test
    void aNewFailureOfAnEnabledWebhookIsLoggedButIsNoWarning() throws Exception {
        ElevenLabsApiStandIn.Webhook support = standIn.webhook("wh_support", "Support line").failed(500, 1795360000);
        WebhookWatch watch = watch(KEY);
        try (LogCapture logs = LogCapture.install()) {
            watch.poll();
            assertThat(logs.records()).as("an old failure at the first poll is no news").isEmpty();

            support.failed(502, 1795367000);
            WebhookWatchState state = watch.poll();

            assertThat(logs.records("WARNING",
                    "webhook 'Support line' (wh_support) is enabled; last failure: HTTP 502")).hasSize(1);
            assertThat(state.warnings()).isEmpty();
            assertThat(state.webhooks().get(0).lastFailureStatus()).isEqualTo(502);
        }
    }

    @Test
    void webhooksThatServeAnotherProductAreLeftOut() throws Exception {
        standIn.webhook("wh_stt", "Transcripts").usage("Speech to Text").autoDisabled(true);
        standIn.webhook("wh_agents", "Agents").usage("ConvAI Settings");

        WebhookWatchState state = watch(KEY).poll();

        assertThat(state.webhooks()).extracting(WebhookWatchState.Webhook::id).containsExactly("wh_agents");
        assertThat(state.warnings()).isEmpty();
    }

    @Test
    void aFailedPollKeepsTheLastWebhooksNamesTheProblemAndLogsItOnce() throws Exception {
        standIn.webhook("wh_support", "Support line").autoDisabled(true);
        WebhookWatch watch = new WebhookWatch(new ElevenLabsApi(standIn.baseUrl(), KEY, new ElevenLabsApi.Policy(
                Duration.ofSeconds(5), Duration.ofSeconds(20), 1, Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1024), clock, d -> { }), clock);
        watch.poll();
        standIn.fail(Endpoint.WEBHOOKS, 500, null, null);
        standIn.fail(Endpoint.WEBHOOKS, 500, null, null);
        WebhookWatchState state;
        try (LogCapture logs = LogCapture.install()) {
            watch.poll();
            state = watch.poll();

            assertThat(logs.records("WARNING", "could not read the webhooks' state")).hasSize(1);
        }

        assertThat(state.problem()).contains("answered 500");
        assertThat(state.webhooks()).extracting(WebhookWatchState.Webhook::id).containsExactly("wh_support");
        assertThat(state.warnings()).hasSize(2).last().asString()
                .startsWith("the webhook watch could not read the webhooks' state: ");
    }

    @Test
    void aRejectedKeyIsTheWatchsProblemAndNothingMoreIsAsked() throws Exception {
        WebhookWatch watch = watch("sk_wrong_0123456789abcdef0123456789abcdef");

        WebhookWatchState first = watch.poll();
        WebhookWatchState second = watch.poll();

        assertThat(first.problem()).contains("refused the API key").contains("401");
        assertThat(second.problem()).isEqualTo(first.problem());
        assertThat(standIn.requests()).hasSize(1);
    }

    @Test
    void beforeTheFirstPollTheStateIsUnknown() {
        assertThat(watch(KEY).state()).isEqualTo(WebhookWatchState.UNKNOWN);
        assertThat(WebhookWatchState.UNKNOWN.warnings()).isEqualTo(List.of());
    }
}
