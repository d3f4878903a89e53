package dev.postcall.internal.backfill;

import dev.postcall.EventParser;
import dev.postcall.testsupport.ElevenLabsApiStandIn;
import dev.postcall.testsupport.ElevenLabsApiStandIn.Endpoint;
import dev.postcall.testsupport.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The backfill engine against the stand-in of ElevenLabs' API over real HTTP, with a fake sink in place of the
 * pipeline and its durable store, and a clock the test moves.
 */
class BackfillTest {

    private static final String KEY = ElevenLabsApiTest.KEY;
    private static final Instant NOW = Instant.parse("2026-11-22T17:00:00Z");
    private static final long T = NOW.getEpochSecond();
    private static final Duration LOOKBACK = Duration.ofDays(1);

    private final ElevenLabsApiStandIn standIn = ElevenLabsApiStandIn.start(KEY);
    private final TestClock clock = new TestClock(NOW);
    private final List<Duration> pauses = new CopyOnWriteArrayList<>();
    private final FakeSink sink = new FakeSink();

    @TempDir
    Path temp;

    @AfterEach
    void stop() {
        standIn.close();
    }

    private Backfill backfill(boolean audio, String... agents) {
        return backfill(KEY, audio, agents);
    }

    private Backfill backfill(String key, boolean audio, String... agents) {
        ElevenLabsApi api = new ElevenLabsApi(standIn.baseUrl(), key, new ElevenLabsApi.Policy(Duration.ofSeconds(5),
                Duration.ofSeconds(20), 5, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(2),
                1 << 30), clock, pauses::add);
        BackfillSettings settings = new BackfillSettings(key, URI.create("http://127.0.0.1"), Duration.ofMinutes(5),
                LOOKBACK, List.of(agents), audio);
        return new Backfill(api, sink, new EventParser(), settings, 64 * 1024, temp, clock);
    }

    @Test
    void dispatchesEveryFinishedConversationNotReceivedAsABackfilledTranscriptionOfTheBytesFetched() {
        standIn.conversation("conv_phone", "agent_1", T - 3600, 39).body("conversation-phone-inbound.json");
        standIn.conversation("conv_failed", "agent_1", T - 3000, 31).status("failed").body("conversation-failed.json");
        standIn.conversation("conv_webhook", "agent_1", T - 2000, 20).body("conversation-sip-outbound-no-audio.json");
        sink.received.add("conv_webhook");

        BackfillReport report = backfill(false).run();

        assertThat(report.ending()).isEqualTo(BackfillReport.Ending.COMPLETED);
        assertThat(report.found()).isEqualTo(3);
        assertThat(report.dispatched()).isEqualTo(2);
        assertThat(report.alreadyReceived()).isEqualTo(1);
        assertThat(report.skipped()).isEmpty();
        assertThat(sink.transcriptions()).containsExactly("conv_phone", "conv_failed");
        FakeSink.Dispatched phone = sink.dispatched.get(0);
        assertThat(phone.eventClass()).isEqualTo("TranscriptionEvent");
        assertThat(phone.backfilled()).isTrue();
        assertThat(phone.answered()).isTrue();
        assertThat(phone.agentId()).isEqualTo("agent_1");
        assertThat(phone.eventTimestamp()).isEqualTo(T - 3600 + 39);
        byte[] head = ("{\"type\":\"post_call_transcription\",\"event_timestamp\":" + (T - 3600 + 39)
                + ",\"postcall_backfilled\":true,\"data\":").getBytes(StandardCharsets.UTF_8);
        byte[] served = standIn.served("conv_phone");
        assertThat(Arrays.copyOfRange(phone.body(), 0, head.length)).isEqualTo(head);
        assertThat(Arrays.copyOfRange(phone.body(), head.length, phone.body().length - 1)).isEqualTo(served);
        assertThat(phone.body()[phone.body().length - 1]).isEqualTo((byte) '}');
        assertThat(standIn.requests(Endpoint.CONVERSATION)).extracting(ElevenLabsApiStandIn.Recorded::path)
                .containsExactly("/v1/convai/conversations/conv_phone", "/v1/convai/conversations/conv_failed");
    }

