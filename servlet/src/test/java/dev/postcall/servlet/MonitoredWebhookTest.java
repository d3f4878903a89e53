package dev.postcall.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;

import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.TabularData;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postcall.monitoring.WebhookHealth;
import dev.postcall.monitoring.WebhookMonitor;
import dev.postcall.monitoring.Webhooks;
import dev.postcall.testsupport.LogCapture;

/**
 * The filter and servlet of one name as one webhook over real HTTP: the start-up line, the MXBean read from the
 * platform MBean server after real deliveries, names that never clash, and the health the check endpoints report.
 */
class MonitoredWebhookTest {
    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    @TempDir Path dir;

    static byte[] transcription(String conversationId) {
        return DeliveryLogTest.transcription(conversationId);
    }

    @Test
    void oneStartUpLineDescribesTheWholeWebhookWithoutTheSecret() throws Exception {
        Path inbox = dir.resolve("inbox");
        try (LogCapture logs = LogCapture.install();
             TestServer server = TestServer.builder().param("secret", TestServer.SECRET + ",wsec_second_one")
                     .param("ip-allowlist", "elevenlabs, 127.0.0.1").param("trusted-proxies", "10.0.0.0/8")
                     .param("max-body-size", "10MB").servletParam("inbox-dir", inbox.toString()).start()) {
            var lines = logs.records("INFO", "postcall webhook 'postcall' at / ready: ");
            assertThat(lines).hasSize(1);
            System.out.println("start-up line: " + lines.get(0));
            assertThat(lines.get(0)).contains("secret=<2 secrets>", "ip-allowlist=elevenlabs, 127.0.0.1",
                    "trusted-proxies=10.0.0.0/8", "max-body-size=10485760", "memory-threshold=1048576",
                    "tolerance=PT30M", "inbox-dir=" + inbox, "store=directory " + inbox, "waiting as failed=0", "on-handler-failure=accept",
                    "delivery-ledger=memory", "delivery-log-level=info", "handlers=1 (0 service-loaded, 1 registered)",
                    "JMX dev.postcall:type=Webhook,context=/,name=postcall")
                    .doesNotContain(TestServer.SECRET, "wsec_second_one");
            assertThat(logs.records("INFO", "ready")).hasSize(1);
        }
    }

    @Test
    void theMXBeanHasTheNumbersOfRealDeliveries() throws Exception {
        Path inbox = dir.resolve("inbox");
        try (TestServer server = TestServer.builder().servletParam("inbox-dir", inbox.toString()).start()) {
            ObjectName name = new ObjectName(server.webhook().objectName());
            assertThat(name.getKeyProperty("type")).isEqualTo("Webhook");
            assertThat(name.getKeyProperty("name")).isEqualTo("postcall");
            assertThat(name.getKeyProperty("context")).isEqualTo("/");

            assertThat(server.postSigned(transcription("conv_m1")).statusCode()).isEqualTo(200);
            assertThat(server.postSigned(transcription("conv_m1")).statusCode()).isEqualTo(200);
            server.handler.failing(true);
            assertThat(server.postSigned(transcription("conv_m2")).statusCode()).isEqualTo(200);
            assertThat(server.post(transcription("conv_m3"), "t=" + Instant.now().getEpochSecond() + ",v0="
                    + "0".repeat(64), Map.of()).statusCode()).isEqualTo(401);

            assertThat(JMX.getAttribute(name, "Name")).isEqualTo("postcall");
            assertThat(JMX.getAttribute(name, "Verified")).isEqualTo(3L);
            assertThat(JMX.getAttribute(name, "Deliveries")).isEqualTo(3L);
            assertThat(JMX.getAttribute(name, "Handled")).isEqualTo(1L);
            assertThat(JMX.getAttribute(name, "Duplicates")).isEqualTo(1L);
            assertThat(JMX.getAttribute(name, "Kept")).isEqualTo(1L);
            assertThat(JMX.getAttribute(name, "HandlerFailures")).isEqualTo(1L);
            assertThat(JMX.getAttribute(name, "Rejections")).isEqualTo(1L);
            assertThat(JMX.getAttribute(name, "InboxFailed")).isEqualTo(1);
            assertThat(JMX.getAttribute(name, "ConsecutiveFailures")).isEqualTo(0);
            assertThat(JMX.getAttribute(name, "Secrets")).isEqualTo(1);
            assertThat(JMX.getAttribute(name, "HandlingCount")).isEqualTo(3L);
            assertThat((Double) JMX.getAttribute(name, "HandlingMaxMillis")).isPositive()
                    .isGreaterThanOrEqualTo((Double) JMX.getAttribute(name, "HandlingMeanMillis"));
            assertThat((Double) JMX.getAttribute(name, "HandlingP99Millis")).isPositive();
            assertThat(JMX.getAttribute(name, "Ready")).isEqualTo(true);
            assertThat((String[]) JMX.getAttribute(name, "Warnings")).singleElement().asString()
                    .contains("1 delivery waits in " + inbox.toAbsolutePath().resolve("failed"));
            TabularData byReason = (TabularData) JMX.getAttribute(name, "RejectionsByReason");
            assertThat(byReason.get(new Object[] {"signature-mismatch"}).get("value")).isEqualTo(1L);
            TabularData byType = (TabularData) JMX.getAttribute(name, "DeliveriesByTypeAndOutcome");
            assertThat(byType.get(new Object[] {"post_call_transcription/kept"}).get("value")).isEqualTo(1L);
            assertThat(byType.size()).isEqualTo(3);
        }
    }

