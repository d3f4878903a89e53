package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.tck.TestObservationRegistry;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * An application's own {@link PostCallObservationConvention} bean wins over the starter's: the starter defines none,
 * and the deliveries' observations are named by the application's. Runs in the surefire execution {@code actuator}.
 */
@Tag("actuator")
@SpringBootTest(classes = OwnConventionObservationTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "postcall.secret=" + Webhook.SECRET)
class OwnConventionObservationTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Recorder.class)
    static class App {
        @Bean
        TestObservationRegistry observationRegistry() {
            return TestObservationRegistry.create();
        }

        /** The README's example: the default, plus a tag of the application's. */
        @Bean
        PostCallObservationConvention ownConvention() {
            return new DefaultPostCallObservationConvention() {
                @Override
                public String getName() {
                    return "calls.received";
                }

                @Override
                public KeyValues getLowCardinalityKeyValues(PostCallObservationContext context) {
                    return super.getLowCardinalityKeyValues(context).and("team", "calls");
                }
            };
        }
    }

    @Value("${local.server.port}")
    int port;

    @Autowired
    TestObservationRegistry observations;

    @Autowired
    ApplicationContext context;

    @Test
    void theApplicationsConventionNamesTheObservationsAndTheStartersBacksOff() throws Exception {
        assertThat(context.getBeanNamesForType(PostCallObservationConvention.class)).containsExactly("ownConvention");
        byte[] body = ("{\"type\":\"post_call_transcription\",\"event_timestamp\":" + Instant.now().getEpochSecond()
                + ",\"data\":{\"agent_id\":\"agent_1\",\"conversation_id\":\"conv_own\",\"transcript\":[]}}")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(Webhook.postSigned(port, body).statusCode()).isEqualTo(200);

        assertThat(observations).hasNumberOfObservationsWithNameEqualTo("postcall.delivery", 0)
                .hasObservationWithNameEqualTo("calls.received").that()
                .hasContextualNameEqualTo("process post_call_transcription")
                .hasLowCardinalityKeyValue("team", "calls")
                .hasLowCardinalityKeyValue("messaging.system", "elevenlabs")
                .hasHighCardinalityKeyValue("messaging.message.conversation_id", "conv_own");
    }
}