    @Test
    void aBackfilledConversationReadsLikeTheWebhookOfTheSameCall() throws Exception {
        standIn.conversation("conv_2901k7m4x8rb6tq0zv3wh5njd9sea", "agent_3301k6pd7wz2ha9qx5ct8mvy4rne", T - 3600, 39)
                .body("conversation-phone-inbound.json");
        List<dev.postcall.CallReport> reports = new CopyOnWriteArrayList<>();
        sink.handlers = e -> {
            reports.add(((dev.postcall.TranscriptionEvent) e).report());
            return BackfillSink.Outcome.HANDLED;
        };

        backfill(false).run();

        dev.postcall.TranscriptionEvent webhook = (dev.postcall.TranscriptionEvent) new EventParser().parse(
                dev.postcall.BodySource.ofBytes(dev.postcall.testsupport.TestData.bytes(
                        "transcription-phone-inbound.json")));
        assertThat(reports).containsExactly(webhook.report());
    }

    @Test
    void followsTheCursorThroughPagesSmallerThanAskedAndDispatchesEachOnce() {
        for (int i = 0; i < 7; i++) {
            standIn.conversation("conv_" + i, "agent_1", T - 7000 + i * 100, 10);
        }
        standIn.pageCap(2);

        BackfillReport report = backfill(false).run();

        assertThat(report.found()).isEqualTo(7);
        assertThat(sink.transcriptions()).containsExactly("conv_0", "conv_1", "conv_2", "conv_3", "conv_4", "conv_5",
                "conv_6");
        List<ElevenLabsApiStandIn.Recorded> pages = standIn.requests(Endpoint.LIST);
        assertThat(pages).hasSize(4);
        assertThat(pages).allSatisfy(p -> {
            assertThat(p.param("page_size")).isEqualTo("100");
            assertThat(p.param("sort_direction")).isEqualTo("asc");
            assertThat(p.param("call_start_after_unix")).isEqualTo(Long.toString(T - LOOKBACK.toSeconds() - 1));
            assertThat(p.param("call_start_before_unix")).isEqualTo(Long.toString(T));
        });
        assertThat(pages.get(0).param("cursor")).isNull();
        assertThat(pages.subList(1, 4)).allSatisfy(p -> assertThat(p.param("cursor")).isNotNull());
        assertThat(pages.stream().map(p -> p.param("cursor")).distinct().count()).isEqualTo(4);
    }

