package dev.postcall.sample.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.postcall.signature.WebhookSigner;
import dev.postcall.testsupport.TestData;

/**
 * The sample as it is, its application.properties included (the secret comes from ELEVENLABS_WEBHOOK_SECRET, given
 * here as a property), receives every fixture of testdata/fixtures over HTTP and its listeners report each.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = Calls.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "ELEVENLABS_WEBHOOK_SECRET=" + CallsTest.SECRET)
class CallsTest {
    static final String SECRET = "wsec_sample_test_0123456789abcdef";

    @Value("${local.server.port}")
    int port;

    @AfterAll
    static void removeSavedAudio() throws IOException {
        Path calls = Path.of("calls");
        if (Files.isDirectory(calls)) {
            try (Stream<Path> files = Files.list(calls)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(calls);
        }
    }

    @Test
    void theSpringBootPageShowsTheWholeProgramAsItIs() throws IOException {
        String page = Files.readString(Path.of("..", "..", "docs", "spring-boot.md"));
        String section = page.substring(0, page.indexOf("\n## Listeners\n"));
        assertThat(section).contains("```java\n" + Files.readString(
                Path.of("src/main/java/dev/postcall/sample/spring/Calls.java")) + "```\n");
        assertThat(section).contains("```properties\n" + Files.readString(
                Path.of("src/main/resources/application.properties")) + "```\n");
    }

    @Test
    void everyFixtureIsReceivedAndReported(CapturedOutput output) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        List<Path> fixtures;
        try (Stream<Path> files = Files.list(TestData.fixtures())) {
            fixtures = files.filter(f -> f.toString().endsWith(".json"))
                    .filter(f -> !f.getFileName().toString().equals("signature-vectors.json")).sorted().toList();
        }
        assertThat(fixtures).hasSize(15);
        for (Path fixture : fixtures) {
            byte[] body = Files.readAllBytes(fixture);
            if (fixture.getFileName().toString().equals("audio-speech.json")) {
                // audio.json's conversation too, and a recording is one delivery per conversation: a call of its own
                body = new String(body, StandardCharsets.UTF_8).replace("conv_2901k7m4x8rb6tq0zv3wh5njd9sea",
                        "conv_2901k7m4x8rb6tq0zv3wh5speech").getBytes(StandardCharsets.UTF_8);
            }
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/elevenlabs/webhook"))
                    .header("ElevenLabs-Signature", WebhookSigner.header(body, SECRET, Instant.now()))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(fixture.getFileName().toString()).isEqualTo(200);
        }

        assertThat(output.getOut().lines().filter(line -> line.contains(" received for "))).hasSize(15);
        assertThat(output).contains("call conv_7401k7j2d9fq3wz8hy6vts0a1cmb: NONE, 3 turns, 31 s, cost 187, SUCCESS")
                .contains("call conv_4201k9d7h3fw6ps9kq2zt5xv8cmb: INBOUND, transcript not sent, 104 s, cost 596,")
                .contains("not placed: busy, SIP 486")
                .contains("conversation_escalated received for");
        assertThat(output.getOut().lines().filter(line -> line.contains(" bytes saved to "))).hasSize(2);
        assertThat(output).contains("486 bytes saved to calls").containsPattern("9\\D?995 bytes saved to calls");

        // what docs/spring-boot.md shows of /actuator
        HttpResponse<String> health = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/health/postcall")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"details\":{\"secrets\":1,\"inbox\":\"none\",\"inboxFailed\":0,"
                + "\"consecutiveFailures\":0},\"status\":\"UP\"}");
        HttpResponse<String> handled = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/actuator/metrics/postcall.deliveries?tag=outcome:handled")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(handled.statusCode()).isEqualTo(200);
        assertThat(handled.body()).contains("{\"statistic\":\"COUNT\",\"value\":15.0}");
    }
}
