package dev.postcall.spring;

import static dev.postcall.spring.StartupFailureTest.settingsFailure;
import static dev.postcall.spring.StartupFailureTest.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import javax.sql.DataSource;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * {@code postcall.inbox.store=jdbc} with a DataSource that cannot serve it stops the application while it starts,
 * with one message and the properties to set: a delivery ledger or an inbox directory besides the table, tables that
 * are missing, several DataSources and none of them {@code @Primary}.
 * Runs in the surefire execution {@code jdbc} (H2 on the class path); without any DataSource see
 * {@link StartupFailureTest}.
 */
@Tag("jdbc")
@ExtendWith(OutputCaptureExtension.class)
class JdbcStartupFailureTest {

    @Test
    void aDeliveryLedgerBesidesTheDatabaseIsOneProblem(CapturedOutput output) {
        Throwable thrown = start("postcall.secret=" + Webhook.SECRET, "postcall.inbox.store=jdbc",
                "postcall.inbox.create-schema=true", "postcall.delivery-ledger=jcache:postcall-deliveries",
                "spring.datasource.url=jdbc:h2:mem:postcall_ledger;DB_CLOSE_DELAY=-1");

        assertThat(settingsFailure(thrown).getMessage()).isEqualTo("postcall is not configured correctly (1 problem):"
                + "\n - postcall.delivery-ledger: cannot be combined with postcall.inbox.store=jdbc: the database's"
                + " table is the delivery ledger too (one insert keeps the delivery and claims it for every node);"
                + " remove postcall.delivery-ledger");
        assertThat(new PostCallFailureAnalyzer().analyze(thrown).getAction())
                .contains(" - delivery-ledger: postcall.delivery-ledger (environment variable POSTCALL_DELIVERYLEDGER)");
        assertThat(output).contains("APPLICATION FAILED TO START");
    }

    @Test
    void missingTablesNameTheDdlAndTheProperty() {
        Throwable thrown = start("postcall.secret=" + Webhook.SECRET, "postcall.inbox.store=jdbc",
                "spring.datasource.url=jdbc:h2:mem:postcall_no_tables;DB_CLOSE_DELAY=-1");

        assertThat(settingsFailure(thrown).getMessage())
                .contains("PostCallWebhookServlet is not configured correctly: inbox=datasource cannot be used")
                .contains("dev/postcall/jdbc/postgresql.sql")
                .contains("inbox-create-schema=true");
        assertThat(new PostCallFailureAnalyzer().analyze(thrown).getAction())
                .contains(" - inbox: postcall.inbox.store (environment variable POSTCALL_INBOX_STORE)")
                .contains("postcall.inbox.create-schema (true creates the tables)");
    }

    @Test
    void aFileInboxDirectoryBesidesTheDatabaseIsOneProblem() {
        Throwable thrown = start("postcall.secret=" + Webhook.SECRET, "postcall.inbox.store=jdbc",
                "postcall.inbox-dir=target/never-used", "spring.datasource.url=jdbc:h2:mem:postcall_dir");

        assertThat(settingsFailure(thrown).getMessage()).startsWith("postcall is not configured correctly (1 problem):")
                .contains(" - postcall.inbox.store: 'jdbc' keeps deliveries in the database, but postcall.inbox-dir"
                        + " is set too");
    }

    @Test
    void severalDataSourcesWithoutAPrimaryAreOneProblem() {
        Throwable thrown = catchThrowable(() -> new SpringApplicationBuilder(
                ListenerApp.class, TwoDataSources.class)
                .properties("server.port=0", "postcall.secret=" + Webhook.SECRET, "postcall.inbox.store=jdbc")
                .run().close());

        assertThat(settingsFailure(thrown).getMessage()).isEqualTo("postcall is not configured correctly (1 problem):"
                + "\n - postcall.inbox.store: 'jdbc' keeps deliveries in the application's DataSource, and the"
                + " application has 2 DataSource beans [orders, audit] of which none is @Primary; mark the one"
                + " postcall should use @Primary");
    }

    @Test
    void transactionalListenersWithoutTheDatabaseInboxAreOneProblem() {
        Throwable thrown = start("postcall.secret=" + Webhook.SECRET, "postcall.inbox.transactional-listeners=true",
                "spring.datasource.url=jdbc:h2:mem:postcall_tx_none;DB_CLOSE_DELAY=-1");

        assertThat(settingsFailure(thrown).getMessage()).isEqualTo("postcall is not configured correctly (1 problem):"
                + "\n - postcall.inbox.transactional-listeners: only the database inbox has a transaction to run the"
                + " listeners in; set postcall.inbox.store=jdbc too, or remove it");
    }

    @Test
    void transactionalListenersThatAreNeitherTrueNorFalseAreOneProblem() {
        Throwable thrown = start("postcall.secret=" + Webhook.SECRET, "postcall.inbox.store=jdbc",
                "postcall.inbox.create-schema=true", "postcall.inbox.transactional-listeners=yes",
                "spring.datasource.url=jdbc:h2:mem:postcall_tx_yes;DB_CLOSE_DELAY=-1");

        assertThat(settingsFailure(thrown).getMessage()).isEqualTo("postcall is not configured correctly (1 problem):"
                + "\n - postcall.inbox.transactional-listeners: 'yes' is neither true (the listeners run in the"
                + " delivery's transaction) nor false (the default)");
    }

    /** Two DataSources, neither of them {@code @Primary}. */
    @Configuration(proxyBeanMethods = false)
    static class TwoDataSources {
        @Bean
        DataSource orders() {
            return new DriverManagerDataSource("jdbc:h2:mem:postcall_orders;DB_CLOSE_DELAY=-1", "sa", "");
        }

        @Bean
        DataSource audit() {
            return new DriverManagerDataSource("jdbc:h2:mem:postcall_audit;DB_CLOSE_DELAY=-1", "sa", "");
        }
    }
}