    @Test
    void aProcessingConversationHoldsTheWatermarkAndIsDispatchedOnceDone() {
        standIn.conversation("conv_a", "agent_1", T - 3000, 10);
        standIn.conversation("conv_b", "agent_1", T - 2000, 10).status("processing");
        standIn.conversation("conv_c", "agent_1", T - 1000, 10);
        Backfill backfill = backfill(false);

        BackfillReport first = backfill.run();

        assertThat(sink.transcriptions()).containsExactly("conv_a", "conv_c");
        assertThat(first.skipped()).containsExactly(
                new BackfillReport.Skipped("conv_b", BackfillReport.Reason.UNFINISHED, "processing", false));
        assertThat(first.watermark()).isEqualTo(Instant.ofEpochSecond(T - 2000));
        assertThat(sink.advances).containsExactly(Instant.ofEpochSecond(T - 2000));
        assertThat(standIn.requests(Endpoint.CONVERSATION)).hasSize(2);

        standIn.conversation("conv_b").status("done");
        clock.advance(Duration.ofMinutes(5));
        BackfillReport second = backfill.run();

        assertThat(sink.transcriptions()).containsExactly("conv_a", "conv_c", "conv_b");
        assertThat(second.dispatched()).isEqualTo(1);
        assertThat(second.alreadyReceived()).isEqualTo(2);
        assertThat(second.watermark()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
        assertThat(standIn.requests(Endpoint.LIST).get(1).param("call_start_after_unix"))
                .isEqualTo(Long.toString(T - 2000 - LOOKBACK.toSeconds() - 1));
    }

    @Test
    void aConversationListedAsDoneButFetchedAsProcessingIsLeftForALaterRun() {
        standIn.conversation("conv_a", "agent_1", T - 3000, 10).status("processing").listedAs("done");

        BackfillReport report = backfill(false).run();

        assertThat(report.skipped()).containsExactly(
                new BackfillReport.Skipped("conv_a", BackfillReport.Reason.UNFINISHED, "processing", false));
        assertThat(sink.dispatched).isEmpty();
        assertThat(report.watermark()).isEqualTo(Instant.ofEpochSecond(T - 3000));
    }

    @Test
    void anAnswerThatIsNotTheConversationAskedForIsUnreadableAndLeftForALaterRun() {
        standIn.conversation("conv_a", "agent_1", T - 3000, 10);
        standIn.fail(Endpoint.CONVERSATION, 200, null, null);

        BackfillReport report = backfill(false).run();

        assertThat(report.skipped()).singleElement().satisfies(s -> {
            assertThat(s.reason()).isEqualTo(BackfillReport.Reason.UNREADABLE);
            assertThat(s.detail()).contains("another conversation_id");
        });
        assertThat(sink.dispatched).isEmpty();
        assertThat(report.watermark()).isEqualTo(Instant.ofEpochSecond(T - 3000));
    }

    @Test
    void aFirstRunLooksBackTheLookbackAndLeavesOutWhatStartedBefore() {
        standIn.conversation("conv_old", "agent_1", T - LOOKBACK.toSeconds() - 10, 10);
        standIn.conversation("conv_new", "agent_1", T - 10, 5);

        BackfillReport report = backfill(false).run();

        assertThat(report.from()).isEqualTo(NOW.minus(LOOKBACK));
        assertThat(report.to()).isEqualTo(NOW);
        assertThat(sink.transcriptions()).containsExactly("conv_new");
        assertThat(report.watermark()).isEqualTo(NOW);
    }

    @Test
    void aScheduledWindowNeverStartsBeforeWhatTheStoreKnowsButAnOnDemandOneDoes() {
        standIn.conversation("conv_unrecorded", "agent_1", T - 7200, 10);
        standIn.conversation("conv_recorded", "agent_1", T - 600, 10);
        sink.earliest = NOW.minusSeconds(3600);

        BackfillReport scheduled = backfill(false).run();

        assertThat(scheduled.from()).isEqualTo(NOW.minusSeconds(3600));
        assertThat(sink.transcriptions()).containsExactly("conv_recorded");
        assertThat(scheduled.watermark()).isEqualTo(NOW);

        BackfillReport onDemand = backfill(false).backfill(NOW.minus(LOOKBACK), NOW);
        assertThat(onDemand.from()).isEqualTo(NOW.minus(LOOKBACK));
        assertThat(sink.transcriptions()).containsExactly("conv_recorded", "conv_unrecorded");
    }

    @Test
    void aStoreThatKnowsNothingBeforeNowGivesAnEmptyFirstWindowAndTheNextCoversFromThen() {
        standIn.conversation("conv_before", "agent_1", T - 600, 10);
        sink.earliest = NOW;

        BackfillReport first = backfill(false).run();

        assertThat(first.from()).isEqualTo(NOW);
        assertThat(first.found()).isZero();
        assertThat(first.watermark()).isEqualTo(NOW);
        standIn.conversation("conv_after", "agent_1", T + 60, 10);
        clock.advance(Duration.ofMinutes(5));
        BackfillReport second = backfill(false).run();
        assertThat(second.from()).isEqualTo(NOW);
        assertThat(sink.transcriptions()).containsExactly("conv_after");
    }

    @Test
    void aConversationStillUnsettledAfterTheLookbackIsGivenUpOnWithAWarning() {
        standIn.conversation("conv_stuck", "agent_1", T - 600, 10).status("processing");
        Backfill backfill = backfill(false);
        backfill.run();
        assertThat(sink.watermark).isEqualTo(Instant.ofEpochSecond(T - 600));

        clock.advance(Duration.ofDays(2));
        BackfillReport report;
        try (LogCapture logs = LogCapture.install()) {
            report = backfill.run();

            assertThat(logs.records("WARNING", "gave up on conversation conv_stuck")).hasSize(1);
        }

        assertThat(report.skipped()).containsExactly(
                new BackfillReport.Skipped("conv_stuck", BackfillReport.Reason.UNFINISHED, "processing", true));
        assertThat(report.watermark()).isEqualTo(NOW.plus(Duration.ofDays(2)));
        assertThat(sink.dispatched).isEmpty();
    }

    @Test
    void a429InTheMiddleOfARunIsWaitedOutAsItsRetryAfterSays() {
        standIn.conversation("conv_a", "agent_1", T - 3000, 10);
        standIn.fail(Endpoint.LIST, 429, "4", "too_many_concurrent_requests");
        standIn.fail(Endpoint.CONVERSATION, 429, "2", "system_busy");

        BackfillReport report = backfill(false).run();

        assertThat(report.dispatched()).isEqualTo(1);
        assertThat(pauses).containsExactly(Duration.ofSeconds(4), Duration.ofSeconds(2));
    }

    @Test
    void aConversationTheApiKeepsFailingIsSkippedAndHoldsTheWatermark() {
        standIn.conversation("conv_a", "agent_1", T - 3000, 10);
        standIn.conversation("conv_b", "agent_1", T - 2000, 10);
        standIn.conversation("conv_c", "agent_1", T - 1000, 10);
        // conv_a, fetched first, gets all five; the others none
        for (int i = 0; i < 5; i++) {
            standIn.fail(Endpoint.CONVERSATION, 500, null, null);
        }

        BackfillReport report = backfill(false).run();

        assertThat(report.skipped()).singleElement().satisfies(s -> {
            assertThat(s.conversationId()).isEqualTo("conv_a");
            assertThat(s.reason()).isEqualTo(BackfillReport.Reason.NOT_FETCHED);
            assertThat(s.detail()).contains("answered 500");
        });
        assertThat(sink.transcriptions()).containsExactly("conv_b", "conv_c");
        assertThat(report.watermark()).isEqualTo(Instant.ofEpochSecond(T - 3000));
        assertThat(pauses).hasSize(4);
    }

    @Test
    void aListThatKeepsFailingStopsTheRunAndLeavesTheWatermark() {
        standIn.conversation("conv_a", "agent_1", T - 3000, 10);
        sink.watermark = NOW.minusSeconds(600);
        for (int i = 0; i < 5; i++) {
            standIn.fail(Endpoint.LIST, 503, null, "system_busy");
        }

        BackfillReport report = backfill(false).run();

        assertThat(report.ending()).isEqualTo(BackfillReport.Ending.STOPPED);
        assertThat(report.stoppedBy()).contains("answered 503 (system_busy)");
        assertThat(report.watermark()).isEqualTo(NOW.minusSeconds(600));
        assertThat(sink.advances).isEmpty();
        assertThat(sink.dispatched).isEmpty();
    }

    @Test
    void aRejectedKeyStopsThisRunAndEveryLaterOneAndIsLoggedOnce() {
        String wrong = "sk_wrong_0123456789abcdef0123456789abcdef";
        standIn.conversation("conv_a", "agent_1", T - 3000, 10);
        Backfill backfill = backfill(wrong, false);
        BackfillReport first;
        BackfillReport second;
        try (LogCapture logs = LogCapture.install()) {
            first = backfill.run();
            clock.advance(Duration.ofMinutes(5));
            second = backfill.run();

            assertThat(logs.records("WARNING", "API key")).hasSize(1);
            assertThat(logs.records("WARNING", "")).hasSize(1);
            assertThat(logs.text()).doesNotContain(wrong);
        }

        assertThat(first.ending()).isEqualTo(BackfillReport.Ending.STOPPED);
        assertThat(first.stoppedBy()).contains("401");
        assertThat(second.ending()).isEqualTo(BackfillReport.Ending.STOPPED);
        assertThat(standIn.requests()).hasSize(1);
        assertThat(backfill.stopped()).hasValueSatisfying(why -> assertThat(why).contains("401").doesNotContain(wrong));
        assertThat(sink.advances).isEmpty();
    }

    @Test
    void withAudioTheRecordingIsDispatchedBeforeItsTranscriptionAndDecodesToTheBytesServed() throws Exception {
        byte[] mp3 = new byte[300 * 1024];
        new Random(7).nextBytes(mp3);
        standIn.conversation("conv_phone", "agent_1", T - 3600, 39).body("conversation-phone-inbound.json").audio(mp3);

        BackfillReport report = backfill(true).run();

        assertThat(report.dispatched()).isEqualTo(1);
        assertThat(report.audioDispatched()).isEqualTo(1);
        assertThat(sink.dispatched).extracting(FakeSink.Dispatched::eventClass)
                .containsExactly("AudioEvent", "TranscriptionEvent");
        FakeSink.Dispatched audio = sink.dispatched.get(0);
        assertThat(audio.backfilled()).isTrue();
        assertThat(audio.conversationId()).isEqualTo("conv_phone");
        assertThat(audio.agentId()).isEqualTo("agent_1");
        assertThat(audio.eventTimestamp()).isEqualTo(T - 3600 + 39);
        assertThat(audio.audioLength()).isEqualTo(mp3.length);
        assertThat(audio.audioSha()).isEqualTo(sha256(mp3));
        assertThat(audio.bodyInMemory()).as("300 KB of audio is over the 64 KB threshold").isFalse();
        assertThat(standIn.requests(Endpoint.AUDIO)).hasSize(1);
        assertThat(tempFiles()).as("every body released").isEmpty();
    }

    @Test
    void withoutHasAudioNoRecordingIsAskedFor() {
        standIn.conversation("conv_sip", "agent_1", T - 3600, 21).body("conversation-sip-outbound-no-audio.json");

        BackfillReport report = backfill(true).run();

        assertThat(report.dispatched()).isEqualTo(1);
        assertThat(report.audioDispatched()).isZero();
        assertThat(standIn.requests(Endpoint.AUDIO)).isEmpty();
        assertThat(sink.dispatched).extracting(FakeSink.Dispatched::eventClass).containsExactly("TranscriptionEvent");
    }

    @Test
    void aRecordingTheApiDoesNotHaveLeavesTheTranscriptionToGoAlone() {
        standIn.conversation("conv_phone", "agent_1", T - 3600, 39).body("conversation-phone-inbound.json");

        BackfillReport report = backfill(true).run();

        assertThat(sink.dispatched).extracting(FakeSink.Dispatched::eventClass).containsExactly("TranscriptionEvent");
        assertThat(report.skipped()).singleElement().satisfies(s -> {
            assertThat(s.reason()).isEqualTo(BackfillReport.Reason.AUDIO_GONE);
            assertThat(s.reason().transcriptionDispatched()).isTrue();
        });
        assertThat(report.watermark()).isEqualTo(NOW);
    }

    @Test
    void aRecordingThatCannotBeFetchedLeavesTheWholeConversationForTheNextRun() {
        standIn.conversation("conv_phone", "agent_1", T - 3600, 39).body("conversation-phone-inbound.json")
                .audio(new byte[] {1, 2, 3});
        for (int i = 0; i < 5; i++) {
            standIn.fail(Endpoint.AUDIO, 502, null, null);
        }
        Backfill backfill = backfill(true);

        BackfillReport first = backfill.run();

        assertThat(sink.dispatched).isEmpty();
        assertThat(first.skipped()).extracting(BackfillReport.Skipped::reason)
                .containsExactly(BackfillReport.Reason.NOT_FETCHED);
        assertThat(first.watermark()).isEqualTo(Instant.ofEpochSecond(T - 3600));

        clock.advance(Duration.ofMinutes(5));
        BackfillReport second = backfill.run();

        assertThat(second.dispatched()).isEqualTo(1);
        assertThat(second.audioDispatched()).isEqualTo(1);
    }

    @Test
    void aRunStoppedBetweenTheRecordingAndItsTranscriptionFetchesBothAgainAndTheRecordingIsADuplicate() {
        standIn.conversation("conv_phone", "agent_1", T - 3600, 39).body("conversation-phone-inbound.json")
                .audio(new byte[] {1, 2, 3});
        sink.handlers = e -> {
            if (e instanceof dev.postcall.TranscriptionEvent) {
                throw new IllegalStateException("the store went away");
            }
            return BackfillSink.Outcome.HANDLED;
        };
        BackfillReport first = backfill(true).run();
        assertThat(first.ending()).isEqualTo(BackfillReport.Ending.STOPPED);
        assertThat(first.stoppedBy()).contains("the store went away");

        sink.handlers = e -> BackfillSink.Outcome.HANDLED;
        BackfillReport second = backfill(true).run();

        assertThat(second.dispatched()).isEqualTo(1);
        assertThat(second.audioDispatched()).isZero();
        assertThat(sink.dispatched).extracting(FakeSink.Dispatched::eventClass, FakeSink.Dispatched::outcome)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("AudioEvent", BackfillSink.Outcome.HANDLED),
                        org.assertj.core.groups.Tuple.tuple("AudioEvent", BackfillSink.Outcome.DUPLICATE),
                        org.assertj.core.groups.Tuple.tuple("TranscriptionEvent", BackfillSink.Outcome.HANDLED));
    }

