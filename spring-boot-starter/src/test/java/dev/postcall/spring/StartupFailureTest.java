package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.servlet.http.HttpServlet;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Bad {@code postcall.*} settings stop the application while it starts, before any request, with one message listing
 * every problem and its fix, shown as Spring Boot's "APPLICATION FAILED TO START" report.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureTest {

    /** Starts {@link ListenerApp} on a free port with {@code properties}; returns what it failed with. */
    static Throwable start(String... properties) {
        Throwable thrown = catchThrowable(() -> {
            ConfigurableApplicationContext context = new SpringApplicationBuilder(ListenerApp.class)
                    .properties("server.port=0")
                    .properties(properties)
                    .run();
            context.close();
        });
        assertThat(thrown).as("the application started").isNotNull();
        return thrown;
    }

    static PostCallSettingsException settingsFailure(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof PostCallSettingsException e) {
                return e;
            }
        }
        throw new AssertionError("not a settings failure", thrown);
    }

    @Test
    void everyProblemOfTheFilterAndTheServletIsListedInOneReport(CapturedOutput output) {
        assumeTrue(System.getenv("ELEVENLABS_WEBHOOK_SECRET") == null,
                "ELEVENLABS_WEBHOOK_SECRET is set in this environment, so the secret is not missing");
        Throwable thrown = start("postcall.tolerance=30x", "postcall.ip-allowlist=10.0.0.300/8",
                "postcall.max-body-size=lots", "postcall.on-handler-failure=sometimes");

        String message = settingsFailure(thrown).getMessage();
        assertThat(message)
                .contains("PostCallWebhookFilter is not configured correctly (4 problems)")
                .contains(" - secret: not set")
                .contains(" - tolerance: '30x'")
                .contains(" - ip-allowlist: ")
                .contains(" - max-body-size: 'lots' is not a size")
                .contains("PostCallWebhookServlet is not configured correctly (1 problem)")
                .contains(" - on-handler-failure: 'sometimes'");
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("Description:")
                .contains(" - tolerance: '30x'")
                .contains("Action:")
                .contains(" - secret: postcall.secret (environment variable POSTCALL_SECRET)")
                .contains("postcall.secret=${ELEVENLABS_WEBHOOK_SECRET}")
                .contains(" - tolerance: postcall.tolerance (environment variable POSTCALL_TOLERANCE)")
                .contains(" - ip-allowlist: postcall.ip-allowlist (environment variable POSTCALL_IPALLOWLIST)")
                .contains(" - on-handler-failure: postcall.on-handler-failure");
    }

    @Test
    void theSpringBootPageShowsTheReportAsItIs() throws Exception {
        assumeTrue(System.getenv("ELEVENLABS_WEBHOOK_SECRET") == null,
                "ELEVENLABS_WEBHOOK_SECRET is set in this environment, so the secret is not missing");
        String page = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "spring-boot.md"));
        int report = page.indexOf("APPLICATION FAILED TO START\n***************************\n\nDescription:\n\n");
        assertThat(report).as("the report in docs/spring-boot.md").isPositive();
        String block = page.substring(report, page.indexOf("\n```", report));
        String description = block.substring(block.indexOf("Description:\n\n") + 14, block.indexOf("\n\nAction:"));
        String action = block.substring(block.indexOf("Action:\n\n") + 9);

        FailureAnalysis analysis = new PostCallFailureAnalyzer().analyze(start("postcall.tolerance=30x"));

        assertThat(analysis.getDescription()).isEqualTo(description);
        assertThat(analysis.getAction()).isEqualTo(action);
    }

    @Test
    void theAnalysisIsTheMessageAndThePropertiesToSet() {
        Throwable thrown = start("postcall.secret=" + Webhook.SECRET, "postcall.duplicate-wait=soon");

        FailureAnalysis analysis = new PostCallFailureAnalyzer().analyze(thrown);

        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).isEqualTo(settingsFailure(thrown).getMessage())
                .startsWith("PostCallWebhookServlet is not configured correctly (1 problem):")
                .contains(" - duplicate-wait: 'soon' is not a duration");
        assertThat(analysis.getAction())
                .contains(" - duplicate-wait: postcall.duplicate-wait (environment variable POSTCALL_DUPLICATEWAIT)")
                .doesNotContain("postcall.secret");
    }

    @Test
    void webXmlReferencesAreRefusedSinceSpringWouldReadThemAsText(CapturedOutput output) {
        Throwable thrown = start("postcall.secret=${env:ELEVENLABS_WEBHOOK_SECRET}");

        assertThat(settingsFailure(thrown).getMessage())
                .startsWith("postcall is not configured correctly (1 problem):")
                .contains(" - postcall.secret")
                .contains("${env:...} is web.xml syntax")
                .contains("write ${NAME}");
        assertThat(output).contains("APPLICATION FAILED TO START");
    }

    @Test
    void anUnsetEnvironmentVariableIsNamed(CapturedOutput output) {
        Throwable thrown = start("postcall.secret=${POSTCALL_TEST_NEVER_SET}");

        assertThat(settingsFailure(thrown).getMessage())
                .startsWith("postcall is not configured correctly (1 problem):")
                .contains(" - postcall.secret: ${POSTCALL_TEST_NEVER_SET} is not set; set the environment variable"
                        + " or property POSTCALL_TEST_NEVER_SET")
                .doesNotContain("names nothing");
        assertThat(output).contains("APPLICATION FAILED TO START");
    }

    @Test
    void aPathThatIsNoPathIsAProblem() {
        Throwable thrown = start("postcall.secret=" + Webhook.SECRET, "postcall.path=elevenlabs/webhook");
        assertThat(settingsFailure(thrown).getMessage()).contains(" - postcall.path: 'elevenlabs/webhook' is not a path");
        assertThat(new PostCallFailureAnalyzer().analyze(thrown).getAction()).contains(" - path: postcall.path");
    }

    @Test
    void anUnusableInboxStopsTheStartToo() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile(java.nio.file.Path.of("target"), "not-a-dir", "");
        Throwable thrown = start("postcall.secret=" + Webhook.SECRET, "postcall.inbox-dir=" + file);
        assertThat(settingsFailure(thrown).getMessage()).contains("inbox-dir").contains(file.toString());
        assertThat(new PostCallFailureAnalyzer().analyze(thrown).getAction())
                .contains(" - inbox-dir: postcall.inbox-dir (environment variable POSTCALL_INBOXDIR)");
    }

    @Test
    void theDatabaseInboxWithoutADataSourceStopsTheStartWithOneMessage(CapturedOutput output) {
        // this class path has no spring-boot-starter-jdbc: the application has no DataSource
        Throwable thrown = start("postcall.secret=" + Webhook.SECRET, "postcall.inbox.store=jdbc");

        assertThat(settingsFailure(thrown).getMessage()).isEqualTo("postcall is not configured correctly (1 problem):"
                + "\n - postcall.inbox.store: 'jdbc' keeps deliveries in the application's DataSource, and the"
                + " application has none; add spring-boot-starter-jdbc and the database's JDBC driver and set"
                + " spring.datasource.url (or declare a javax.sql.DataSource bean), or choose"
                + " postcall.inbox.store=file with postcall.inbox-dir");
        assertThat(new PostCallFailureAnalyzer().analyze(thrown).getAction())
                .contains(" - inbox: postcall.inbox.store (environment variable POSTCALL_INBOX_STORE)");
        assertThat(output).contains("APPLICATION FAILED TO START").doesNotContain("servlet-context attribute");
    }

    @Test
    void inboxSettingsThatDoNotGoTogetherAreEachNamed() {
        Throwable thrown = start("postcall.secret=" + Webhook.SECRET, "postcall.inbox.store=file",
                "postcall.inbox.retention=3h", "postcall.inbox.node-id=node-1");

        assertThat(settingsFailure(thrown).getMessage())
                .startsWith("postcall is not configured correctly (3 problems):")
                .contains(" - postcall.inbox.store: 'file' needs postcall.inbox-dir")
                .contains(" - postcall.inbox.retention: only the database inbox has it; set postcall.inbox.store=jdbc")
                .contains(" - postcall.inbox.node-id: only the database inbox has it");
        assertThat(new PostCallFailureAnalyzer().analyze(thrown).getAction())
                .contains(" - inbox-retention: postcall.inbox.retention (environment variable POSTCALL_INBOX_RETENTION)")
                .contains(" - inbox-node-id: postcall.inbox.node-id (environment variable POSTCALL_INBOX_NODEID)");

        assertThat(settingsFailure(start("postcall.secret=" + Webhook.SECRET, "postcall.inbox.store=disk"))
                .getMessage()).contains(" - postcall.inbox.store: 'disk' is not one of none (the default), file"
                        + " (postcall.inbox-dir) or jdbc");
        assertThat(settingsFailure(start("postcall.secret=" + Webhook.SECRET, "postcall.inbox.store=none",
                "postcall.inbox-dir=target/never")).getMessage())
                .contains(" - postcall.inbox.store: 'none' but postcall.inbox-dir is set");
    }

    /** A servlet of the application's named {@code postcall}, registered before the starter's. */
    @Configuration(proxyBeanMethods = false)
    static class NameTaken {
        @Bean
        ServletRegistrationBean<HttpServlet> servletNamedPostcall() {
            ServletRegistrationBean<HttpServlet> bean = new ServletRegistrationBean<>(new HttpServlet() {
                private static final long serialVersionUID = 1L;
            }, "/elsewhere");
            bean.setName("postcall");
            bean.setOrder(0);
            return bean;
        }
    }

    /**
     * A start that fails at the registration, after the servlet opened its inbox, undoes what it started: the
     * directory inbox's lock is let go, so the next start of the application (a restart in the same JVM, as Spring
     * Boot's devtools do) takes the same inbox and answers deliveries.
     */
    @Test
    void aStartThatFailsAfterTheInboxWasOpenedLeavesItForTheNextStart(@TempDir Path inbox) throws Exception {
        String[] properties = {"server.port=0", "postcall.secret=" + Webhook.SECRET, "postcall.inbox-dir=" + inbox};
        Throwable thrown = catchThrowable(() -> new SpringApplicationBuilder(ListenerApp.class, NameTaken.class)
                .properties(properties).run().close());

        assertThat(settingsFailure(thrown).getMessage()).contains("a filter or servlet named 'postcall' is registered"
                + " already");
        try (ConfigurableApplicationContext again = new SpringApplicationBuilder(ListenerApp.class)
                .properties(properties).run()) {
            assertThat(Webhook.postSigned(SettingsBindingTest.port(again), Fixtures.withIds(
                    "transcription-minimal.json", "agent_restart", "conv_restart")).statusCode()).isEqualTo(200);
        }
    }
}