    @Test
    void twoApplicationsAndTwoFiltersNeverClashAndStoppingUnregisters() throws Exception {
        String first;
        String second;
        try (TestServer a = TestServer.start(); TestServer b = TestServer.start();
             TestServer shop = TestServer.builder().contextPath("/shop").start()) {
            first = a.webhook().objectName();
            second = b.webhook().objectName();
            assertThat(first).isEqualTo("dev.postcall:type=Webhook,context=/,name=postcall");
            assertThat(second).startsWith("dev.postcall:type=Webhook,context=/,name=postcall,instance=");
            assertThat(shop.webhook().objectName()).isEqualTo("dev.postcall:type=Webhook,context=/shop,name=postcall");
            assertThat(shop.postSigned(transcription("conv_shop")).statusCode()).isEqualTo(200);
            assertThat(JMX.getAttribute(new ObjectName(shop.webhook().objectName()), "Handled")).isEqualTo(1L);
            assertThat(JMX.getAttribute(new ObjectName(first), "Handled")).isEqualTo(0L);
            assertThat(Webhooks.find("/shop", "postcall")).isSameAs(shop.webhook());
        }
        assertThat(JMX.isRegistered(new ObjectName(first))).isFalse();
        assertThat(JMX.isRegistered(new ObjectName(second))).isFalse();
        assertThat(JMX.queryNames(new ObjectName("dev.postcall:type=Webhook,*"), null)).isEmpty();
        assertThat(Webhooks.find("/shop", "postcall")).isNull();
    }

    @Test
    void healthIsUpWithAWritableInboxWarnsOfFailedEntriesAndIsDownWhenTheInboxCannotBeWritten() throws Exception {
        Path inbox = dir.resolve("inbox");
        try (TestServer server = TestServer.builder().servletParam("inbox-dir", inbox.toString()).start()) {
            WebhookMonitor webhook = Webhooks.find("/", "postcall");
            assertThat(webhook).isSameAs(server.webhook());
            WebhookHealth health = webhook.health();
            assertThat(health.status()).isEqualTo(WebhookHealth.Status.UP);
            assertThat(health.secrets()).isEqualTo(1);
            assertThat(health.warnings()).isEmpty();
            assertThat(health.details()).containsEntry("secrets", 1).containsEntry("inboxFailed", 0)
                    .containsEntry("inbox", inbox.toAbsolutePath().toString());

            server.handler.failing(true);
            server.postSigned(transcription("conv_h1"));
            server.postSigned(transcription("conv_h2"));
            health = webhook.health();
            assertThat(health.isUp()).isTrue();
            assertThat(health.inboxFailed()).isEqualTo(2);
            assertThat(health.warnings()).singleElement().asString().startsWith("2 deliveries wait in ");

            // as root a chmod does not stop writes: replace the directory by a file
            DeliveryLogTest.deleteTree(inbox);
            Files.writeString(inbox, "not a directory", StandardCharsets.UTF_8);
            health = webhook.health();
            assertThat(health.status()).isEqualTo(WebhookHealth.Status.DOWN);
            assertThat(health.problems()).singleElement().asString().startsWith("inbox " + inbox.toAbsolutePath()
                    + " cannot be written (");
            assertThat(health.details()).containsKey("problem");
        }
    }

