package dev.postcall.servlet;

import static dev.postcall.servlet.DeliveryGuaranteesTest.transcription;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.junit.jupiter.api.Test;

import dev.postcall.EventParser;
import dev.postcall.jdbc.JdbcDeliveryStore;
import dev.postcall.signature.WebhookSigner;

/**
 * Two nodes, one database: two servers in JVMs of their own share one PostgreSQL ({@link MariaDbTwoNodeTest}: one
 * MariaDB) through {@code inbox=jndi:…}.
 * 10,000 signed deliveries from several threads, a fifth of them sent to the other node too, handlers failing at
 * random (5 %), each handled event counted by the application in a table of its own; one node killed with SIGKILL
 * mid-run and restarted; then the failed rows replayed. Every distinct event is handled. The repeats to the other
 * node are sent at the same time as the first, so the two nodes race for the claim.
 *
 * <p>Two applications. One commits its work itself and then postcall records {@code done}: an event is handled
 * twice only when the killed node had it in flight at the kill (its handler had committed, its {@code done} was not
 * yet recorded; at most one per request in flight there, so at most {@value #SENDERS}), and its effect, inserted when
 * absent under the event key, is there exactly once. The other does its work in the delivery's transaction
 * ({@code JdbcDeliveryStore.Transaction}), which postcall commits with {@code done}: no event is handled twice.
 */
class TwoNodeTest {
    private static final int EVENTS = Integer.getInteger("postcall.twoNode.events", 10_000);
    private static final int SENDERS = 8;
    private static final int REPEATED_PERCENT = 20;
    private static final int FAIL_PERCENT = 5;

    private final AtomicReferenceArray<URI> nodes = new AtomicReferenceArray<>(2);
    private final AtomicInteger requests = new AtomicInteger();
    private final ExecutorService racers = Executors.newFixedThreadPool(SENDERS);

    /** The database the two nodes share. */
    TestDatabase database() {
        return TestDatabase.POSTGRESQL;
    }

    @Test
    void everyDistinctEventIsHandledExactlyOnceAcrossTwoNodesOneOfThemKilled() throws Exception {
        Run run = run(false);
        assertThat(run.total - run.distinct).as("handled twice, beyond what the killed node had in flight")
                .isEqualTo(run.twice).isLessThanOrEqualTo(SENDERS);
    }

    @Test
    void transactionalHandlersHandleEveryDistinctEventOnceAcrossTwoNodesOneOfThemKilled() throws Exception {
        Run run = run(true);
        assertThat(run.twice).as("twice").isZero();
        assertThat(run.total).as("handled rows").isEqualTo(EVENTS);
    }

    /** What the application's tables hold after a run. */
    private record Run(long distinct, long total, long twice, long effects) { }

