package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * With Spring Security on the class path every path needs a login and every POST a CSRF token, the webhook's too:
 * the starter opens nothing by itself. The README's two lines, {@code permitAll} and the CSRF exemption for
 * {@code postcall.path}, let ElevenLabs in, while the signature still guards the path and everything else stays
 * protected. Runs in the surefire execution {@code security}, whose class path has spring-boot-starter-security.
 */
@Tag("security")
class SecurityTest {
    static final byte[] BODY = Fixtures.withIds("transcription-minimal.json", "agent_s", "conv_secured");

    /** The application's security configuration, with the README's two lines for the webhook. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Recorder.class)
    static class Documented {
        @Bean
        SecurityFilterChain security(HttpSecurity http) throws Exception {
            http.authorizeHttpRequests(requests -> requests
                            .requestMatchers("/elevenlabs/webhook").permitAll()
                            .anyRequest().authenticated())
                    .csrf(csrf -> csrf.ignoringRequestMatchers("/elevenlabs/webhook"))
                    .httpBasic(Customizer.withDefaults());
            return http.build();
        }
    }

    /** Only the first of the two lines: the POST still lacks a CSRF token. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Recorder.class)
    static class WithoutTheCsrfLine {
        @Bean
        SecurityFilterChain security(HttpSecurity http) throws Exception {
            http.authorizeHttpRequests(requests -> requests
                            .requestMatchers("/elevenlabs/webhook").permitAll()
                            .anyRequest().authenticated())
                    .httpBasic(Customizer.withDefaults());
            return http.build();
        }
    }

    @Nested
    @SpringBootTest(classes = Documented.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = "postcall.secret=" + Webhook.SECRET)
    class WithTheDocumentedConfiguration {
        @Value("${local.server.port}")
        int port;

        @Autowired
        Recorder recorder;

        @BeforeEach
        void reset() {
            recorder.reset();
        }

        @Test
        void aSignedWebhookIsReceived() throws Exception {
            HttpResponse<String> response = Webhook.postSigned(port, BODY);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(recorder.of("transcription")).hasSize(1);
        }

        @Test
        void theSignatureStillGuardsThePath() throws Exception {
            HttpResponse<String> response = Webhook.post(port, BODY, null);
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(Webhook.problem(response).getString("type")).endsWith("/signature-header-missing");
            assertThat(recorder.seen).isEmpty();
        }

        @Test
        void everyOtherPathStillNeedsALogin() throws Exception {
            assertThat(Webhook.get(port, "/calls").statusCode()).isEqualTo(401);
            assertThat(Webhook.get(port, "/elevenlabs/webhook/other").statusCode()).isEqualTo(401);
        }
    }

    @Nested
    @SpringBootTest(classes = ListenerApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = "postcall.secret=" + Webhook.SECRET)
    class WithSpringBootsDefaults {
        @Value("${local.server.port}")
        int port;

        @Autowired
        Recorder recorder;

        @Test
        void securityTurnsTheWebhookDown() throws Exception {
            recorder.reset();
            HttpResponse<String> response = Webhook.postSigned(port, BODY);
            assertThat(response.statusCode()).isIn(401, 403);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).doesNotContain("problem+json");
            assertThat(recorder.seen).isEmpty();
        }
    }

    @Nested
    @SpringBootTest(classes = WithoutTheCsrfLine.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = "postcall.secret=" + Webhook.SECRET)
    class WithoutTheCsrfExemption {
        @Value("${local.server.port}")
        int port;

        @Autowired
        Recorder recorder;

        @Test
        void theWebhookIsRefusedForItsMissingCsrfToken() throws Exception {
            recorder.reset();
            HttpResponse<String> response = Webhook.postSigned(port, BODY);
            // CSRF answers 403, and forwarding that to /error, which needs a login, makes it a 401
            assertThat(response.statusCode()).isIn(401, 403);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).doesNotContain("problem+json");
            assertThat(recorder.seen).isEmpty();
        }
    }
}