    @Test
    void requestsThatReachTheServletWithoutTheFilterLeaveTheWebhookDown() throws Exception {
        try (TestServer server = TestServer.builder().withoutFilter().start()) {
            assertThat(server.postSigned(transcription("conv_unfiltered")).statusCode()).isEqualTo(500);
            WebhookHealth health = server.webhook().health();
            assertThat(health.status()).isEqualTo(WebhookHealth.Status.DOWN);
            assertThat(health.problems()).anySatisfy(problem -> assertThat(problem)
                    .startsWith("requests reach PostCallWebhookServlet 'postcall' without PostCallWebhookFilter"));
            assertThat(server.handler.events()).isEmpty();
        }
    }

    @Test
    void aServletThatCannotOpenItsInboxLeavesTheWebhookDown() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        // started by the first request: the application keeps running after the servlet failed, as on Tomcat
        try (TestServer server = TestServer.builder().lazyServlet()
                .servletParam("inbox-dir", file.resolve("inbox").toString()).start()) {
            assertThat(server.webhook().health().isUp()).as("before the servlet tried").isTrue();
            assertThat(server.postSigned(transcription("conv_x")).statusCode()).isGreaterThanOrEqualTo(500);
            WebhookHealth health = server.webhook().health();
            assertThat(health.status()).isEqualTo(WebhookHealth.Status.DOWN);
            assertThat(health.problems()).singleElement().asString()
                    .startsWith("PostCallWebhookServlet 'postcall' did not start: PostCallWebhookServlet is not"
                            + " configured correctly: inbox-dir");
        }
    }

    /**
     * A server that starts a filter only at its first request keeps the application running when the filter cannot
     * start; its webhook is then {@code DOWN} with the filter's reason, never its secret, until it starts.
     */
    @Test
    void aFilterThatFailsToStartWhileTheApplicationRunsLeavesItsWebhookDown() throws Exception {
        String secret = "wsec_filter_that_failed_must_not_show";
        Map<String, String> params = new HashMap<>(Map.of("secret", secret, "tolerance", "soon"));
        try (TestServer server = TestServer.start()) {
            ServletContext application = server.servletContext();
            FilterConfig late = new FilterConfig() {
                @Override
                public String getFilterName() {
                    return "late";
                }

                @Override
                public ServletContext getServletContext() {
                    return application;
                }

                @Override
                public String getInitParameter(String name) {
                    return params.get(name);
                }

                @Override
                public Enumeration<String> getInitParameterNames() {
                    return Collections.enumeration(params.keySet());
                }
            };
            PostCallWebhookFilter filter = new PostCallWebhookFilter();
            assertThatThrownBy(() -> filter.init(late)).isInstanceOf(ServletException.class);

            WebhookMonitor webhook = Webhooks.find("/", "late");
            assertThat(webhook).isNotNull();
            WebhookHealth health = webhook.health();
            assertThat(health.status()).isEqualTo(WebhookHealth.Status.DOWN);
            assertThat(health.problems()).singleElement().asString()
                    .startsWith("PostCallWebhookFilter 'late' did not start: ")
                    .contains("tolerance: 'soon' is not a duration")
                    .doesNotContain(secret);
            assertThat(health.details().toString()).doesNotContain(secret);
            assertThat(server.webhook().health().isUp()).as("the application's other webhook").isTrue();

            // the setting fixed, the filter starts (a redeployment's new filter does the same): UP, then gone with it
            params.remove("tolerance");
            PostCallWebhookFilter fixed = new PostCallWebhookFilter();
            fixed.init(late);
            assertThat(Webhooks.find("/", "late").health().isUp()).isTrue();
            fixed.destroy();
            assertThat(Webhooks.find("/", "late")).isNull();
        }
    }
}
