package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * {@code management.health.postcall.enabled=false} leaves the indicator out, as for Spring's own indicators; the
 * meters stay. Runs in the surefire execution {@code actuator}.
 */
@Tag("actuator")
@SpringBootTest(classes = ListenerApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"postcall.secret=" + Webhook.SECRET, "management.health.postcall.enabled=false",
                "management.endpoints.web.exposure.include=health,metrics",
                "management.endpoint.health.show-components=always"})
class HealthDisabledTest {

    @Value("${local.server.port}")
    int port;

    @Test
    void theIndicatorIsLeftOutAndTheMetersStay() throws Exception {
        HttpResponse<String> health = Webhook.get(port, "/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"components\"").doesNotContain("postcall");
        assertThat(Webhook.get(port, "/actuator/health/postcall").statusCode()).isEqualTo(404);
        assertThat(Webhook.get(port, "/actuator/metrics/postcall.deliveries").statusCode()).isEqualTo(200);
    }
}
