package dev.postcall.sample;

import dev.postcall.signature.WebhookSigner;
import dev.postcall.testing.SamplePayloads;
import dev.postcall.testsupport.TestData;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample deployed on a real server (Tomcat 10.1 and 11 and Jetty 12.1 with the bundled WAR; WildFly 39, Open
 * Liberty 26, Payara Micro 6 and 7 and GlassFish 8 with the plain one; one failsafe execution each, listed in
 * sample-war/pom.xml): signed deliveries go through the filter, the servlet and CDI into the page's data; bad ones are
 * refused before they reach it. The secret the ITs sign with is the server's ({@code postcall.it.secret}): from the
 * environment, from JNDI on Tomcat 11, from MicroProfile Config on Open Liberty.
 */
class WebhookDeliveryIT {

    private static final String PHONE_CALL = "conv_2901k7m4x8rb6tq0zv3wh5njd9sea";
    private static SampleServer server;

    @BeforeAll
    static void serverIsUp() {
        server = SampleServer.running();
    }

    @Test
    void everyBundledSampleSignedIsAcceptedAndShown() throws Exception {
        for (String name : SamplePayloads.names()) {
            // signed now; a transcription or recording an earlier test sent is recognised by its conversation and
            // answered 200 all the same, and the entries checked below are there either way
            HttpResponse<String> response = server.deliver(SamplePayloads.bytes(name, Instant.now()));
            assertThat(response.statusCode()).as("%s on %s: %s", name, server.name, response.body()).isEqualTo(200);
        }

        JsonObject call = server.entry("calls", PHONE_CALL).orElseThrow();
        assertThat(call.getString("callerNumber")).isEqualTo("+12025550143");
        assertThat(call.getString("calledNumber")).isEqualTo("+14155550188");
        assertThat(call.getString("direction")).isEqualTo("INBOUND");
        assertThat(call.getJsonNumber("durationSecs").longValue()).isEqualTo(39);
        assertThat(call.getJsonNumber("cost").longValue()).isEqualTo(412);
        assertThat(call.getString("outcome")).isEqualTo("SUCCESS");
        assertThat(call.getString("title")).isEqualTo("New patient booking for chipped tooth");
        assertThat(call.getString("summary")).startsWith("A new patient called about a chipped tooth");
        assertThat(call.getJsonObject("collected").getString("patient_name")).isEqualTo("Marco Bellini");
        assertThat(call.getJsonObject("collected").getBoolean("is_new_patient")).isTrue();
        assertThat(call.getJsonObject("collected").getJsonNumber("urgency_level").intValue()).isEqualTo(3);
        assertThat(call.getJsonObject("evaluations").getString("verified_callback_number")).isEqualTo("FAILURE");
        assertThat(call.getString("audioUrl")).isEqualTo("api/calls/" + PHONE_CALL + "/audio");

        JsonObject sip = server.entry("calls", "conv_6601k7r5b2hc8yw1dq4xe7mz0tfa").orElseThrow();
        assertThat(sip.getString("direction")).isEqualTo("OUTBOUND");
        assertThat(sip.getString("language")).isEqualTo("es");

        JsonObject busy = server.entry("failures", "conv_5501k7rb1mx4tq8wz0ce3vh6ynda").orElseThrow();
        assertThat(busy.getString("reason")).isEqualTo("busy");
        assertThat(busy.getString("provider")).isEqualTo("sip");
        assertThat(busy.getInt("sipStatusCode")).isEqualTo(486);
        JsonObject noAnswer = server.entry("failures", "conv_5501k7r9c3qd7zx2vb6ne0yt4mwa").orElseThrow();
        assertThat(noAnswer.getString("reason")).isEqualTo("no-answer");
        assertThat(noAnswer.getString("provider")).isEqualTo("twilio");
        assertThat(noAnswer.getInt("sipStatusCode")).isEqualTo(480);

        JsonObject analytics = server.dashboard().getJsonObject("analytics");
        assertThat(analytics.getInt("callsReceived")).isGreaterThanOrEqualTo(3);
        assertThat(analytics.getJsonObject("failuresByReason").getInt("busy")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void theCallsAudioIsServedAsMpeg() throws Exception {
        assertThat(server.deliver(SamplePayloads.bytes("audio", Instant.now())).statusCode()).isEqualTo(200);

        HttpResponse<byte[]> audio = server.getBytes("api/calls/" + PHONE_CALL + "/audio");

        assertThat(audio.statusCode()).isEqualTo(200);
        assertThat(audio.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("audio/mpeg"));
        assertThat(audio.body()).hasSize(9995).startsWith('I', 'D', '3');
    }

    @Test
    void everyFixtureSignedIsAccepted() throws Exception {
        Path fixtures = TestData.fixtures();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(fixtures)) {
            list.filter(f -> f.toString().endsWith(".json"))
                    .filter(f -> !f.getFileName().toString().equals("signature-vectors.json"))
                    .sorted().forEach(files::add);
        }
        assertThat(files).as("fixtures in %s", fixtures).hasSizeGreaterThanOrEqualTo(9);

        for (Path file : files) {
            HttpResponse<String> response = server.deliver(Files.readAllBytes(file));
            assertThat(response.statusCode()).as("%s on %s: %s", file.getFileName(), server.name, response.body())
                    .isEqualTo(200);
        }
        assertThat(server.entry("calls", "conv_7401k7j2d9fq3wz8hy6vts0a1cmb")).as("transcription-minimal")
                .hasValueSatisfying(c -> assertThat(c.getJsonNumber("durationSecs").longValue()).isEqualTo(31));
    }

    @Test
    void aBadSignatureIsRefusedWith401AndNothingIsRecorded() throws Exception {
        String id = TestCalls.newConversationId();
        byte[] body = TestCalls.payload("transcription", id, Instant.now());

        HttpResponse<String> response = server.deliver(body,
                WebhookSigner.header(body, server.secret + "-wrong", Instant.now()));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(server.entry("calls", id)).isEmpty();
    }

    @Test
    void aStaleTimestampIsRefusedWith401AndNothingIsRecorded() throws Exception {
        String id = TestCalls.newConversationId();
        byte[] body = TestCalls.payload("transcription", id, Instant.now());

        HttpResponse<String> response = server.deliver(body,
                WebhookSigner.header(body, server.secret, Instant.now().minus(Duration.ofMinutes(31))));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(server.entry("calls", id)).isEmpty();
    }

    @Test
    void anUnknownTypeIsAcknowledgedWith200AndShowsNoCall() throws Exception {
        String id = TestCalls.newConversationId();

        HttpResponse<String> response = server.deliver(TestCalls.payload("unknown", id, Instant.now()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(server.entry("calls", id)).isEmpty();
        assertThat(server.entry("failures", id)).isEmpty();
    }

    @Test
    void whatTheVendorsNewerWebhooksCarryReachesThePagesData() throws Exception {
        SampleServer.NewerWebhooks sent = server.deliverNewerWebhooks(Instant.now());

        JsonObject call = server.entry("calls", sent.notSent()).orElseThrow();
        assertThat(call.getBoolean("transcriptSent")).isFalse();
        assertThat(call).doesNotContainKey("turnCount");
        assertThat(call.getJsonArray("transcript")).isEmpty();
        assertThat(call.getString("summary")).startsWith("The caller asked why their December bill was higher");
        assertThat(call.getString("customerNumber")).isEqualTo("+442079460587");
        assertThat(call.getString("agentNumber")).isEqualTo("+442079460120");
        assertThat(call.getJsonNumber("queueWaitSecs").doubleValue()).isEqualTo(37.4);
        assertThat(call.getString("callResult")).isEqualTo("answered");

        JsonObject unknown = server.entry("calls", sent.unknownDirection()).orElseThrow();
        assertThat(unknown.getString("direction")).isEqualTo("UNKNOWN");
        assertThat(unknown).doesNotContainKeys("callerNumber", "calledNumber");
        assertThat(unknown.getString("customerNumber")).isEqualTo("+13125550149");
        assertThat(unknown.getString("agentNumber")).isEqualTo("+13125550100");
        assertThat(unknown.getBoolean("transcriptSent")).isTrue();
        assertThat(unknown.getInt("turnCount")).isEqualTo(3);

        // the answering machine verdict, whose payload the vendor does not specify, is one of the other events
        assertThat(server.entry("others", sent.verdict())).hasValueSatisfying(
                o -> assertThat(o.getString("type")).isEqualTo("answering_machine_detection"));
        assertThat(server.entry("calls", sent.verdict())).isEmpty();
    }

    @Test
    void theTestCallControlSignsAndPostsThroughTheWebhook() throws Exception {
        HttpResponse<String> response = server.post("api/test-call?sample=transcription");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonObject sent = jakarta.json.Json.createReader(new java.io.StringReader(response.body())).readObject();
        assertThat(sent.getInt("webhookStatus")).isEqualTo(200);
        String id = sent.getString("conversationId");
        assertThat(id).startsWith("conv_test_");
        assertThat(server.entry("calls", id)).hasValueSatisfying(c ->
                assertThat(c.getString("callerNumber")).isEqualTo("+12025550143"));
    }

    @Test
    void thePageAndItsAssetsAreServedFromTheWar() throws IOException, InterruptedException {
        HttpResponse<String> page = server.get("");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("text/html"));
        assertThat(page.body()).contains("Send a test call").doesNotContain("https://");
        assertThat(server.get("app.js").statusCode()).isEqualTo(200);
        assertThat(server.get("app.css").statusCode()).isEqualTo(200);
    }
}
