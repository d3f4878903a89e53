package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The starter brings Yasson and Parsson for its own parsing, and Spring MVC still writes JSON with Jackson: a
 * {@code @JsonProperty} name, which JSON-B would ignore, is what the client gets.
 */
@SpringBootTest(classes = JacksonTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "postcall.secret=" + Webhook.SECRET)
class JacksonTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(App.Calls.class)
    static class App {
        @RestController
        static class Calls {
            record Call(@JsonProperty("call_id") String callId) {
            }

            @GetMapping("/calls/latest")
            Call latest() {
                return new Call("conv_1");
            }
        }
    }

    @Value("${local.server.port}")
    int port;

    @Test
    void springMvcWritesJsonWithJackson() throws Exception {
        var response = Webhook.get(port, "/calls/latest");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"call_id\":\"conv_1\"}");
    }
}
