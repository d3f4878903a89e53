package dev.postcall.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.postcall.PostCallEvent;
import dev.postcall.monitoring.WebhookMonitor;
import dev.postcall.testsupport.ElevenLabsApiStandIn;

/**
 * Two nodes on one PostgreSQL ({@code inbox=datasource}, one table prefix, node ids of their own), both with backfill
 * on against the stand-in of ElevenLabs' API: their scheduled first runs start together and one of them leads; then
 * both backfill the same window on demand at the same time while webhooks of some of its conversations arrive at
 * either node. Every conversation is dispatched once across the cluster.
 */
class BackfillTwoNodeTest {

    private static final int CONVERSATIONS = 40;

    @Test
    void twoNodesBackfillingTheSameWindowDispatchEachConversationOnce() throws Exception {
        long now = Instant.now().getEpochSecond();
        try (ElevenLabsApiStandIn api = ElevenLabsApiStandIn.start(BackfillEndToEndTest.KEY);
             TestDatabase.Fixture db = TestDatabase.POSTGRESQL.fresh()) {
            List<TestServer> nodes = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                for (String node : List.of("node-a", "node-b")) {
                    nodes.add(TestServer.builder()
                            .contextAttribute(PostCallWebhookServlet.INBOX_DATA_SOURCE, db.dataSource())
                            .servletParam(DeliverySettings.INBOX, "datasource")
                            .servletParam(DeliverySettings.INBOX_CREATE_SCHEMA, "true")
                            .servletParam(DeliverySettings.INBOX_TABLE_PREFIX, db.prefix())
                            .servletParam(DeliverySettings.INBOX_NODE_ID, node)
                            .servletParam("backfill-api-key", BackfillEndToEndTest.KEY)
                            .servletParam("backfill-base-url", api.baseUrl().toString())
                            .servletParam("backfill-interval", "1h")
                            .start());
                }
                List<WebhookMonitor.BackfillRun> firstRuns = new ArrayList<>();
                for (TestServer node : nodes) {
                    firstRuns.add(BackfillEndToEndTest.firstRun(node));
                }
                for (int i = 0; i < CONVERSATIONS; i++) {
                    api.conversation("conv_" + i, "agent_1", now - 7200 + i * 60L, 30);
                }

                List<Future<?>> work = new ArrayList<>();
                for (TestServer node : nodes) {
                    work.add(pool.submit(() -> node.webhook().backfill(Instant.ofEpochSecond(now - 7300),
                            Instant.ofEpochSecond(now))));
                }
                for (int i = 0; i < CONVERSATIONS; i += 4) {
                    TestServer node = nodes.get(i / 4 % 2);
                    byte[] body = BackfillEndToEndTest.webhook("conv_" + i, now - 7000 + i * 60L);
                    work.add(pool.submit(() -> BackfillEndToEndTest.post(node, body).statusCode()));
                }
                for (Future<?> done : work) {
                    Object result = done.get(2, TimeUnit.MINUTES);
                    if (result instanceof Integer status) {
                        assertThat(status).as("a webhook's answer").isEqualTo(200);
                    }
                }

                Map<String, Long> dispatches = nodes.stream().flatMap(n -> n.handler.events().stream())
                        .collect(Collectors.groupingBy(PostCallEvent::conversationId, Collectors.counting()));
                System.out.printf("two nodes backfilling: %d conversations, dispatches per node %s, first runs %s%n",
                        CONVERSATIONS, nodes.stream().map(n -> n.handler.events().size()).toList(),
                        firstRuns.stream().map(WebhookMonitor.BackfillRun::summary).toList());
                assertThat(dispatches).hasSize(CONVERSATIONS).allSatisfy((id, n) -> assertThat(n).as(id).isOne());
                assertThat(firstRuns).extracting(WebhookMonitor.BackfillRun::summary)
                        .filteredOn(s -> s.equals("backfill: another node runs it")).hasSize(1);
            } finally {
                pool.shutdownNow();
                nodes.forEach(TestServer::close);
            }
        }
    }
}
