package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.net.http.HttpResponse;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The database inbox configured from the environment only ({@code POSTCALL_INBOX_STORE},
 * {@code POSTCALL_INBOX_TABLEPREFIX}, ..., {@code SPRING_DATASOURCE_URL}), as a container would; and, once its
 * tables are gone, the webhook answers 503 {@code inbox-unavailable} without publishing and Actuator's health is
 * {@code DOWN} until they are back.
 */
@Tag("jdbc")
@ExtendWith(OutputCaptureExtension.class)
class JdbcEnvironmentTest {

    @Test
    void theEnvironmentConfiguresItAndLostTablesAre503AndDown(CapturedOutput output) throws Exception {
        Map<String, Object> variables = Map.of(
                "POSTCALL_SECRET", Webhook.SECRET,
                "POSTCALL_INBOX_STORE", "jdbc",
                "POSTCALL_INBOX_CREATESCHEMA", "true",
                "POSTCALL_INBOX_TABLEPREFIX", "env_",
                "POSTCALL_INBOX_NODEID", "node-env",
                "SPRING_DATASOURCE_URL", "jdbc:h2:mem:postcall_env;DB_CLOSE_DELAY=-1",
                "MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE", "health",
                "MANAGEMENT_ENDPOINT_HEALTH_SHOWDETAILS", "always");
        try (ConfigurableApplicationContext context = SettingsBindingTest.startWithEnvironment(variables)) {
            int port = SettingsBindingTest.port(context);
            Recorder recorder = context.getBean(Recorder.class);
            JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));

            assertThat(Webhook.postSigned(port, Fixtures.withIds("transcription-minimal.json", "agent_v",
                    "conv_env_1")).statusCode()).isEqualTo(200);
            assertThat(jdbc.queryForObject("SELECT state FROM env_delivery WHERE conversation_id = 'conv_env_1'",
                    String.class)).isEqualTo("done");
            assertThat(output).contains("inbox=datasource, inbox-table-prefix=env_, inbox-create-schema=true")
                    .contains("inbox-node-id=node-env");
            assertThat(health(port, "UP").statusCode()).isEqualTo(200);

            jdbc.execute("ALTER TABLE env_delivery RENAME TO env_delivery_away");
            try {
                HttpResponse<String> lost = Webhook.postSigned(port, Fixtures.withIds("transcription-minimal.json",
                        "agent_v", "conv_env_2"));
                assertThat(lost.statusCode()).isEqualTo(503);
                assertThat(Webhook.problem(lost).getString("type")).endsWith("/inbox-unavailable");
                assertThat(recorder.of("transcription")).hasSize(1);
                HttpResponse<String> down = health(port, "DOWN");
                assertThat(down.statusCode()).isEqualTo(503);
                assertThat(down.body()).doesNotContain(Webhook.SECRET);
            } finally {
                jdbc.execute("ALTER TABLE env_delivery_away RENAME TO env_delivery");
            }
            assertThat(health(port, "UP").statusCode()).isEqualTo(200);
        }
    }

    /**
     * {@code /actuator/health/postcall}, asserting its status is {@code expected}: the health reads the store afresh
     * on every call.
     */
    private static HttpResponse<String> health(int port, String expected) throws Exception {
        HttpResponse<String> response = Webhook.get(port, "/actuator/health/postcall");
        JsonObject health = Json.createReader(new StringReader(response.body())).readObject();
        assertThat(health.getString("status")).as(response.body()).isEqualTo(expected);
        return response;
    }
}