    @Test
    void aNewEngineOverTheSameStoreRepeatsNothing() {
        for (int i = 0; i < 3; i++) {
            standIn.conversation("conv_" + i, "agent_1", T - 3000 + i, 10);
        }
        backfill(false).run();
        assertThat(sink.transcriptions()).hasSize(3);
        int fetched = standIn.requests(Endpoint.CONVERSATION).size();

        clock.advance(Duration.ofMinutes(5));
        BackfillReport afterRestart = backfill(false).run();

        assertThat(afterRestart.dispatched()).isZero();
        assertThat(afterRestart.alreadyReceived()).isEqualTo(3);
        assertThat(sink.transcriptions()).hasSize(3);
        assertThat(standIn.requests(Endpoint.CONVERSATION)).hasSize(fetched);
    }

    @Test
    void aRestartInTheMiddleOfARunLosesNothingAndRepeatsNothing() {
        for (int i = 0; i < 4; i++) {
            standIn.conversation("conv_" + i, "agent_1", T - 3000 + i, 10);
        }
        int[] calls = {0};
        sink.handlers = e -> {
            if (++calls[0] == 3) {
                throw new IllegalStateException("the JVM is going down");
            }
            return BackfillSink.Outcome.HANDLED;
        };
        BackfillReport interrupted = backfill(false).run();
        assertThat(interrupted.ending()).isEqualTo(BackfillReport.Ending.STOPPED);
        assertThat(sink.advances).isEmpty();

        sink.handlers = e -> BackfillSink.Outcome.HANDLED;
        BackfillReport afterRestart = backfill(false).run();

        assertThat(afterRestart.dispatched()).isEqualTo(2);
        assertThat(sink.dispatched).filteredOn(d -> d.outcome().settled())
                .extracting(FakeSink.Dispatched::conversationId)
                .containsExactly("conv_0", "conv_1", "conv_2", "conv_3");
    }

