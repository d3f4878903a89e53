package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;

import dev.postcall.testsupport.TestData;

/** {@code postcall.enabled=false} registers nothing: no secret is needed, and the path is the application's again. */
@SpringBootTest(classes = ListenerApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "postcall.enabled=false")
class DisabledTest {
    @Value("${local.server.port}")
    int port;

    @Autowired
    Recorder recorder;

    @Autowired
    ApplicationContext context;

    @Test
    void nothingIsRegisteredAndNothingPublished() throws Exception {
        assertThat(context.getBeansOfType(PostCallRegistration.class)).isEmpty();
        assertThat(context.getBeansOfType(PostCallProperties.class)).isEmpty();

        var response = Webhook.postSigned(port, TestData.bytes("transcription-minimal.json"));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(recorder.seen).isEmpty();
    }
}
