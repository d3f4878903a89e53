package dev.postcall.sample;

import dev.postcall.BodySource;
import dev.postcall.EventParser;
import dev.postcall.TranscriptionEvent;
import dev.postcall.monitoring.WebhookMonitor;
import dev.postcall.testsupport.TestData;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static dev.postcall.CallReport.Outcome.FAILURE;
import static dev.postcall.CallReport.Outcome.SUCCESS;
import static dev.postcall.CallReport.Outcome.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

class DashboardTest {

    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    @Test
    void analyticsSumDurationAndCostAndRateOnlyJudgedCalls() {
        ReceivedCalls calls = new ReceivedCalls();
        calls.addCall(Reports.call("c1", 30, 100L, 0.25, SUCCESS), List.of(), NOW);
        calls.addCall(Reports.call("c2", 61, 200L, null, FAILURE), List.of(), NOW);
        calls.addCall(Reports.call("c3", 20, null, 0.5, UNKNOWN), List.of(), NOW);
        calls.addCall(Reports.call("c4", 9, 50L, null, SUCCESS), List.of(), NOW);
        calls.addFailure(new ReceivedCalls.FailedInitiation("f1", "a", "busy", "sip", 486, NOW));
        calls.addFailure(new ReceivedCalls.FailedInitiation("f2", "a", "no-answer", "twilio", 480, NOW));
        calls.addFailure(new ReceivedCalls.FailedInitiation("f3", "a", "busy", "sip", 486, NOW));

        Dashboard.Analytics a = Dashboard.of(calls).analytics();

        assertThat(a.callsReceived()).isEqualTo(4);
        assertThat(a.totalDurationSecs()).isEqualTo(120);
        assertThat(a.averageDurationSecs()).isEqualTo(30);
        assertThat(a.totalCost()).isEqualTo(350);
        assertThat(a.totalCostUsd()).isEqualTo(0.75);
        assertThat(a.successRate()).isEqualTo(2.0 / 3);
        assertThat(a.outcomes()).containsExactly(
                java.util.Map.entry("SUCCESS", 2), java.util.Map.entry("FAILURE", 1), java.util.Map.entry("UNKNOWN", 1));
        assertThat(a.failedInitiations()).isEqualTo(3);
        assertThat(a.failuresByReason()).containsExactly(
                java.util.Map.entry("busy", 2), java.util.Map.entry("no-answer", 1));
    }

    @Test
    void eachCallSaysWhetherTheWebhookBroughtItOrBackfillFetchedIt() {
        ReceivedCalls calls = new ReceivedCalls();
        calls.addCall(Reports.call("c_webhook", 30, 100L, null, SUCCESS), List.of(), NOW);
        calls.addCall(Reports.call("c_backfill", 30, 100L, null, SUCCESS), List.of(), NOW, true);

        assertThat(Dashboard.of(calls).calls()).extracting(Dashboard.CallView::conversationId,
                Dashboard.CallView::receivedBy).containsExactly(org.assertj.core.groups.Tuple.tuple("c_backfill",
                "backfill"), org.assertj.core.groups.Tuple.tuple("c_webhook", "webhook"));
    }

    @Test
    void withoutBackfillThereIsNoElevenLabsPanelAndWithItEachWebhooksStateAtElevenLabs() {
        assertThat(Dashboard.of(new ReceivedCalls()).elevenLabs()).isNull();
        WebhookMonitor.BackfillRun run = new WebhookMonitor.BackfillRun(NOW.minusSeconds(86_400), NOW, true, 3, 1, 0,
                2, java.util.Map.of(), null, "backfill 2026-11-21T12:00:00Z to 2026-11-22T12:00:00Z: found 3,"
                + " dispatched 1, already received 2, skipped 0");
        WebhookMonitor.BackfillStatus status = new WebhookMonitor.BackfillStatus(null, NOW, run, NOW, List.of(
                new WebhookMonitor.ElevenLabsWebhook("wh_1", "production", false, true, 502, NOW.minusSeconds(60)),
                new WebhookMonitor.ElevenLabsWebhook("wh_2", "staging", false, false, null, null)), null);

        Dashboard.ElevenLabsView view = Dashboard.of(new ReceivedCalls(), java.util.Optional.of(status)).elevenLabs();

        assertThat(view.state()).isEqualTo("on");
        assertThat(view.lastRun()).isEqualTo(run.summary());
        assertThat(view.webhooks()).containsExactly(
                new Dashboard.WebhookView("production", "auto-disabled", "HTTP 502 at 2026-11-22T11:59:00Z"),
                new Dashboard.WebhookView("staging", "enabled", null));
    }

