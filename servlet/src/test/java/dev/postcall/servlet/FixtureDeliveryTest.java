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

/** Every shared fixture, signed and posted over HTTP, reaches the handler as the right event. */
class FixtureDeliveryTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
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
                assertTranscription(fixture.getFileName().toString(), ((TranscriptionEvent) event).report());
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
                assertThat(event).isInstanceOf(UnknownEvent.class);
                assertThat(((UnknownEvent) event).json().getJsonObject("data").getJsonObject("escalation")
                        .getString("queue")).isEqualTo("billing");
        }
    }

    /** The expected outcomes the fixtures README gives for each transcription. */
    private static void assertTranscription(String file, CallReport report) {
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
            default:
                throw new AssertionError("a new transcription fixture needs its expected values here: " + file);
        }
    }
}
