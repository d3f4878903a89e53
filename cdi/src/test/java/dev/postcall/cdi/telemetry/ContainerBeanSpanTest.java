package dev.postcall.cdi.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postcall.cdi.e2e.WebhookStack;
import dev.postcall.signature.WebhookSigner;
import dev.postcall.testsupport.LogCapture;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The deliveries' spans go to the CDI container's {@code OpenTelemetry} bean, as MicroProfile Telemetry (WildFly, Open
 * Liberty, Payara) and quarkus-opentelemetry provide it: nothing hands the servlet an OpenTelemetry, and nothing sets
 * {@code GlobalOpenTelemetry}. The whole stack as a Tomcat or Jetty user deploys it ({@link WebhookStack}), with the
 * bean {@link ContainerTelemetry} discovered by Weld (only while {@code postcall.test.telemetry} is set).
 */
class ContainerBeanSpanTest {

    private static final String SECRET = "wsec_telemetry_7c2e9a4b1d6f3e8a0c5b2d7f4a9e1c6b3d8f0a5";
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void discoverTheBean() {
        System.setProperty("postcall.test.telemetry", "true");
        ContainerTelemetry.EXPORTED.reset();
    }

    @AfterEach
    void forgetIt() {
        System.clearProperty("postcall.test.telemetry");
    }

    @Test
    void theSpansGoToTheContainersOpenTelemetryBean() throws Exception {
        byte[] body = ("{\"type\":\"post_call_transcription\",\"event_timestamp\":" + Instant.now().getEpochSecond()
                + ",\"data\":{\"agent_id\":\"a\",\"conversation_id\":\"conv_cdi_span\",\"transcript\":[]}}")
                .getBytes(StandardCharsets.UTF_8);
        try (LogCapture logs = LogCapture.install();
             WebhookStack stack = WebhookStack.builder().filterParam("secret", SECRET).start()) {
            HttpRequest request = HttpRequest.newBuilder(stack.uri())
                    .header("ElevenLabs-Signature", WebhookSigner.header(body, SECRET, Instant.now()))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();

            assertThat(CLIENT.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

            assertThat(ContainerTelemetry.EXPORTED.getFinishedSpanItems()).singleElement().satisfies(span -> {
                assertThat(span.getName()).isEqualTo("process post_call_transcription");
                assertThat(span.getKind()).isEqualTo(SpanKind.CONSUMER);
                assertThat(span.getAttributes().get(AttributeKey.stringKey("messaging.message.conversation_id")))
                        .isEqualTo("conv_cdi_span");
                assertThat(span.getAttributes().get(AttributeKey.stringKey("postcall.delivery.outcome")))
                        .isEqualTo("handled");
            });
            assertThat(logs.records("INFO", "ready")).singleElement().asString()
                    .contains("traces=OpenTelemetry (the CDI container's OpenTelemetry bean)");
        }
    }

    /** Weld without the bean: the servlet finds none, GlobalOpenTelemetry is not set, so there are no spans. */
    @Test
    void withoutTheBeanThereAreNoSpans() throws Exception {
        System.clearProperty("postcall.test.telemetry");
        try (LogCapture logs = LogCapture.install();
             WebhookStack stack = WebhookStack.builder().filterParam("secret", SECRET).start()) {
            assertThat(logs.records("INFO", "ready")).singleElement().asString()
                    .contains("traces=off (OpenTelemetry's API is here, but no OpenTelemetry");
        }
        assertThat(ContainerTelemetry.EXPORTED.getFinishedSpanItems()).extracting(SpanData::getName).isEmpty();
    }
}
