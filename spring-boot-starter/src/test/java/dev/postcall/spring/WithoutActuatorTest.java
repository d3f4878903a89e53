package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;

/**
 * The starter in an application without Actuator and without Micrometer (the default surefire execution leaves
 * both off the class path): it starts, takes deliveries, and registers neither a health indicator nor meters.
 */
@SpringBootTest(classes = ListenerApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "postcall.secret=" + Webhook.SECRET)
class WithoutActuatorTest {

    @Value("${local.server.port}")
    int port;

    @Autowired
    ApplicationContext context;

    @Autowired
    Recorder recorder;

    @Test
    void startsAndDeliversWithNeitherActuatorNorMicrometer() throws Exception {
        ClassLoader loader = getClass().getClassLoader();
        for (String absent : new String[] {"io.micrometer.core.instrument.MeterRegistry",
                "org.springframework.boot.health.contributor.HealthIndicator",
                "org.springframework.boot.actuate.health.HealthIndicator"}) {
            assertThatThrownBy(() -> Class.forName(absent, false, loader)).as(absent)
                    .isInstanceOf(ClassNotFoundException.class);
        }
        recorder.reset();

        assertThat(Webhook.postSigned(port, Fixtures.withIds("transcription-minimal.json", "agent_w",
                "conv_without_actuator")).statusCode()).isEqualTo(200);

        assertThat(recorder.of("transcription")).hasSize(1);
        assertThat(context.containsBean(PostCallHealth.BEAN_NAME)).isFalse();
        assertThat(context.getBeanNamesForType(PostCallMeterRegistry.class)).isEmpty();
        assertThat(context.getBean(PostCallRegistration.class).monitor().health().isUp()).isTrue();
        assertThat(Webhook.get(port, "/actuator/health").statusCode()).isEqualTo(404);
    }
}
