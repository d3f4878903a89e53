package dev.postcall.servlet;

import static dev.postcall.servlet.DeliveryGuaranteesTest.transcription;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

import dev.postcall.EventParser;
import dev.postcall.jdbc.JdbcDeliveryStore;
import dev.postcall.monitoring.ReplayReport;
import dev.postcall.signature.WebhookSigner;

/**
 * kill -9 mid-dispatch with the database inbox: the row the dead JVM held is moved to failed when its node starts
 * again (same {@code inbox-node-id}), and replayed once. The servers run in JVMs of their own and find the
 * DataSource in JNDI ({@code inbox=jndi:…}). On PostgreSQL and H2 ({@link MariaDbDatabaseInboxCrashTest}: MariaDB).
 */
@OnDatabases({TestDatabase.POSTGRESQL, TestDatabase.H2})
class DatabaseInboxCrashTest {

    @ParameterizedTest
    @ArgumentsSource(OnDatabases.Each.class)
    void aDeliveryInterruptedByKill9IsRecoveredToFailedWhenItsNodeRestartsAndReplayedOnce(TestDatabase database)
            throws Exception {
        try (TestDatabase.Fixture db = database.fresh()) {
            DeliveryGuaranteesTest.Forked first = DeliveryGuaranteesTest.Forked.start(ProcessBuilder.Redirect.INHERIT,
                    ForkedDatabaseServer.class, db.url(), db.prefix(), "node-a", "hang");
            try {
                CompletableFuture<HttpResponse<String>> pending = first.postSigned(transcription("conv_killed"));
                assertThat(first.awaitLine("DISPATCHING conv_killed")).isTrue();
                assertThat(db.rows("received")).isEqualTo(1);

                first.process.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
                assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                pending.handle((r, e) -> null).get(30, TimeUnit.SECONDS);
            } finally {
                first.process.destroyForcibly();
            }
            assertThat(db.rows("received")).isEqualTo(1);

            DeliveryGuaranteesTest.Forked second = DeliveryGuaranteesTest.Forked.start(
                    ProcessBuilder.Redirect.INHERIT, ForkedDatabaseServer.class, db.url(), db.prefix(), "node-a",
                    "handle");
            try {
                assertThat(db.rows("received")).isZero();
                assertThat(db.query("SELECT COUNT(*) FROM " + db.deliveries()
                        + " WHERE state = 'failed' AND failure_class = 'interrupted'")).isEqualTo(1);

                RecordingHandler replaying = new RecordingHandler();
                ReplayReport report = Replays.replay(JdbcDeliveryStore.open(db.dataSource(),
                        JdbcDeliveryStore.options().tablePrefix(db.prefix()).build()), replaying);

                assertThat(report.replayed()).isEqualTo(1);
                assertThat(replaying.events()).extracting(e -> e.conversationId()).containsExactly("conv_killed");
                assertThat(db.rows("failed")).isZero();
                assertThat(db.rows("done")).isEqualTo(1);

                // the sender's retry reaches the restarted node: handled already, not dispatched again
                assertThat(TestServer.sendChunkedBytes(second.uri, transcription("conv_killed"),
                        WebhookSigner.header(transcription("conv_killed"), TestServer.SECRET, Instant.now()))
                        .statusCode()).isEqualTo(200);
            } finally {
                second.process.getOutputStream().close();
                second.process.waitFor(30, TimeUnit.SECONDS);
                second.process.destroyForcibly();
            }
            assertThat(db.rows("done")).isEqualTo(1);
        }
    }
}