    @Test
    void anErrorFromThePipelineGoesUpAfterTheBodiesAreReleased() {
        standIn.conversation("conv_phone", "agent_1", T - 3600, 39).body("conversation-phone-inbound.json")
                .audio(new byte[200 * 1024]);
        sink.handlers = e -> {
            if (e instanceof dev.postcall.TranscriptionEvent) {
                throw new StackOverflowError("a handler recursed");
            }
            return BackfillSink.Outcome.HANDLED;
        };
        Backfill backfill = backfill(true);

        assertThatThrownBy(backfill::run).isInstanceOf(StackOverflowError.class);
        assertThat(tempFiles()).isEmpty();

        sink.handlers = e -> BackfillSink.Outcome.HANDLED;
        assertThat(backfill.run().dispatched()).as("the next run is not blocked").isEqualTo(1);
    }

    @Test
    void outcomesThatAreNotSettledHoldTheWatermarkAndTheOthersDoNot() {
        standIn.conversation("conv_kept", "agent_1", T - 4000, 10);
        standIn.conversation("conv_elsewhere", "agent_1", T - 3000, 10);
        standIn.conversation("conv_dropped", "agent_1", T - 2000, 10);
        standIn.conversation("conv_gone", "agent_1", T - 1500, 10).gone();
        sink.handlers = e -> switch (e.conversationId()) {
            case "conv_kept" -> BackfillSink.Outcome.KEPT;
            case "conv_elsewhere" -> BackfillSink.Outcome.IN_PROGRESS;
            default -> BackfillSink.Outcome.NOT_KEPT;
        };

        BackfillReport report = backfill(false).run();

        assertThat(report.dispatched()).isEqualTo(1);
        assertThat(report.skippedByReason()).containsOnly(
                java.util.Map.entry(BackfillReport.Reason.IN_PROGRESS, 1),
                java.util.Map.entry(BackfillReport.Reason.NOT_KEPT, 1),
                java.util.Map.entry(BackfillReport.Reason.GONE, 1));
        assertThat(report.watermark()).isEqualTo(Instant.ofEpochSecond(T - 3000));
    }

