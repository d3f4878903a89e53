package dev.postcall.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;

import javax.management.ObjectName;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.postcall.testsupport.LogCapture;

/**
 * An application without Micrometer: the servlet starts, answers and counts (JMX) as usual. Runs only in the
 * surefire execution {@code without-micrometer}, whose class path has no Micrometer jar.
 */
@Tag("without-micrometer")
class WithoutMicrometerTest {

    @Test
    void theWebhookWorksAndCountsWithMicrometerAbsent() throws Exception {
        assertThatThrownBy(() -> Class.forName("io.micrometer.core.instrument.MeterRegistry"))
                .as("this execution's class path").isInstanceOf(ClassNotFoundException.class);
        try (LogCapture logs = LogCapture.install(); TestServer server = TestServer.start()) {
            assertThat(server.postSigned(DeliveryLogTest.transcription("conv_plain")).statusCode()).isEqualTo(200);
            assertThat(ManagementFactory.getPlatformMBeanServer()
                    .getAttribute(new ObjectName(server.webhook().objectName()), "Handled")).isEqualTo(1L);
            assertThat(server.webhook().hasMeters()).isFalse();
            assertThat(logs.records("INFO", "ready")).singleElement().asString()
                    .contains("Micrometer not on the class path");
            assertThat(logs.text()).doesNotContain("NoClassDefFoundError", "ClassNotFoundException");
        }
    }
}
