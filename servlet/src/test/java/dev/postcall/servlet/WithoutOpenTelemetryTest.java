package dev.postcall.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.postcall.testsupport.LogCapture;

/**
 * An application without OpenTelemetry: the servlet starts and answers as usual, without spans, and says so once.
 * Runs only in the surefire execution {@code without-opentelemetry}, whose class path has no OpenTelemetry jar.
 */
@Tag("without-opentelemetry")
class WithoutOpenTelemetryTest {

    @Test
    void theWebhookWorksWithoutSpansWhenOpenTelemetryIsAbsent() throws Exception {
        assertThatThrownBy(() -> Class.forName("io.opentelemetry.api.OpenTelemetry"))
                .as("this execution's class path").isInstanceOf(ClassNotFoundException.class);
        try (LogCapture logs = LogCapture.install(); TestServer server = TestServer.start()) {
            assertThat(server.postSigned(DeliveryLogTest.transcription("conv_plain")).statusCode()).isEqualTo(200);
            server.handler.failing(true);
            assertThat(server.postSigned(DeliveryLogTest.transcription("conv_failing")).statusCode()).isEqualTo(500);
            assertThat(server.handler.events()).hasSize(2);
            assertThat(logs.records("INFO", "ready")).singleElement().asString()
                    .contains("traces=off (no OpenTelemetry API on the class path)");
            assertThat(logs.text()).doesNotContain("NoClassDefFoundError", "ClassNotFoundException");
        }
    }

    @Test
    void anOpenTelemetryHandedToTheServletWithoutTheApiFailsTheStartNamingTheJar() {
        try (LogCapture logs = LogCapture.install()) {
            assertThatThrownBy(() -> TestServer.builder()
                    .contextAttribute(PostCallWebhookServlet.OPEN_TELEMETRY, new Object()).start().close())
                    .isInstanceOf(Exception.class);
            assertThat(logs.text()).contains("io.opentelemetry:opentelemetry-api");
        }
    }
}
