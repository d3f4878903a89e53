package dev.postcall.internal.cdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postcall.cdi.e2e.WebhookStack;
import dev.postcall.signature.WebhookSigner;
import dev.postcall.testsupport.LogCapture;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Where MicroProfile Health is absent (Tomcat, Jetty, a plain Jakarta EE profile) the extension adds nothing and the
 * application starts and answers. Runs in the surefire execution {@code without-health-api}, whose class path has no
 * MicroProfile Health jar.
 */
@Tag("without-health-api")
class WithoutHealthApiTest {
    static final String SECRET = ReadinessCheckTest.SECRET;

    @Test
    void theApplicationStartsAndAnswersWithoutTheHealthApi() throws Exception {
        assertThatThrownBy(() -> Class.forName(PostCallExtension.HEALTH_CHECK))
                .as("this execution's class path").isInstanceOf(ClassNotFoundException.class);
        try (LogCapture logs = LogCapture.install();
             WebhookStack stack = WebhookStack.builder().filterParam("secret", SECRET).start()) {
            byte[] body = ("{\"type\":\"post_call_transcription\",\"event_timestamp\":" + Instant.now()
                    .getEpochSecond() + ",\"data\":{\"agent_id\":\"a\",\"conversation_id\":\"conv_nohealth\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(stack.uri())
                    .header("ElevenLabs-Signature", WebhookSigner.header(body, SECRET, Instant.now()))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(logs.text()).doesNotContain("NoClassDefFoundError", "microprofile");
        }
    }
}