    private Run run(boolean transactional) throws Exception {
        String label = transactional ? "two nodes, transactional handlers" : "two nodes";
        try (TestDatabase.Fixture db = database().fresh()) {
            String handled = db.prefix() + "handled";
            CountingHandler.createTable(db.dataSource(), handled);
            Path logs = Files.createDirectories(Path.of("target", "two-node"));
            String mode = (transactional ? "txcount:" : "count:") + FAIL_PERCENT;
            DeliveryGuaranteesTest.Forked[] forked = new DeliveryGuaranteesTest.Forked[2];
            for (int n = 0; n < 2; n++) {
                forked[n] = start(db, n, logs, mode);
            }
            ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
            try {
                AtomicInteger next = new AtomicInteger();
                List<Future<?>> work = new ArrayList<>();
                for (int t = 0; t < SENDERS; t++) {
                    work.add(senders.submit(() -> {
                        for (int i; (i = next.getAndIncrement()) < EVENTS; ) {
                            send(i);
                        }
                        return null;
                    }));
                }
                while (next.get() < EVENTS * 3 / 10) {
                    Thread.sleep(20);
                }
                forked[0].process.destroyForcibly(); // SIGKILL mid-run
                forked[0].process.waitFor(30, TimeUnit.SECONDS);
                int killedAt = next.get();
                forked[0] = start(db, 0, logs, mode);
                System.out.println(label + ": node 0 killed after " + killedAt + " events were taken, restarted");
                for (Future<?> f : work) {
                    f.get(10, TimeUnit.MINUTES);
                }
            } finally {
                senders.shutdownNow();
                racers.shutdownNow();
                for (DeliveryGuaranteesTest.Forked f : forked) {
                    f.process.getOutputStream().close();
                    f.process.waitFor(30, TimeUnit.SECONDS);
                    f.process.destroyForcibly();
                }
            }

            // what the handlers failed on, and what the killed node held, is replayed from any node (here: this JVM)
            int recovered;
            int replayed = 0;
            try (JdbcDeliveryStore store = JdbcDeliveryStore.open(db.dataSource(), JdbcDeliveryStore.options()
                    .tablePrefix(db.prefix()).takeoverAfter(Duration.ofSeconds(1)).build())) {
                Thread.sleep(1_100);
                recovered = store.recoverInterrupted();
                CountingHandler replaying = transactional
                        ? CountingHandler.transactional(db.dataSource(), handled, FAIL_PERCENT, "replay")
                        : new CountingHandler(db.dataSource(), handled, FAIL_PERCENT, "replay");
                for (int round = 0; round < 20 && store.failedCount() > 0; round++) {
                    replayed += Replays.replay(store, replaying).replayed();
                }
            }

            long distinct = db.query("SELECT COUNT(DISTINCT event_key) FROM " + handled);
            long total = db.query("SELECT COUNT(*) FROM " + handled);
            long twice = db.query("SELECT COUNT(*) FROM (SELECT event_key FROM " + handled
                    + " GROUP BY event_key HAVING COUNT(*) > 1) d");
            long effects = db.query("SELECT COUNT(*) FROM " + handled + "_effects");
            System.out.printf("%s: sent=%d (requests=%d), distinct=%d, handled=%d, lost=%d, twice=%d,"
                    + " effects=%d (replayed %d, recovered from the killed node after the run %d)%n", label, EVENTS,
                    requests.get(), distinct, total, EVENTS - distinct, twice, effects, replayed, recovered);
            assertThat(db.rows("failed")).isZero();
            assertThat(db.query("SELECT COUNT(*) FROM " + db.deliveries() + " WHERE state <> 'done'")).isZero();
            assertThat(EVENTS - distinct).as("lost").isZero();
            assertThat(effects).as("effects").isEqualTo(EVENTS);
            return new Run(distinct, total, twice, effects);
        }
    }

    private DeliveryGuaranteesTest.Forked start(TestDatabase.Fixture db, int n, Path logs, String mode)
            throws IOException {
        DeliveryGuaranteesTest.Forked node = DeliveryGuaranteesTest.Forked.start(
                ProcessBuilder.Redirect.appendTo(logs.resolve("node-" + n + ".log").toFile()),
                ForkedDatabaseServer.class, db.url(), db.prefix(), "node-" + n, mode);
        nodes.set(n, node.uri);
        return node;
    }

    /**
     * One event: to a node at random, a fifth of them to the other node too at the same time (the nodes race for the
     * claim); retried as the sender retries.
     */
    private void send(int i) throws Exception {
        byte[] body = transcription("conv_" + i);
        int first = ThreadLocalRandom.current().nextInt(2);
        if (ThreadLocalRandom.current().nextInt(100) < REPEATED_PERCENT) {
            CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
                try {
                    deliver(body, 1 - first);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }, racers);
            deliver(body, first);
            other.get(10, TimeUnit.MINUTES);
        } else {
            deliver(body, first);
        }
    }

    /** Until a 200: a 503, a 500 or a node that is down is tried again, on the other node after a refusal. */
    private void deliver(byte[] body, int node) throws InterruptedException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int target = attempt % 2 == 0 ? node : 1 - node;
            requests.incrementAndGet();
            try {
                HttpResponse<String> response = TestServer.send(HttpRequest.newBuilder(nodes.get(target))
                        .timeout(Duration.ofSeconds(60))
                        .header(PostCallWebhookFilter.SIGNATURE_HEADER,
                                WebhookSigner.header(body, TestServer.SECRET, Instant.now()))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // the node is down (killed, or starting again): the other one, or this one once it is back
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not delivered after 200 attempts");
    }
}
