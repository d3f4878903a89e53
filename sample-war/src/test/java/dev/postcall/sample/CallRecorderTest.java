package dev.postcall.sample;

import dev.postcall.AudioEvent;
import dev.postcall.BodySource;
import dev.postcall.EventParser;
import dev.postcall.PostCallEvent;
import dev.postcall.TranscriptionEvent;
import dev.postcall.UnknownEvent;
import dev.postcall.testsupport.TestData;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The sample's observers, called with the repository's fixtures parsed as the webhook servlet parses them. */
class CallRecorderTest {

    private static final String PHONE_CALL = "conv_2901k7m4x8rb6tq0zv3wh5njd9sea";

    private final CallRecorder recorder = new CallRecorder();

    private static PostCallEvent parse(byte[] body) throws Exception {
        return new EventParser().parse(BodySource.ofBytes(body));
    }

    @Test
    void aCallIsKeptWithItsTranscriptTurnByTurn() throws Exception {
        recorder.onCall((TranscriptionEvent) parse(TestData.bytes("transcription-phone-inbound.json")));

        ReceivedCalls.Call call = recorder.received().calls().get(0);
        assertThat(call.report().conversationId()).isEqualTo(PHONE_CALL);
        List<ReceivedCalls.Turn> turns = call.transcript();
        assertThat(turns).hasSize(8);
        assertThat(turns.get(0)).isEqualTo(new ReceivedCalls.Turn("agent", 0,
                "Good afternoon, Harbor Dental, this is Robin. How can I help you today?", List.of()));
        assertThat(turns.get(1)).isEqualTo(new ReceivedCalls.Turn("user", 5,
                "Hi, I chipped a tooth and I'd like to come in this week if possible.", List.of()));
        // a turn that only calls a tool has no message
        assertThat(turns.get(2)).isEqualTo(new ReceivedCalls.Turn("agent", 9, null, List.of("check_availability")));
        assertThat(turns.get(5).toolCalls()).containsExactly("book_appointment");
        assertThat(turns.get(7)).isEqualTo(new ReceivedCalls.Turn("agent", 36, "See you Tuesday. Goodbye!",
                List.of("end_call")));
    }

    @Test
    void aCallIsMarkedAsBroughtByTheWebhookOrFetchedByBackfill() throws Exception {
        String webhook = new String(TestData.bytes("transcription-phone-inbound.json"), StandardCharsets.UTF_8);
        String backfilled = webhook.replaceFirst("\\{", "{\"postcall_backfilled\":true,")
                .replace(PHONE_CALL, "conv_backfilled");

        recorder.onCall((TranscriptionEvent) parse(webhook.getBytes(StandardCharsets.UTF_8)));
        recorder.onCall((TranscriptionEvent) parse(backfilled.getBytes(StandardCharsets.UTF_8)));

        assertThat(recorder.received().calls()).extracting(c -> c.report().conversationId(),
                ReceivedCalls.Call::backfilled).containsExactly(org.assertj.core.groups.Tuple.tuple("conv_backfilled",
                true), org.assertj.core.groups.Tuple.tuple(PHONE_CALL, false));
    }

    @Test
    void aTranscriptThatDoesNotFitTheModelLeavesTheCallWithoutTurns() throws Exception {
        String body = new String(TestData.bytes("transcription-phone-inbound.json"), StandardCharsets.UTF_8);
        String broken = body.replace("\"message\": \"Good afternoon, Harbor Dental, this is Robin. How can I help you today?\"",
                "\"message\": {\"not\": \"a string\"}");
        assertThat(broken).isNotEqualTo(body);

        recorder.onCall((TranscriptionEvent) parse(broken.getBytes(StandardCharsets.UTF_8)));

        ReceivedCalls.Call call = recorder.received().calls().get(0);
        assertThat(call.report().callerNumber()).isEqualTo("+12025550143");
        assertThat(call.report().turnCount()).isEqualTo(8);
        assertThat(call.transcript()).isEmpty();
    }

    @Test
    void aCallWhoseWebhookLeftTheTranscriptOutIsKeptWithoutTurnsAndSaysSo() throws Exception {
        recorder.onCall((TranscriptionEvent) parse(TestData.bytes("transcription-no-transcript.json")));

        ReceivedCalls.Call call = recorder.received().calls().get(0);
        assertThat(call.transcript()).isEmpty();
        assertThat(call.report().transcriptSent()).isFalse();
        assertThat(call.report().turnCount()).isNull();
        assertThat(call.report().summary()).startsWith("The caller asked why their December bill was higher");
    }

    @Test
    void anAnsweringMachineVerdictIsListedAmongTheOtherEvents() throws Exception {
        recorder.onOther((UnknownEvent) parse(TestData.bytes("answering-machine-detection.json")));

        assertThat(recorder.received().others()).singleElement().satisfies(other -> {
            assertThat(other.type()).isEqualTo("answering_machine_detection");
            assertThat(other.conversationId()).isEqualTo("conv_8301k9f2w5qn7ty0ur3ie6wo9pas");
            assertThat(other.eventTime()).isEqualTo(Instant.ofEpochSecond(1765286430));
        });
        assertThat(recorder.received().calls()).isEmpty();
    }

    @Test
    void anEventOfAnUnknownTypeIsListedWithItsTypeTimeAndConversation() throws Exception {
        recorder.onOther((UnknownEvent) parse(TestData.bytes("unknown-type.json")));
        recorder.onOther((UnknownEvent) parse("{\"type\":\"agent_updated\",\"data\":{}}".getBytes(StandardCharsets.UTF_8)));

        List<ReceivedCalls.OtherEvent> others = recorder.received().others();
        assertThat(others).hasSize(2);
        assertThat(others.get(0).type()).isEqualTo("agent_updated");
        assertThat(others.get(0).conversationId()).isNull();
        assertThat(others.get(0).eventTime()).isNull();
        ReceivedCalls.OtherEvent escalated = others.get(1);
        assertThat(escalated.type()).isEqualTo("conversation_escalated");
        assertThat(escalated.conversationId()).isEqualTo("conv_0301k7w1e5rt8yu2io4pa6sd9fgh");
        assertThat(escalated.eventTime()).isEqualTo(Instant.ofEpochSecond(1761700000));
        assertThat(escalated.receivedAt()).isNotNull();
    }

    @Test
    void theBundledRecordingIsSavedForItsCallAndDeletedWhenTheApplicationStops() throws Exception {
        recorder.onCall((TranscriptionEvent) parse(TestData.bytes("transcription-phone-inbound.json")));
        recorder.onAudio((AudioEvent) parse(TestData.bytes("audio-speech.json")));

        Path file = recorder.received().audio(PHONE_CALL).orElseThrow();
        assertThat(Files.size(file)).isEqualTo(9995);
        assertThat(Files.readAllBytes(file)).startsWith('I', 'D', '3');

        recorder.deleteAudioFolder(new Object());

        assertThat(file).doesNotExist();
        assertThat(file.getParent()).doesNotExist();
    }
}
