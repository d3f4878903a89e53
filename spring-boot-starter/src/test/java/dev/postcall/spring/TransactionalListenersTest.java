package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.annotation.Transactional;

import dev.postcall.TranscriptionEvent;
import dev.postcall.testsupport.EmbeddedPostgresServer;

/**
 * {@code postcall.inbox.transactional-listeners=true} over real HTTP, on H2 and on a real PostgreSQL: a listener's
 * {@code @Transactional} work with a {@code JdbcTemplate} on the application's DataSource joins the delivery's
 * transaction, which holds the done mark too. Proved by what a plain {@code @Transactional} listener could not do:
 * its work, finished and returned, is rolled back when a listener after it fails, and when the done mark finds the
 * delivery taken over by another node; and it is committed exactly when the delivery is recorded handled.
 */
@Tag("jdbc")
class TransactionalListenersTest {

    /** The application: its CRM table, written by one listener; a second listener that can be made to fail. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({Crm.class, Audit.class})
    static class App {
    }

    /** Records each call in the application's table, in a transaction of Spring's. */
    @Component
    static class Crm {
        @Autowired
        JdbcTemplate jdbc;

        /**
         * Runs after the listener's work, before it returns. Static: the bean the test holds is the transactional
         * proxy, whose own fields the listener (the target) never reads.
         */
        static volatile Runnable afterWork;

        @EventListener
        @Order(1)
        @Transactional
        public void on(TranscriptionEvent call) {
            jdbc.update("INSERT INTO crm_call (conversation_id) VALUES (?)", call.conversationId());
            Runnable then = Crm.afterWork;
            if (then != null) {
                then.run();
            }
        }
    }

    /** A second listener, after the CRM's, failing when told to. */
    @Component
    static class Audit {
        volatile RuntimeException failWith;

        @EventListener
        @Order(2)
        public void on(TranscriptionEvent call) {
            RuntimeException failure = failWith;
            if (failure != null) {
                throw failure;
            }
        }
    }

    abstract static class OnADatabase {
        @Value("${local.server.port}")
        int port;

        @Autowired
        DataSource dataSource;

        @Autowired
        Audit audit;

        abstract String prefix();

        @BeforeEach
        void reset() {
            new JdbcTemplate(dataSource).execute("CREATE TABLE IF NOT EXISTS crm_call (conversation_id VARCHAR(255))");
            Crm.afterWork = null;
            audit.failWith = null;
        }

        @Test
        void theListenersWorkAndTheDoneMarkAreCommittedTogether() throws Exception {
            String conversation = "conv_tx_ok_" + prefix();
            Crm.afterWork = () -> assertThat(state(conversation)).as("seen from outside while the listeners run")
                    .isEqualTo("received");

            HttpResponse<String> response = post(conversation);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(crmCalls(conversation)).isEqualTo(1);
            assertThat(state(conversation)).isEqualTo("done");
            assertThat(post(conversation).statusCode()).as("a retry is a duplicate").isEqualTo(200);
            assertThat(crmCalls(conversation)).isEqualTo(1);
        }

        @Test
        void aLaterListenersFailureRollsBackTheWorkAnEarlierOneFinishedAndKeepsTheDelivery() throws Exception {
            String conversation = "conv_tx_failed_" + prefix();
            audit.failWith = new IllegalStateException("the audit log is down");

            HttpResponse<String> response = post(conversation);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(crmCalls(conversation)).as("the CRM listener's finished work, rolled back").isZero();
            assertThat(state(conversation)).isEqualTo("failed");
            audit.failWith = null;
            assertThat(post(conversation).statusCode()).isEqualTo(200);
            assertThat(crmCalls(conversation)).as("the retry's, once").isEqualTo(1);
            assertThat(state(conversation)).isEqualTo("done");
        }

        @Test
        void aDeliveryTakenOverWhileItsListenersRanHasTheirWorkRolledBack() throws Exception {
            String conversation = "conv_tx_taken_" + prefix();
            // another node takes the claim over, on a connection of its own, while the CRM listener runs
            Crm.afterWork = () -> {
                try (Connection c = dataSource.getConnection();
                     PreparedStatement s = c.prepareStatement("UPDATE " + prefix() + "delivery SET claim_token ="
                             + " 'another-node', owner_node = 'node-other' WHERE conversation_id = ?")) {
                    s.setString(1, conversation);
                    assertThat(s.executeUpdate()).isEqualTo(1);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            };

            post(conversation);

            assertThat(crmCalls(conversation)).as("no work without the done mark").isZero();
            assertThat(state(conversation)).as("the other node's claim, untouched").isEqualTo("received");
        }

        private HttpResponse<String> post(String conversation) throws Exception {
            return Webhook.postSigned(port, Fixtures.withIds("transcription-minimal.json", "agent_tx", conversation));
        }

        private int crmCalls(String conversation) {
            return new JdbcTemplate(dataSource).queryForObject("SELECT COUNT(*) FROM crm_call WHERE conversation_id"
                    + " = ?", Integer.class, conversation);
        }

        private String state(String conversation) {
            return new JdbcTemplate(dataSource).queryForObject("SELECT state FROM " + prefix() + "delivery WHERE"
                    + " conversation_id = ?", String.class, conversation);
        }
    }

    @Nested
    @SpringBootTest(classes = App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {"postcall.secret=" + Webhook.SECRET, "postcall.inbox.store=jdbc",
                    "postcall.inbox.create-schema=true", "postcall.inbox.table-prefix=tx_h2_",
                    "postcall.inbox.transactional-listeners=true",
                    "spring.datasource.url=jdbc:h2:mem:postcall_tx;DB_CLOSE_DELAY=-1"})
    class OnH2 extends OnADatabase {
        @Override
        String prefix() {
            return "tx_h2_";
        }
    }

    @Nested
    @SpringBootTest(classes = App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {"postcall.secret=" + Webhook.SECRET, "postcall.inbox.store=jdbc",
                    "postcall.inbox.create-schema=true", "postcall.inbox.table-prefix=tx_pg_",
                    "postcall.inbox.transactional-listeners=true", "spring.datasource.username=postgres",
                    "spring.datasource.password=postgres"})
    class OnPostgreSQL extends OnADatabase {
        @DynamicPropertySource
        static void database(DynamicPropertyRegistry registry) {
            registry.add("spring.datasource.url",
                    () -> EmbeddedPostgresServer.instance().getJdbcUrl("postgres", "postgres"));
        }

        @Override
        String prefix() {
            return "tx_pg_";
        }
    }
}
