package dev.postcall.sample;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static dev.postcall.CallReport.Outcome.SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;

class ReceivedCallsTest {

    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
    private final ReceivedCalls calls = new ReceivedCalls(3);

    @Test
    void keepsOnlyTheNewestCallsAndHandsBackTheDroppedAudio() {
        calls.addCall(Reports.call("c1", 10, 1L, null, SUCCESS), List.of(), NOW);
        calls.addAudio("c1", Path.of("c1.mp3"));
        calls.addCall(Reports.call("c2", 10, 1L, null, SUCCESS), List.of(), NOW);
        calls.addCall(Reports.call("c3", 10, 1L, null, SUCCESS), List.of(), NOW);

        var dropped = calls.addCall(Reports.call("c4", 10, 1L, null, SUCCESS), List.of(), NOW);

        assertThat(calls.calls()).extracting(c -> c.report().conversationId()).containsExactly("c4", "c3", "c2");
        assertThat(dropped).containsExactly(Path.of("c1.mp3"));
        assertThat(calls.audio("c1")).isEmpty();
    }

    @Test
    void audioThatArrivesBeforeItsTranscriptionIsAttachedWhenTheCallComes() {
        calls.addAudio("c1", Path.of("c1.mp3"));
        assertThat(calls.audio("c1")).contains(Path.of("c1.mp3"));

        calls.addCall(Reports.call("c1", 10, 1L, null, SUCCESS), List.of(), NOW);

        assertThat(calls.calls()).singleElement().satisfies(c -> assertThat(c.audio()).isEqualTo(Path.of("c1.mp3")));
    }

    @Test
    void aRepeatedTranscriptionReplacesTheCallAndKeepsItsAudio() {
        calls.addCall(Reports.call("c1", 10, 1L, null, SUCCESS), List.of(), NOW);
        calls.addAudio("c1", Path.of("c1.mp3"));

        calls.addCall(Reports.call("c1", 99, 1L, null, SUCCESS), List.of(), NOW);

        assertThat(calls.calls()).singleElement().satisfies(c -> {
            assertThat(c.report().duration().toSeconds()).isEqualTo(99);
            assertThat(c.audio()).isEqualTo(Path.of("c1.mp3"));
        });
    }

    @Test
    void aSecondAudioForTheSameCallHandsBackTheFirstFile() {
        calls.addCall(Reports.call("c1", 10, 1L, null, SUCCESS), List.of(), NOW);
        calls.addAudio("c1", Path.of("first.mp3"));

        assertThat(calls.addAudio("c1", Path.of("second.mp3"))).containsExactly(Path.of("first.mp3"));
        assertThat(calls.audio("c1")).contains(Path.of("second.mp3"));
    }

    @Test
    void keepsOnlyTheNewestFailuresNewestFirst() {
        for (int i = 1; i <= 5; i++) {
            calls.addFailure(new ReceivedCalls.FailedInitiation("f" + i, "a", "busy", "sip", 486, NOW));
        }

        assertThat(calls.failures()).extracting(ReceivedCalls.FailedInitiation::conversationId)
                .containsExactly("f5", "f4", "f3");
    }

    @Test
    void keepsOnlyTheNewestOtherEventsNewestFirst() {
        for (int i = 1; i <= 5; i++) {
            calls.addOther(new ReceivedCalls.OtherEvent("type_" + i, null, null, NOW));
        }

        assertThat(calls.others()).extracting(ReceivedCalls.OtherEvent::type)
                .containsExactly("type_5", "type_4", "type_3");
    }

    @Test
    void aCallsTranscriptIsKeptAndCannotBeChangedAfterwards() {
        List<ReceivedCalls.Turn> turns = new java.util.ArrayList<>(List.of(
                new ReceivedCalls.Turn("user", 3, "hello", List.of())));
        calls.addCall(Reports.call("c1", 10, 1L, null, SUCCESS), turns, NOW);
        turns.clear();

        assertThat(calls.calls().get(0).transcript()).containsExactly(
                new ReceivedCalls.Turn("user", 3, "hello", List.of()));
    }
}