    @Test
    void noCallsGiveNoAverageAndNoRate() {
        Dashboard.Analytics a = Dashboard.of(new ReceivedCalls()).analytics();

        assertThat(a.callsReceived()).isZero();
        assertThat(a.averageDurationSecs()).isNull();
        assertThat(a.successRate()).isNull();
        assertThat(a.totalCostUsd()).isNull();
    }

    @Test
    void aCallShowsItsAudioAddressOnlyOnceTheAudioArrived() {
        ReceivedCalls calls = new ReceivedCalls();
        calls.addCall(Reports.call("conv 1/2", 30, 100L, null, SUCCESS), List.of(), NOW);
        assertThat(Dashboard.of(calls).calls().get(0).audioUrl()).isNull();

        calls.addAudio("conv 1/2", Path.of("a.mp3"));

        Dashboard.CallView view = Dashboard.of(calls).calls().get(0);
        assertThat(view.audioUrl()).isEqualTo("api/calls/conv%201%2F2/audio");
        assertThat(view.durationSecs()).isEqualTo(30);
        assertThat(view.direction()).isEqualTo("INBOUND");
        assertThat(view.startedAt()).isEqualTo("2026-11-22T10:00:00Z");
        assertThat(view.evaluations()).containsEntry("booked", "SUCCESS");
    }

    private static CallRecorder recorded(String... fixtures) throws Exception {
        CallRecorder recorder = new CallRecorder();
        for (String fixture : fixtures) {
            recorder.onCall((TranscriptionEvent) new EventParser().parse(BodySource.ofBytes(TestData.bytes(fixture))));
        }
        return recorder;
    }

    @Test
    void aCallWithoutATranscriptIsShownAsNotSentRatherThanAsNoTurns() throws Exception {
        Dashboard.CallView view = Dashboard.of(recorded("transcription-no-transcript.json").received()).calls().get(0);
        assertThat(view.transcriptSent()).isFalse();
        assertThat(view.turnCount()).isNull();
        assertThat(view.transcript()).isEmpty();
        assertThat(view.customerNumber()).isEqualTo("+442079460587");
        assertThat(view.agentNumber()).isEqualTo("+442079460120");
        assertThat(view.queueWaitSecs()).isEqualTo(37.4);
        assertThat(view.callResult()).isEqualTo("answered");

        Jsonb jsonb = JsonbBuilder.create();
        String json = jsonb.toJson(view);
        jsonb.close();
        assertThat(json).contains("\"transcriptSent\":false").doesNotContain("turnCount");
    }

    @Test
    void aCallOfUnknownDirectionShowsBothPartiesButNeitherCallerNorCalled() throws Exception {
        Dashboard.CallView view = Dashboard.of(recorded("transcription-unknown-direction.json").received())
                .calls().get(0);
        assertThat(view.direction()).isEqualTo("UNKNOWN");
        assertThat(view.callerNumber()).isNull();
        assertThat(view.calledNumber()).isNull();
        assertThat(view.customerNumber()).isEqualTo("+13125550149");
        assertThat(view.agentNumber()).isEqualTo("+13125550100");
        assertThat(view.transcriptSent()).isTrue();
        assertThat(view.turnCount()).isEqualTo(3);
        assertThat(view.transcript()).hasSize(3);
    }

    @Test
    void theJsonCarriesEachCallsTurnsAndTheOtherEvents() throws Exception {
        ReceivedCalls calls = new ReceivedCalls();
        calls.addCall(Reports.call("c1", 30, 100L, null, SUCCESS), List.of(
                new ReceivedCalls.Turn("agent", 0, "Harbor Dental, this is Robin.", List.of()),
                new ReceivedCalls.Turn("agent", 9, null, List.of("check_availability", "end_call"))), NOW);
        calls.addOther(new ReceivedCalls.OtherEvent("conversation_escalated", "conv_9",
                Instant.ofEpochSecond(1761700000), NOW));
        calls.addOther(new ReceivedCalls.OtherEvent("agent_updated", null, null, NOW.plusSeconds(5)));

        Jsonb jsonb = JsonbBuilder.create();
        String json = jsonb.toJson(Dashboard.of(calls));
        jsonb.close();

        assertThat(json).contains("\"transcript\":[{\"message\":\"Harbor Dental, this is Robin.\",\"role\":\"agent\","
                + "\"timeInCallSecs\":0,\"toolCalls\":[]},{\"role\":\"agent\",\"timeInCallSecs\":9,"
                + "\"toolCalls\":[\"check_availability\",\"end_call\"]}]");
        assertThat(json).contains("\"others\":[{\"receivedAt\":\"2026-11-22T12:00:05Z\",\"type\":\"agent_updated\"},"
                + "{\"conversationId\":\"conv_9\",\"eventTime\":\"2025-10-29T01:06:40Z\","
                + "\"receivedAt\":\"2026-11-22T12:00:00Z\",\"type\":\"conversation_escalated\"}]");
    }
}
