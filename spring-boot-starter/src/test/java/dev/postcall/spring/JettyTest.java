package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;

import jakarta.servlet.ServletContext;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.postcall.signature.WebhookSigner;

/**
 * The same application on Jetty (spring-boot-starter-jetty instead of Tomcat), with no {@code postcall.secret}: the
 * secret comes from the environment variable {@code ELEVENLABS_WEBHOOK_SECRET}, as with a {@code web.xml}. Runs in
 * the surefire execution {@code jetty}, which has Jetty and not Tomcat on its class path and sets the variable.
 */
@Tag("jetty")
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = ListenerApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class JettyTest {
    static final String ENVIRONMENT_SECRET = System.getenv("ELEVENLABS_WEBHOOK_SECRET");

    @Value("${local.server.port}")
    int port;

    @Autowired
    Recorder recorder;

    @Autowired
    ServletContext servletContext;

    @BeforeEach
    void reset() {
        recorder.reset();
    }

    private HttpResponse<String> post(byte[] body) throws Exception {
        return Webhook.post(port, body, WebhookSigner.header(body, ENVIRONMENT_SECRET, Instant.now()));
    }

    @Test
    void theServerIsJettyAndTheSecretComesFromTheEnvironment() throws Exception {
        assertThat(servletContext.getServerInfo()).containsIgnoringCase("jetty");
        assertThat(ENVIRONMENT_SECRET).startsWith("wsec_");

        HttpResponse<String> response = post(Fixtures.withIds("transcription-phone-inbound.json", "agent_j",
                "conv_jetty_1"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(recorder.of("transcription")).singleElement()
                .satisfies(seen -> assertThat(seen.event().conversationId()).isEqualTo("conv_jetty_1"));
    }

    @Test
    void audioIsDecodedOnJettyToo() throws Exception {
        assertThat(post(Fixtures.withIds("audio.json", "agent_j", "conv_jetty_2")).statusCode()).isEqualTo(200);
        assertThat((byte[]) recorder.of("audio").get(0).read()).hasSize(486);
    }

    @Test
    void rejectionsAreProblemsOnJettyToo() throws Exception {
        byte[] body = Fixtures.withIds("transcription-minimal.json", "agent_j", "conv_jetty_3");
        HttpResponse<String> unsigned = Webhook.post(port, body, null);
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(unsigned.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        HttpResponse<String> wrongSecret = Webhook.postSigned(port, body); // Webhook.SECRET is not configured here
        assertThat(Webhook.problem(wrongSecret).getString("type")).endsWith("/signature-mismatch");
        assertThat(Webhook.get(port, Webhook.PATH).statusCode()).isEqualTo(405);
        assertThat(recorder.seen).isEmpty();
    }

    @Test
    void aBadSettingStopsTheStartOnJettyToo(CapturedOutput output) {
        Throwable thrown = StartupFailureTest.start("postcall.tolerance=30x", "postcall.duplicate-wait=soon");

        assertThat(StartupFailureTest.settingsFailure(thrown).getMessage())
                .contains(" - tolerance: '30x'").contains(" - duplicate-wait: 'soon'")
                .doesNotContain("secret");
        assertThat(output).contains("APPLICATION FAILED TO START").contains(" - tolerance: postcall.tolerance");
    }
}
