package dev.postcall.servlet;

import static dev.postcall.servlet.DeliveryGuaranteesTest.DATA_THAT_DOES_NOT_FIT;
import static dev.postcall.servlet.DeliveryGuaranteesTest.conversations;
import static dev.postcall.servlet.DeliveryGuaranteesTest.transcription;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

import dev.postcall.EventParser;
import dev.postcall.PostCallEvent;
import dev.postcall.jdbc.JdbcDeliveryStore;
import dev.postcall.monitoring.ReplayReport;
import dev.postcall.signature.WebhookSigner;

/**
 * The database inbox ({@code inbox=datasource}) over real HTTP, on a real PostgreSQL and on H2 ({@link
 * MariaDbDatabaseInboxTest}: on a real MariaDB): what the file inbox's tests prove, with the table as the inbox and
 * the ledger.
 */
@OnDatabases({TestDatabase.POSTGRESQL, TestDatabase.H2})
class DatabaseInboxTest {

    private static JdbcDeliveryStore store(TestDatabase.Fixture db) throws Exception {
        return JdbcDeliveryStore.open(db.dataSource(), JdbcDeliveryStore.options().tablePrefix(db.prefix()).build());
    }

    @ParameterizedTest
    @ArgumentsSource(OnDatabases.Each.class)
    void whatTheHandlerFailsOnIsAnswered200KeptAsFailedAndReplayedOnceInProcess(TestDatabase database)
            throws Exception {
        try (TestDatabase.Fixture db = database.fresh(); TestServer server = db.server().start()) {
            server.handler.failing(true);
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String conversation = String.format("conv_%02d", i);
                sent.add(conversation);
                assertThat(server.postSigned(transcription(conversation)).statusCode()).as(conversation)
                        .isEqualTo(200);
            }
            assertThat(db.rows("failed")).isEqualTo(20);
            assertThat(db.query("SELECT COUNT(*) FROM " + db.deliveries()
                    + " WHERE failure_class = 'java.lang.IllegalStateException'")).isEqualTo(20);
            assertThat(server.webhook().inboxFailed()).isEqualTo(20);
            assertThat(server.webhook().health().warnings()).anyMatch(w -> w.contains("20 deliveries wait"));
            int failedAttempts = server.handler.events().size();

            server.handler.failing(false);
            ReplayReport report = server.webhook().replayFailed();

            assertThat(report.replayed()).isEqualTo(20);
            assertThat(report.failedAgain()).isEmpty();
            List<PostCallEvent> replayed = server.handler.events().subList(failedAttempts,
                    server.handler.events().size());
            assertThat(conversations(replayed)).containsExactlyElementsOf(sent);
            assertThat(db.rows("failed")).isZero();
            assertThat(db.rows("done")).isEqualTo(20);

            // the sender's late retry of a replayed one is recognised
            assertThat(server.postSigned(transcription("conv_07")).statusCode()).isEqualTo(200);
            assertThat(server.handler.events()).hasSize(failedAttempts + 20);
        }
    }

    @ParameterizedTest
    @ArgumentsSource(OnDatabases.Each.class)
    void theRejectPolicyAnswers500AndKeepsTheDelivery(TestDatabase database) throws Exception {
        try (TestDatabase.Fixture db = database.fresh();
             TestServer server = db.server().servletParam("on-handler-failure", "reject").start()) {
            server.handler.failing(true);

            HttpResponse<String> response = server.postSigned(transcription("conv_reject"));

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(TestServer.problem(response).getString("type")).endsWith("/handler-failed");
            assertThat(db.rows("failed")).isEqualTo(1);

            // the sender's retry dispatches it again, from the failed row, and it is done
            server.handler.failing(false);
            assertThat(server.postSigned(transcription("conv_reject")).statusCode()).isEqualTo(200);
            assertThat(db.rows("failed")).isZero();
            assertThat(db.rows("done")).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ArgumentsSource(OnDatabases.Each.class)
    void dataThatDoesNotFitTheModelIsKeptAsFailed(TestDatabase database) throws Exception {
        try (TestDatabase.Fixture db = database.fresh(); TestServer server = db.server().start()) {
            server.handler.onEvent(event -> ((dev.postcall.TranscriptionEvent) event).report());

            assertThat(server.postSigned(DATA_THAT_DOES_NOT_FIT).statusCode()).isEqualTo(200);
            assertThat(db.query("SELECT COUNT(*) FROM " + db.deliveries() + " WHERE state = 'failed' AND"
                    + " failure_class = 'dev.postcall.MalformedDataException'")).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ArgumentsSource(OnDatabases.Each.class)
    void theSamePayloadReSignedIsDispatchedOnce(TestDatabase database) throws Exception {
        try (TestDatabase.Fixture db = database.fresh(); TestServer server = db.server().start()) {
            byte[] body = transcription("conv_twice");
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> response = server.post(body, WebhookSigner.header(body, TestServer.SECRET,
                        Instant.now().minusSeconds(40 - i)), Map.of());
                assertThat(response.statusCode()).isEqualTo(200);
            }
            assertThat(server.handler.events()).hasSize(1);
            assertThat(db.rows("done")).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ArgumentsSource(OnDatabases.Each.class)
    void concurrentDeliveriesOfOneEventAreDispatchedOnce(TestDatabase database) throws Exception {
        int clients = 8;
        try (TestDatabase.Fixture db = database.fresh(); TestServer server = db.server().start()) {
            CountDownLatch release = new CountDownLatch(1);
            server.handler.onEvent(event -> release.await(30, TimeUnit.SECONDS));
            byte[] body = transcription("conv_race");
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                List<Future<Integer>> answers = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    answers.add(pool.submit(() -> server.postSigned(body).statusCode()));
                }
                // every request is in: one dispatching and blocked in the handler, the others waiting for it
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (server.handler.events().isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                Thread.sleep(200);
                release.countDown();
                for (Future<Integer> answer : answers) {
                    assertThat(answer.get(60, TimeUnit.SECONDS)).isEqualTo(200);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(server.handler.events()).hasSize(1);
            assertThat(db.query("SELECT COUNT(*) FROM " + db.deliveries())).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ArgumentsSource(OnDatabases.Each.class)
    void aStoreThatCannotBeWrittenAnswers503AndDispatchesNothing(TestDatabase database) throws Exception {
        try (TestDatabase.Fixture db = database.fresh(); TestServer server = db.server().start()) {
            db.execute("DROP TABLE " + db.prefix() + "body_chunk");
            db.execute("DROP TABLE " + db.deliveries());

            HttpResponse<String> response = server.postSigned(transcription("conv_no_table"));

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).contains("30");
            assertThat(TestServer.problem(response).getString("type")).endsWith("/inbox-unavailable");
            assertThat(server.handler.events()).isEmpty();
            assertThat(server.webhook().health().isUp()).isFalse();

            // the tables are back: the sender's retry goes through
            JdbcDeliveryStore.open(db.dataSource(), JdbcDeliveryStore.options().tablePrefix(db.prefix())
                    .createSchema(true).build()).close();
            assertThat(server.postSigned(transcription("conv_no_table")).statusCode()).isEqualTo(200);
            assertThat(server.handler.events()).hasSize(1);
            assertThat(server.webhook().health().isUp()).isTrue();
        }
    }

    /**
     * The servlet opens its store, then moves what an earlier run left in flight to failed; when that second step
     * fails the servlet does not start, and the store it opened is closed with it (destroy() is never called on a
     * servlet whose init failed), so no background thread is left behind.
     */
    @Test
    void aStoreWhoseRecoveryFailsAtTheServletsStartIsClosedWithItsThread() throws Exception {
        try (TestDatabase.Fixture db = TestDatabase.H2.fresh()) {
            DataSource recoveryFails = refusing(db.dataSource(), "updated_at <");
            Throwable failure = catchThrowable(() -> db.server()
                    .contextAttribute(PostCallWebhookServlet.INBOX_DATA_SOURCE, recoveryFails).start().close());

            assertThat(StartupFailureTest.messages(failure)).contains("inbox=datasource cannot be used")
                    .contains("recovering interrupted deliveries failed");
            String name = "postcall-store-" + db.deliveries();
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                if (thread.getName().equals(name)) {
                    thread.join(TimeUnit.SECONDS.toMillis(10));
                    assertThat(thread.isAlive()).as("the store's background thread, 10 s after the failed start")
                            .isFalse();
                }
            }
        }
    }

    /** {@code dataSource}, whose connections refuse to prepare a statement containing {@code fragment}. */
    private static DataSource refusing(DataSource dataSource, String fragment) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(dataSource, method, args);
                    if (!(result instanceof Connection connection)) {
                        return result;
                    }
                    return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                            (c, m, a) -> {
                                if (m.getName().equals("prepareStatement") && a[0] instanceof String sql
                                        && sql.contains(fragment)) {
                                    throw new SQLException("refused by the test");
                                }
                                return invoke(connection, m, a);
                            });
                });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @ParameterizedTest
    @ArgumentsSource(OnDatabases.Each.class)
    void anEventWithoutAConversationIdIsKeptUnderAnIdOfItsOwnEachTimeAndReplayed(TestDatabase database)
            throws Exception {
        byte[] novel = ("{\"type\":\"post_call_novel\",\"event_timestamp\":1761400000,\"data\":{\"note\":\"x\"}}")
                .getBytes(StandardCharsets.UTF_8);
        try (TestDatabase.Fixture db = database.fresh(); TestServer server = db.server().start()) {
            server.handler.failing(true);
            assertThat(server.postSigned(novel).statusCode()).isEqualTo(200);
            assertThat(server.postSigned(novel).statusCode()).isEqualTo(200);

            // nothing to recognise it by: each delivery is a row of its own, and each was dispatched
            assertThat(server.handler.events()).hasSize(2);
            assertThat(db.query("SELECT COUNT(*) FROM " + db.deliveries() + " WHERE state = 'failed'"
                    + " AND event_type = 'post_call_novel' AND conversation_id IS NULL")).isEqualTo(2);

            server.handler.failing(false);
            ReplayReport report = server.webhook().replayFailed();

            assertThat(report.replayed()).isEqualTo(2);
            assertThat(server.handler.events()).hasSize(4)
                    .allSatisfy(event -> assertThat(event.type()).isEqualTo("post_call_novel"));
            assertThat(db.rows("failed")).isZero();
        }
    }

    @ParameterizedTest
    @ArgumentsSource(OnDatabases.Each.class)
    void aDeliveryAnotherNodeIsHandlingIsAnswered503InProgressAfterTheWaitAndDuplicateOnceItIsDone(
            TestDatabase database) throws Exception {
        try (TestDatabase.Fixture db = database.fresh();
             TestServer first = db.server().servletParam(DeliverySettings.INBOX_NODE_ID, "node-1").start();
             TestServer second = db.server().servletParam(DeliverySettings.INBOX_NODE_ID, "node-2")
                     .servletParam(DeliverySettings.DUPLICATE_WAIT, "1s").start()) {
            CountDownLatch release = new CountDownLatch(1);
            first.handler.onEvent(event -> release.await(30, TimeUnit.SECONDS));
            byte[] body = transcription("conv_held");
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<Integer> onTheFirst = pool.submit(() -> first.postSigned(body).statusCode());
                awaitHandling(first);

                HttpResponse<String> meanwhile = second.postSigned(body);

                assertThat(meanwhile.statusCode()).isEqualTo(503);
                assertThat(meanwhile.headers().firstValue("Retry-After")).contains("30");
                assertThat(TestServer.problem(meanwhile).getString("type")).endsWith("/delivery-in-progress");
                assertThat(second.handler.events()).isEmpty();

                release.countDown();
                assertThat(onTheFirst.get(60, TimeUnit.SECONDS)).isEqualTo(200);
            } finally {
                release.countDown();
                pool.shutdownNow();
            }
            // the sender's retry, on the second node, is recognised there
            assertThat(second.postSigned(body).statusCode()).isEqualTo(200);
            assertThat(second.handler.events()).isEmpty();
            assertThat(first.handler.events()).hasSize(1);
            assertThat(db.rows("done")).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ArgumentsSource(OnDatabases.Each.class)
    void aHandlerThreeTimesSlowerThanTheTakeoverAgeIsNotTakenOverWhileAnotherNodeAnswersTheRetriesInProgress(
            TestDatabase database) throws Exception {
        try (TestDatabase.Fixture db = database.fresh();
             TestServer slow = db.server().servletParam(DeliverySettings.INBOX_NODE_ID, "node-slow")
                     .servletParam(DeliverySettings.INBOX_TAKEOVER_AFTER, "1s").start();
             TestServer other = db.server().servletParam(DeliverySettings.INBOX_NODE_ID, "node-other")
                     .servletParam(DeliverySettings.INBOX_TAKEOVER_AFTER, "1s")
                     .servletParam(DeliverySettings.DUPLICATE_WAIT, "100ms").start()) {
            CountDownLatch release = new CountDownLatch(1);
            slow.handler.onEvent(event -> release.await(60, TimeUnit.SECONDS));
            byte[] body = transcription("conv_slow");
            ExecutorService pool = Executors.newSingleThreadExecutor();
            List<Integer> retries = new ArrayList<>();
            try {
                Future<Integer> onTheSlowNode = pool.submit(() -> slow.postSigned(body).statusCode());
                awaitHandling(slow);
                // three take-over ages of handling, the sender's retries reaching the other node meanwhile
                long started = System.nanoTime();
                while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(3)) {
                    retries.add(other.postSigned(body).statusCode());
                }
                release.countDown();
                assertThat(onTheSlowNode.get(60, TimeUnit.SECONDS)).isEqualTo(200);
            } finally {
                release.countDown();
                pool.shutdownNow();
            }

            assertThat(retries).hasSizeGreaterThan(5).containsOnly(503);
            assertThat(other.handler.events()).as("never taken over").isEmpty();
            assertThat(other.postSigned(body).statusCode()).isEqualTo(200);
            assertThat(other.handler.events()).isEmpty();
            assertThat(slow.handler.events()).as("dispatched once").hasSize(1);
            assertThat(db.query("SELECT attempts FROM " + db.deliveries())).isEqualTo(1);
        }
    }

    /** Returns once {@code node}'s handler has the delivery (it holds it until the test releases it). */
    private static void awaitHandling(TestServer node) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (node.handler.events().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(node.handler.events()).as("the node is handling it").hasSize(1);
    }
}