    @Test
    void aStoreThatCannotSayWhatItReceivedStopsTheRun() {
        standIn.conversation("conv_a", "agent_1", T - 3000, 10);
        sink.failReceived = new IllegalStateException("database down");

        BackfillReport report = backfill(false).run();

        assertThat(report.ending()).isEqualTo(BackfillReport.Ending.STOPPED);
        assertThat(report.stoppedBy()).contains("received(conv_a)").contains("database down");
        assertThat(standIn.requests(Endpoint.CONVERSATION)).isEmpty();
        assertThat(sink.advances).isEmpty();
    }

    @Test
    void aTempFileThatCannotBeWrittenStopsTheRunAndLeavesTheConversation() throws Exception {
        standIn.conversation("conv_phone", "agent_1", T - 3600, 39).body("conversation-phone-inbound.json")
                .audio(new byte[300 * 1024]);
        Files.delete(temp);

        BackfillReport report = backfill(true).run();

        assertThat(report.ending()).isEqualTo(BackfillReport.Ending.STOPPED);
        assertThat(report.stoppedBy()).startsWith("could not write a backfilled body: ");
        assertThat(sink.dispatched).isEmpty();
        assertThat(sink.advances).isEmpty();
        assertThat(standIn.requests(Endpoint.AUDIO)).as("a local failure is not the API's: not tried again")
                .hasSize(1);
    }

