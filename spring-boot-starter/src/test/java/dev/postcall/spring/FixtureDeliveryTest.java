package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import dev.postcall.AudioEvent;
import dev.postcall.CallInitiationFailureEvent;
import dev.postcall.CallReport;
import dev.postcall.TranscriptionEvent;
import dev.postcall.UnknownEvent;
import dev.postcall.testsupport.TestData;

/**
 * Every fixture of {@code testdata/fixtures}, signed and posted over HTTP to an application of only Spring Boot's web
 * starter and this one, reaches the {@code @EventListener} of its type and the one of {@code PostCallEvent}, with
 * the values the fixtures' README gives; and the condition on the agent picks that agent's calls only.
 */
@SpringBootTest(classes = ListenerApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // every fixture published: some share a conversation, which a store that recognises deliveries takes for
        // repeats (a transcription's and a recording's key is their conversation)
        properties = {"postcall.secret=" + Webhook.SECRET, "postcall.delivery-ledger=off"})
class FixtureDeliveryTest {

    @Value("${local.server.port}")
    int port;

    @Autowired
    Recorder recorder;

    @BeforeEach
    void reset() {
        recorder.reset();
    }

    static List<Path> fixtures() throws IOException {
        try (Stream<Path> files = Files.list(TestData.fixtures())) {
            return files.filter(f -> f.toString().endsWith(".json"))
                    .filter(f -> !f.getFileName().toString().equals("signature-vectors.json"))
                    .sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void aSignedFixtureReachesTheListenersOfItsTypeWithItsValues(Path fixture) throws Exception {
        byte[] body = Files.readAllBytes(fixture);
        JsonObject json = Json.createReader(new StringReader(new String(body, StandardCharsets.UTF_8))).readObject();
        JsonObject data = json.getJsonObject("data");
        String type = json.getString("type");

        HttpResponse<String> response = Webhook.postSigned(port, body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"received\":true}");
        List<Recorder.Seen> any = recorder.of("any");
        assertThat(any).hasSize(1);
        Recorder.Seen seen = any.get(0);
        assertThat(seen.event().type()).isEqualTo(type);
        assertThat(seen.event().conversationId()).isEqualTo(data.getString("conversation_id"));
        assertThat(seen.event().agentId()).isEqualTo(data.getString("agent_id"));
        assertThat(seen.event().eventTimestamp()).isEqualTo(json.getJsonNumber("event_timestamp").longValue());
        assertThat(seen.body()).isEqualTo(body);
        // published once, to its own type's listener and to PostCallEvent's, on the request thread
        assertThat(recorder.seen).hasSize(2);
        Recorder.Seen typed = recorder.seen.stream().filter(s -> !s.listener().equals("any")).findFirst().orElseThrow();
        assertThat(typed.event()).isSameAs(seen.event());
        assertThat(typed.thread()).isSameAs(seen.thread());
        String file = fixture.getFileName().toString();
        switch (type) {
            case "post_call_transcription" -> {
                assertThat(typed.listener()).isEqualTo("transcription");
                assertThat(typed.event()).isInstanceOf(TranscriptionEvent.class);
                assertTranscription(file, (CallReport) typed.read());
            }
            case "post_call_audio" -> {
                assertThat(typed.listener()).isEqualTo("audio");
                assertThat(typed.event()).isInstanceOf(AudioEvent.class);
                byte[] mp3 = (byte[]) typed.read();
                assertThat(mp3).hasSize(file.equals("audio.json") ? 486 : 9995);
                assertThat(new String(mp3, 0, 3, StandardCharsets.ISO_8859_1)).isEqualTo("ID3");
            }
            case "call_initiation_failure" -> {
                assertThat(typed.listener()).isEqualTo("failure");
                CallInitiationFailureEvent failure = (CallInitiationFailureEvent) typed.event();
                if (file.equals("failure-sip.json")) {
                    assertThat(failure.failureReason()).isEqualTo("busy");
                    assertThat(failure.provider()).isEqualTo("sip");
                    assertThat(failure.sipStatusCode()).isEqualTo(486);
                } else {
                    assertThat(failure.failureReason()).isEqualTo("no-answer");
                    assertThat(failure.provider()).isEqualTo("twilio");
                    assertThat(failure.sipStatusCode()).isEqualTo(480);
                }
            }
            default -> {
                assertThat(typed.listener()).isEqualTo("unknown");
                assertThat(typed.event()).isInstanceOf(UnknownEvent.class);
                if (file.equals("answering-machine-detection.json")) {
                    // a payload the vendor does not specify: kept whole, raw
                    assertThat(typed.event().type()).isEqualTo("answering_machine_detection");
                    assertThat(((JsonObject) typed.read()).getJsonObject("data").getString("conversation_id"))
                            .isEqualTo("conv_8301k9f2w5qn7ty0ur3ie6wo9pas");
                } else {
                    assertThat(((JsonObject) typed.read()).getJsonObject("data").getJsonObject("escalation")
                            .getString("queue")).isEqualTo("billing");
                }
            }
        }
    }

    @Test
    void theConditionOnTheAgentPicksThatAgentsCallsOnly() throws Exception {
        byte[] other = Fixtures.withIds("transcription-minimal.json", "agent_other", "conv_condition_1");
        byte[] mine = Fixtures.withIds("transcription-minimal.json", "agent_7f3a", "conv_condition_2");

        assertThat(Webhook.postSigned(port, other).statusCode()).isEqualTo(200);
        assertThat(Webhook.postSigned(port, mine).statusCode()).isEqualTo(200);

        assertThat(recorder.of("transcription")).hasSize(2);
        assertThat(recorder.of("agent_7f3a")).singleElement()
                .satisfies(seen -> assertThat(seen.event().conversationId()).isEqualTo("conv_condition_2"));
        assertThat(recorder.of("agent_7f3a by index")).singleElement()
                .satisfies(seen -> assertThat(seen.event().conversationId()).isEqualTo("conv_condition_2"));
    }

    /** The expected outcomes the fixtures' README gives for each transcription. */
    private static void assertTranscription(String file, CallReport report) {
        switch (file) {
            case "transcription-minimal.json" -> {
                assertThat(report.turnCount()).isEqualTo(3);
                assertThat(report.duration()).isEqualTo(Duration.ofSeconds(31));
                assertThat(report.cost()).isEqualTo(187L);
                assertThat(report.outcome()).isEqualTo(CallReport.Outcome.SUCCESS);
            }
            case "transcription-phone-inbound.json" -> {
                assertThat(report.callerNumber()).isEqualTo("+12025550143");
                assertThat(report.direction()).isEqualTo(CallReport.Direction.INBOUND);
                assertThat(report.duration()).isEqualTo(Duration.ofSeconds(39));
                assertThat(report.cost()).isEqualTo(412L);
                assertThat(report.collected()).hasSize(4);
            }
            case "transcription-sip-outbound.json" -> {
                assertThat(report.direction()).isEqualTo(CallReport.Direction.OUTBOUND);
                assertThat(report.calledNumber()).isEqualTo("+34600000457");
                assertThat(report.language()).isEqualTo("es");
            }
            case "transcription-with-audio-flags.json" -> assertThat(report.callerNumber()).isNull();
            case "transcription-extra-fields.json" -> {
                assertThat(report.callerNumber()).isEqualTo("+13125550117");
                assertThat(report.turnCount()).isEqualTo(3);
            }
            case "transcription-no-transcript.json" -> {
                assertThat(report.transcriptSent()).isFalse();
                assertThat(report.turnCount()).isNull();
                assertThat(report.customerNumber()).isEqualTo("+442079460587");
                assertThat(report.queueWait()).isEqualTo(Duration.ofMillis(37_400));
            }
            case "transcription-unknown-direction.json" -> {
                assertThat(report.direction()).isEqualTo(CallReport.Direction.UNKNOWN);
                assertThat(report.callerNumber()).isNull();
                assertThat(report.customerNumber()).isEqualTo("+13125550149");
                assertThat(report.agentNumber()).isEqualTo("+13125550100");
            }
            case "transcription-newer-fields.json" -> {
                assertThat(report.turnCount()).isEqualTo(6);
                assertThat(report.callResult().raw()).isEqualTo("answered");
                assertThat(report.dynamicVariables().get("policy").toString())
                        .isEqualTo("{\"id\":\"BS-20-4471\",\"tier\":\"gold\",\"vehicles\":2}");
            }
            case "transcription-whatsapp.json" -> {
                assertThat(report.direction()).isEqualTo(CallReport.Direction.NONE);
                assertThat(report.turnCount()).isEqualTo(2);
            }
            default -> throw new AssertionError("a new transcription fixture needs its expected values here: " + file);
        }
    }
}
