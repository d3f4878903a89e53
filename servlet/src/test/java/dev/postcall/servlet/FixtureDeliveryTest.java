package dev.postcall.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postcall.testsupport.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.postcall.AudioEvent;
import dev.postcall.CallReport;
import dev.postcall.CallInitiationFailureEvent;
import dev.postcall.PostCallEvent;
import dev.postcall.TranscriptionEvent;
import dev.postcall.UnknownEvent;
import dev.postcall.model.AuthorizationMethod;
import dev.postcall.model.CallResult;
import dev.postcall.model.CampaignConversationType;
import dev.postcall.model.ConversationMetadata;
import dev.postcall.model.GuardrailType;
import dev.postcall.model.InitiationSource;
import dev.postcall.model.PlatformEvent;
import dev.postcall.model.SourceMedium;
import dev.postcall.model.ToolResult;
import dev.postcall.model.TranscriptTurn;
import dev.postcall.model.TranscriptionData;

/** Every shared fixture, signed and posted over HTTP, reaches the handler as the right event. */
class FixtureDeliveryTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        // every fixture dispatched: some share a conversation (a transcription and its recording fixtures), which
        // a store that recognises deliveries would take for repeats
        server = TestServer.builder().servletParam(DeliverySettings.DELIVERY_LEDGER, "off").start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static Path fixtures() {
        return TestData.fixtures();
    }

    static List<Path> events() throws IOException {
        try (Stream<Path> files = Files.list(fixtures())) {
            return files.filter(f -> f.toString().endsWith(".json"))
                    .filter(f -> !f.getFileName().toString().equals("signature-vectors.json"))
                    .sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("events")
    void signedFixtureIsAcknowledgedWith200AndHandedOnAsItsType(Path fixture) throws Exception {
        byte[] body = Files.readAllBytes(fixture);
        JsonObject json = Json.createReader(new StringReader(new String(body, StandardCharsets.UTF_8))).readObject();
        JsonObject data = json.getJsonObject("data");
        int before = server.handler.events().size();

        HttpResponse<String> response = server.postSigned(body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"received\":true}");
        List<PostCallEvent> events = server.handler.events();
        assertThat(events).hasSize(before + 1);
        PostCallEvent event = events.get(before);
        String type = json.getString("type");
        assertThat(event.type()).isEqualTo(type);
        assertThat(event.conversationId()).isEqualTo(data.getString("conversation_id"));
        assertThat(event.agentId()).isEqualTo(data.getString("agent_id"));
        assertThat(event.eventTimestamp()).isEqualTo(json.getJsonNumber("event_timestamp").longValue());
        try (InputStream in = event.body().openStream()) {
            assertThat(in.readAllBytes()).isEqualTo(body);
        }
        switch (type) {
            case "post_call_transcription":
                assertThat(event).isInstanceOf(TranscriptionEvent.class);
                assertTranscription(fixture.getFileName().toString(), (TranscriptionEvent) event);
                break;
            case "post_call_audio":
                assertThat(event).isInstanceOf(AudioEvent.class);
                try (InputStream audio = ((AudioEvent) event).openStream()) {
                    byte[] mp3 = audio.readAllBytes();
                    // audio.json: a tag and one frame; audio-speech.json: five seconds of speech
                    assertThat(mp3).hasSize(fixture.getFileName().toString().equals("audio.json") ? 486 : 9995);
                    assertThat(new String(mp3, 0, 3, StandardCharsets.ISO_8859_1)).isEqualTo("ID3");
                }
                break;
            case "call_initiation_failure":
                assertThat(event).isInstanceOf(CallInitiationFailureEvent.class);
                CallInitiationFailureEvent failure = (CallInitiationFailureEvent) event;
                if (fixture.getFileName().toString().equals("failure-sip.json")) {
                    assertThat(failure.failureReason()).isEqualTo("busy");
                    assertThat(failure.provider()).isEqualTo("sip");
                    assertThat(failure.sipStatusCode()).isEqualTo(486);
                } else {
                    assertThat(failure.failureReason()).isEqualTo("no-answer");
                    assertThat(failure.provider()).isEqualTo("twilio");
                    assertThat(failure.sipStatusCode()).isEqualTo(480);
                }
                break;
            default:
                // a type postcall does not model, such as the answering machine verdict whose payload the vendor
                // does not specify: 200, an UnknownEvent, the raw JSON kept
                assertThat(event).isInstanceOf(UnknownEvent.class);
                assertThat(((UnknownEvent) event).json()).isEqualTo(json);
                if (type.equals("conversation_escalated")) {
                    assertThat(((UnknownEvent) event).json().getJsonObject("data").getJsonObject("escalation")
                            .getString("queue")).isEqualTo("billing");
                } else {
                    assertThat(type).isEqualTo("answering_machine_detection");
                }
        }
    }

    /** The expected outcomes the fixtures README gives for each transcription. */
    private static void assertTranscription(String file, TranscriptionEvent call) {
        CallReport report = call.report();
        switch (file) {
            case "transcription-minimal.json":
                assertThat(report.turnCount()).isEqualTo(3);
                assertThat(report.duration()).isEqualTo(Duration.ofSeconds(31));
                assertThat(report.cost()).isEqualTo(187L);
                assertThat(report.outcome()).isEqualTo(CallReport.Outcome.SUCCESS);
                break;
            case "transcription-phone-inbound.json":
                assertThat(report.callerNumber()).isEqualTo("+12025550143");
                assertThat(report.direction()).isEqualTo(CallReport.Direction.INBOUND);
                assertThat(report.duration()).isEqualTo(Duration.ofSeconds(39));
                assertThat(report.cost()).isEqualTo(412L);
                assertThat(report.collected()).hasSize(4);
                break;
            case "transcription-sip-outbound.json":
                assertThat(report.direction()).isEqualTo(CallReport.Direction.OUTBOUND);
                assertThat(report.calledNumber()).isEqualTo("+34600000457");
                assertThat(report.language()).isEqualTo("es");
                break;
            case "transcription-with-audio-flags.json":
                assertThat(report.callerNumber()).isNull();
                break;
            case "transcription-extra-fields.json":
                assertThat(report.callerNumber()).isEqualTo("+13125550117");
                assertThat(report.turnCount()).isEqualTo(3);
                break;
            case "transcription-no-transcript.json":
                assertThat(report.transcriptSent()).isFalse();
                assertThat(report.turnCount()).as("not 0 turns").isNull();
                assertThat(call.data().transcriptSent()).isFalse();
                assertThat(report.customerNumber()).isEqualTo("+442079460587");
                assertThat(report.agentNumber()).isEqualTo("+442079460120");
                assertThat(report.queueWait()).isEqualTo(Duration.ofMillis(37_400));
                assertThat(report.duration()).isEqualTo(Duration.ofSeconds(104));
                assertThat(report.callResult().value()).isEqualTo(CallResult.ANSWERED);
                assertThat(call.data().metadata().authorizationMethod().value())
                        .isEqualTo(AuthorizationMethod.AVAYA_API_KEY);
                assertThat(call.data().metadata().conversationInitiationSource().value())
                        .isEqualTo(InitiationSource.AVAYA);
                break;
            case "transcription-unknown-direction.json":
                assertThat(report.direction()).isEqualTo(CallReport.Direction.UNKNOWN);
                assertThat(report.callerNumber()).isNull();
                assertThat(report.calledNumber()).isNull();
                assertThat(report.customerNumber()).isEqualTo("+13125550149");
                assertThat(report.agentNumber()).isEqualTo("+13125550100");
                assertThat(report.turnCount()).isEqualTo(3);
                assertThat(call.data().metadata().authorizationMethod().value())
                        .isEqualTo(AuthorizationMethod.AUDIOCODES_API_KEY);
                assertThat(call.data().metadata().conversationInitiationSource().value())
                        .isEqualTo(InitiationSource.AUDIOCODES);
                assertThat(((ToolResult.SystemTool) call.data().transcript().get(2).toolResults().get(0)).result()
                        .resultType()).isEqualTo("transfer_to_number_amazon_connect_success");
                break;
            case "transcription-newer-fields.json":
                assertNewerFields(call);
                break;
            case "transcription-whatsapp.json":
                assertThat(report.direction()).isEqualTo(CallReport.Direction.NONE);
                assertThat(report.customerNumber()).isNull();
                assertThat(call.data().metadata().whatsapp().recipient().phone()).isEqualTo("+447700900318");
                assertThat(call.data().metadata().whatsapp().recipient().bsuid())
                        .isEqualTo("bsuid_3401k9p5l7zx9cv1bn3mq5wr7e");
                assertThat(call.data().transcript().get(0).fileInputs()).hasSize(3);
                break;
            default:
                throw new AssertionError("a new transcription fixture needs its expected values here: " + file);
        }
    }

    /** The members the vendor's SDK 2.73.0 added, where a user reads them. */
    private static void assertNewerFields(TranscriptionEvent call) {
        CallReport report = call.report();
        assertThat(report.turnCount()).isEqualTo(6);
        assertThat(report.callResult().value()).isEqualTo(CallResult.ANSWERED);
        assertThat(report.queueWait()).isNull();
        assertThat(report.dynamicVariables().get("policy").toString())
                .isEqualTo("{\"id\":\"BS-20-4471\",\"tier\":\"gold\",\"vehicles\":2}");
        assertThat(report.dynamicVariables().get("products").toString()).isEqualTo("[\"home\",\"auto\"]");
        TranscriptionData data = call.data();
        List<TranscriptTurn> turns = data.transcript();
        assertThat(turns.get(0).id()).isEqualTo("turn_01k9m3n5c0aa1bb2cc3dd4ee5f");
        assertThat(turns.get(0).producingLlm()).isEqualTo("gemini-2.5-flash");
        assertThat(turns.get(0).voiceId()).isEqualTo("voice_7k2m9q4x8w1n5r3t6y0b");
        assertThat(turns.get(1).sourceMedium().value()).isEqualTo(SourceMedium.DTMF);
        assertThat(turns.get(2).platformEvent().value()).isEqualTo(PlatformEvent.USER_TURN_TIMEOUT);
        assertThat(turns.get(3).triggeredGuardrails()).extracting(g -> g.guardrailType().value())
                .containsExactly(GuardrailType.MEDICAL_AND_LEGAL, GuardrailType.CUSTOM);
        assertThat(turns.get(3).triggeredGuardrails().get(1).guardrailName()).isEqualTo("No premium promises");
        assertThat(turns.stream().flatMap(t -> t.toolResults().stream())
                .map(r -> ((ToolResult.SystemTool) r).result().resultType())).containsExactly(
                        "start_procedure_success", "knowledge_base_success", "end_procedure_success",
                        "start_procedure_error", "end_procedure_error");
        ToolResult.SystemOutcome started = ((ToolResult.SystemTool) turns.get(0).toolResults().get(0)).result();
        assertThat(started.procedureId()).isEqualTo("proc_renewal_v3");
        assertThat(started.procedureName()).isEqualTo("Policy renewal");
        ConversationMetadata meta = data.metadata();
        assertThat(meta.batchCall().campaign().campaignId()).isEqualTo("cmpgn_9201k9k7z1xc3vb5nm7qw9er1tyu");
        assertThat(meta.batchCall().campaign().conversationType().value())
                .isEqualTo(CampaignConversationType.RETRY);
        assertThat(meta.batchCall().campaign().coldAttempt()).isEqualTo(2);
        assertThat(meta.charging().analysis().total().runs()).isEqualTo(2);
        assertThat(meta.charging().analysis().lastRun().charge()).isEqualTo(3.0);
        assertThat(data.analysis().dataCollectionResults().get("renewed").name()).isEqualTo("Policy renewed");
        assertThat(data.conversationInitiationClientData().procedureIds()).containsExactly("proc_renewal_v3");
    }
}