    @Test
    void aWatermarkTheStoreCannotKeepIsReportedAndTheNextRunStartsFromTheOldOne() {
        standIn.conversation("conv_a", "agent_1", T - 3000, 10);
        sink.watermark = NOW.minusSeconds(3600);
        sink.failAdvance = new IllegalStateException("read-only database");
        Backfill backfill = backfill(false);

        BackfillReport report = backfill.run();

        assertThat(report.ending()).isEqualTo(BackfillReport.Ending.STOPPED);
        assertThat(report.stoppedBy()).contains("could not keep the watermark " + NOW).contains("read-only database");
        assertThat(report.dispatched()).isEqualTo(1);
        assertThat(report.watermark()).isEqualTo(NOW.minusSeconds(3600));
    }

    @Test
    void aStoreThatCannotSayWhetherThisNodeLeadsSkipsTheRun() {
        standIn.conversation("conv_a", "agent_1", T - 3000, 10);
        sink.onTryLead = () -> {
            throw new IllegalStateException("lease table missing");
        };

        BackfillReport report = backfill(false).run();

        assertThat(report.ending()).isEqualTo(BackfillReport.Ending.STOPPED);
        assertThat(report.stoppedBy()).contains("lease table missing");
        assertThat(report.summary()).startsWith("backfill did not start: the store failed: ");
        assertThat(standIn.requests()).isEmpty();
    }

    @Test
    void aNodeThatDoesNotLeadDoesNothing() {
        standIn.conversation("conv_a", "agent_1", T - 3000, 10);
        sink.leading = false;

        BackfillReport report = backfill(false).run();

        assertThat(report.ending()).isEqualTo(BackfillReport.Ending.NOT_LEADING);
        assertThat(standIn.requests()).isEmpty();
        assertThat(sink.receivedCalls).isZero();
    }

    @Test
    void onDemandCoversItsWindowWithoutLeadingOrMovingTheWatermark() {
        standIn.conversation("conv_before", "agent_1", T - 7200 - 1, 10);
        standIn.conversation("conv_first", "agent_1", T - 7200, 10);
        standIn.conversation("conv_last", "agent_1", T - 3601, 10);
        standIn.conversation("conv_after", "agent_1", T - 3600, 10);
        sink.watermark = NOW.minusSeconds(60);
        sink.leading = false;

        BackfillReport report = backfill(false).backfill(NOW.minusSeconds(7200), NOW.minusSeconds(3600));

        assertThat(report.ending()).isEqualTo(BackfillReport.Ending.COMPLETED);
        assertThat(sink.transcriptions()).containsExactly("conv_first", "conv_last");
        assertThat(report.found()).isEqualTo(2);
        assertThat(report.watermark()).isNull();
        assertThat(sink.advances).isEmpty();
        assertThat(sink.tryLeadCalls).isZero();
        assertThat(standIn.requests(Endpoint.LIST).get(0).param("call_start_after_unix"))
                .isEqualTo(Long.toString(T - 7200 - 1));
        assertThat(standIn.requests(Endpoint.LIST).get(0).param("call_start_before_unix"))
                .isEqualTo(Long.toString(T - 3600));
    }

    @Test
    void eachAgentIsListedOnItsOwn() {
        standIn.conversation("conv_1", "agent_1", T - 3000, 10);
        standIn.conversation("conv_2", "agent_2", T - 2000, 10);
        standIn.conversation("conv_3", "agent_3", T - 1000, 10);

        backfill(false, "agent_1", "agent_3").run();

        assertThat(sink.transcriptions()).containsExactly("conv_1", "conv_3");
        assertThat(standIn.requests(Endpoint.LIST)).extracting(r -> r.param("agent_id"))
                .containsExactly("agent_1", "agent_3");
    }

    private List<Path> tempFiles() {
        try (Stream<Path> files = Files.list(temp)) {
            return files.toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
