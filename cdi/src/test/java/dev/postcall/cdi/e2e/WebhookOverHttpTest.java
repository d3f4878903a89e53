package dev.postcall.cdi.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postcall.CallReport;
import dev.postcall.PostCallEvent;
import dev.postcall.servlet.PostCallWebhookFilter;
import dev.postcall.signature.WebhookSigner;
import dev.postcall.testsupport.TestData;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole path as a Tomcat or Jetty user deploys it ({@link WebhookStack}: embedded Jetty 12, Weld started by
 * weld-servlet's listener, the filter and the servlet on {@code /elevenlabs/webhook}), and a signed fixture POSTed
 * over real HTTP. Nothing registers the CDI handler: the servlet finds it through
 * {@code META-INF/services}, and the observer bean {@link Calls} is found by Weld's discovery.
 */
class WebhookOverHttpTest {

    private static final String SECRET = "wsec_e2e_4f1d9c0b7a6e5d4c3b2a19081726354453627180";
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private WebhookStack stack;
    private URI uri;

    @BeforeEach
    void startServer() throws Exception {
        stack = WebhookStack.builder()
                .filterParam("secret", SECRET)
                // small enough that audio.json (866 bytes) goes to a temp file, deleted after answering
                .filterParam("memory-threshold", "512")
                .start();
        uri = stack.uri();
    }

    @AfterEach
    void stopServer() throws Exception {
        calls().responseReceived();
        stack.close();
    }

    @Test
    void signedTranscriptionReachesTheObserverBean() throws Exception {
        HttpResponse<String> response = postSigned("transcription-phone-inbound.json");

        assertThat(response.statusCode()).isEqualTo(200);
        Calls calls = calls();
        assertThat(calls.calls()).singleElement().satisfies(call -> {
            assertThat(call.type()).isEqualTo("post_call_transcription");
            assertThat(call.conversationId()).isEqualTo("conv_2901k7m4x8rb6tq0zv3wh5njd9sea");
            assertThat(call.agentId()).isEqualTo("agent_3301k6pd7wz2ha9qx5ct8mvy4rne");
        });
        CallReport report = calls.reports().get(0);
        assertThat(report.callerNumber()).isEqualTo("+12025550143");
        assertThat(report.direction()).isEqualTo(CallReport.Direction.INBOUND);
        assertThat(report.duration()).isEqualTo(Duration.ofSeconds(39));
        assertThat(report.cost()).isEqualTo(412L);
        assertThat(report.startTime()).isEqualTo(Instant.ofEpochSecond(1761488650));
        assertThat(report.outcome()).isEqualTo(CallReport.Outcome.SUCCESS);
        assertThat(report.title()).isEqualTo("New patient booking for chipped tooth");
        assertThat(report.language()).isEqualTo("en");
        assertThat(report.collected()).hasSize(4);
        assertThat(calls.everything()).containsExactlyElementsOf(calls.calls());
        CallReport later = calls.later().get(60, TimeUnit.SECONDS);
        // the body was over memory-threshold, so async observers read an equal event over the dispatcher's copy
        assertThat(later).isEqualTo(report);
    }

    @Test
    void throwingObserverGivesTheHandlerFailedProblem() throws Exception {
        HttpResponse<String> response = postSigned("transcription-sip-outbound.json");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonObject problem = Json.createReader(new StringReader(response.body())).readObject();
        assertThat(problem.getString("type")).endsWith("/handler-failed");
        assertThat(problem.getInt("status")).isEqualTo(500);
        assertThat(response.body()).doesNotContain("CRM");
        // the refusing observer has @Priority(1), so the default-priority ones never ran
        assertThat(calls().calls()).isEmpty();
    }

    @Test
    void otherEventTypesReachThePostCallEventObserver() throws Exception {
        assertThat(postSigned("audio.json").statusCode()).isEqualTo(200);
        assertThat(postSigned("unknown-type.json").statusCode()).isEqualTo(200);

        assertThat(calls().everything()).extracting(PostCallEvent::type)
                .containsExactly("post_call_audio", "conversation_escalated");
        assertThat(calls().calls()).isEmpty();
    }

    @Test
    void asyncObserverSavesAudioWhoseRequestBufferIsAlreadyDeleted() throws Exception {
        HttpResponse<String> response = postSigned("audio.json");
        assertThat(response.statusCode()).isEqualTo(200);
        calls().responseReceived();

        byte[] saved = calls().savedAudio().get(60, TimeUnit.SECONDS);

        assertThat(saved).hasSize(486).startsWith('I', 'D', '3');
        assertThat(calls().everything()).extracting(PostCallEvent::type).containsExactly("post_call_audio");
    }

    private Calls calls() {
        return stack.bean(Calls.class);
    }

    private HttpResponse<String> postSigned(String fixture) throws IOException, InterruptedException {
        byte[] body = TestData.bytes(fixture);
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header(PostCallWebhookFilter.SIGNATURE_HEADER, WebhookSigner.header(body, SECRET, Instant.now()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
