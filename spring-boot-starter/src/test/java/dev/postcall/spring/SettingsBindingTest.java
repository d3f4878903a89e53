package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import dev.postcall.signature.WebhookSigner;

/**
 * The settings bind the Spring way: from environment variables ({@code POSTCALL_SECRET}, two secrets while
 * rotating) and from {@code application.yml} (lists, durations), and the webhook moves with {@code postcall.path}.
 */
class SettingsBindingTest {

    private static HttpResponse<String> post(int port, String path, byte[] body, String secret, Instant signedAt)
            throws Exception {
        return Webhook.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("ElevenLabs-Signature", WebhookSigner.header(body, secret, signedAt))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /** {@link ListenerApp} on a free port, with {@code variables} read as the process environment is. */
    static ConfigurableApplicationContext startWithEnvironment(Map<String, Object> variables) {
        return new SpringApplicationBuilder(ListenerApp.class)
                .properties("server.port=0")
                .initializers(app -> app.getEnvironment().getPropertySources().addAfter(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new SystemEnvironmentPropertySource(
                                // the suffix makes Spring Boot read it as it reads the process environment
                                "test-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables)))
                .run();
    }

    static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    @Test
    void backfillPropertiesAreTheServletsBackfillInitParams() {
        PostCallProperties properties = new PostCallProperties();
        properties.setInboxDir("/var/lib/app/inbox");
        properties.getBackfill().setApiKey("sk_bound_0123");
        properties.getBackfill().setBaseUrl("eu");
        properties.getBackfill().setInterval("2m");
        properties.getBackfill().setLookback("12h");
        properties.getBackfill().setAgents(java.util.List.of("agent_1", "agent_2"));
        properties.getBackfill().setAudio("true");

        assertThat(properties.servletParams()).containsEntry("backfill-api-key", "sk_bound_0123")
                .containsEntry("backfill-base-url", "eu").containsEntry("backfill-interval", "2m")
                .containsEntry("backfill-lookback", "12h").containsEntry("backfill-agents", "agent_1,agent_2")
                .containsEntry("backfill-audio", "true").containsEntry("inbox-dir", "/var/lib/app/inbox");
        assertThat(properties.filterParams()).doesNotContainKeys("backfill-api-key");
        assertThat(PostCallProperties.NAMES).containsEntry("backfill-api-key", "backfill.api-key")
                .containsEntry("backfill-audio", "backfill.audio");
    }

    @Test
    void environmentVariablesBind() throws Exception {
        Map<String, Object> variables = Map.of(
                "POSTCALL_SECRET", "wsec_env_old_0123456789abcdef,wsec_env_new_0123456789abcdef",
                "POSTCALL_PATH", "/hooks/elevenlabs",
                "POSTCALL_MAXBODYSIZE", "64KB");
        try (ConfigurableApplicationContext context = startWithEnvironment(variables)) {
            int port = port(context);
            Recorder recorder = context.getBean(Recorder.class);
            byte[] first = Fixtures.withIds("transcription-minimal.json", "agent_e", "conv_env_1");
            byte[] second = Fixtures.withIds("transcription-minimal.json", "agent_e", "conv_env_2");

            assertThat(post(port, "/hooks/elevenlabs", first, "wsec_env_old_0123456789abcdef", Instant.now())
                    .statusCode()).isEqualTo(200);
            assertThat(post(port, "/hooks/elevenlabs", second, "wsec_env_new_0123456789abcdef", Instant.now())
                    .statusCode()).isEqualTo(200);
            byte[] large = new byte[65 * 1024];
            Arrays.fill(large, (byte) ' ');
            assertThat(post(port, "/hooks/elevenlabs", large, "wsec_env_new_0123456789abcdef", Instant.now())
                    .statusCode()).isEqualTo(413);
            assertThat(post(port, Webhook.PATH, first, "wsec_env_new_0123456789abcdef", Instant.now())
                    .statusCode()).isEqualTo(404);
            assertThat(recorder.of("transcription")).hasSize(2);
        }
    }

    @Test
    void applicationYmlBinds() throws Exception {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ListenerApp.class)
                .properties("server.port=0", "spring.profiles.active=yaml")
                .run()) {
            int port = port(context);
            Recorder recorder = context.getBean(Recorder.class);
            byte[] first = Fixtures.withIds("transcription-minimal.json", "agent_y", "conv_yaml_1");
            byte[] second = Fixtures.withIds("transcription-minimal.json", "agent_y", "conv_yaml_2");

            assertThat(post(port, "/yaml/webhook", first, "wsec_yaml_old_0123456789abcdef", Instant.now())
                    .statusCode()).isEqualTo(200);
            assertThat(post(port, "/yaml/webhook", second, "wsec_yaml_new_0123456789abcdef",
                    Instant.now().minusSeconds(60)).statusCode()).isEqualTo(200);
            HttpResponse<String> old = post(port, "/yaml/webhook", second, "wsec_yaml_new_0123456789abcdef",
                    Instant.now().minusSeconds(180));
            assertThat(old.statusCode()).isEqualTo(401);
            assertThat(Webhook.problem(old).getString("type")).endsWith("/timestamp-too-old");
            assertThat(recorder.of("transcription")).hasSize(2);
        }
    }
}
