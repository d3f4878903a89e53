package dev.postcall.sample;

import com.sun.net.httpserver.HttpServer;
import dev.postcall.signature.SignatureVerifier;
import dev.postcall.testing.SamplePayloads;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestCallsTest {

    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    private static JsonObject json(byte[] bytes) {
        return Json.createReader(new ByteArrayInputStream(bytes)).readObject();
    }

    @Test
    void aTestCallIsTheSampleWithANewConversationEndingNow() {
        JsonObject sample = json(SamplePayloads.bytes("transcription"));

        JsonObject sent = json(TestCalls.payload("transcription", "conv_test_1", NOW));

        assertThat(sent.getJsonNumber("event_timestamp").longValue()).isEqualTo(NOW.getEpochSecond());
        JsonObject data = sent.getJsonObject("data");
        assertThat(data.getString("conversation_id")).isEqualTo("conv_test_1");
        assertThat(data.getJsonObject("metadata").getJsonNumber("start_time_unix_secs").longValue())
                .isEqualTo(NOW.getEpochSecond() - 39);
        // everything else as the sample has it
        assertThat(data.getJsonObject("analysis")).isEqualTo(sample.getJsonObject("data").getJsonObject("analysis"));
        assertThat(data.getJsonArray("transcript")).isEqualTo(sample.getJsonObject("data").getJsonArray("transcript"));
    }

    @Test
    void samplesWithoutMetadataOnlyGetTheirIdAndTimestamp() {
        JsonObject sent = json(TestCalls.payload("audio", "conv_test_2", NOW));

        assertThat(sent.getJsonObject("data").getString("conversation_id")).isEqualTo("conv_test_2");
        assertThat(sent.getJsonObject("data").getString("full_audio"))
                .isEqualTo(json(SamplePayloads.bytes("audio")).getJsonObject("data").getString("full_audio"));
    }

    @Test
    void newConversationIdsDifferAndAreMarkedAsTests() {
        String a = TestCalls.newConversationId();
        String b = TestCalls.newConversationId();

        assertThat(a).matches("conv_test_[0-9a-f]{20}").isNotEqualTo(b);
    }

    @Test
    void anUnknownSampleNameIsRefused() {
        assertThatThrownBy(() -> TestCalls.payload("nope", "conv", NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("transcription");
    }

    @Test
    void aTestCallIsPostedSignedWithTheSecretAndItsStatusReturned() throws Exception {
        AtomicReference<byte[]> received = new AtomicReference<>();
        AtomicReference<String> signature = new AtomicReference<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/elevenlabs/webhook", exchange -> {
            received.set(exchange.getRequestBody().readAllBytes());
            signature.set(exchange.getRequestHeaders().getFirst("ElevenLabs-Signature"));
            byte[] answer = "{\"received\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(exchange.getRequestMethod().equals("POST") ? 200 : 405, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        try {
            byte[] body = TestCalls.payload("unknown", "conv_test_3", Instant.now());
            URI webhook = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/elevenlabs/webhook");

            assertThat(TestCalls.post(webhook, "wsec_unit", body)).isEqualTo(200);

            assertThat(received.get()).isEqualTo(body);
            SignatureVerifier verifier = SignatureVerifier.builder().secrets(List.of("wsec_unit")).build();
            assertThatCode(() -> verifier.verify(signature.get(), body)).doesNotThrowAnyException();
        } finally {
            server.stop(0);
        }
    }
}
