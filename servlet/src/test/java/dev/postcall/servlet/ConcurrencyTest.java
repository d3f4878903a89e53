package dev.postcall.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.postcall.PostCallEvent;

/** Many clients at once: every request answered 200 and every event dispatched exactly once. */
class ConcurrencyTest {
    private static final int CLIENTS = 8;
    private static final int REQUESTS = 200;

    @Test
    void eightClientsTimesTwoHundredSignedRequestsAreEachDispatchedOnce() throws Exception {
        try (TestServer server = TestServer.builder().param("memory-threshold", "256").start()) {
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            try {
                List<Future<List<Integer>>> clients = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    clients.add(pool.submit(() -> {
                        List<Integer> statuses = new ArrayList<>();
                        for (int r = 0; r < REQUESTS; r++) {
                            // every other body is larger than the memory threshold, so temp files are in play too
                            String padding = r % 2 == 0 ? "" : ",\"pad\":\"" + "x".repeat(400) + "\"";
                            byte[] body = ("{\"type\":\"post_call_audio\",\"event_timestamp\":1761400000,\"data\":"
                                    + "{\"conversation_id\":\"conv_" + client + "_" + r + "\",\"full_audio\":\"SUQz\""
                                    + padding + "}}").getBytes(StandardCharsets.UTF_8);
                            HttpResponse<String> response = server.postSigned(body);
                            statuses.add(response.statusCode());
                        }
                        return statuses;
                    }));
                }
                for (Future<List<Integer>> client : clients) {
                    assertThat(client.get()).hasSize(REQUESTS).containsOnly(200);
                }
            } finally {
                pool.shutdownNow();
            }
            List<PostCallEvent> events = server.handler.events();
            assertThat(events).hasSize(CLIENTS * REQUESTS);
            Map<String, Long> perConversation = events.stream()
                    .collect(Collectors.groupingBy(PostCallEvent::conversationId, Collectors.counting()));
            assertThat(perConversation).hasSize(CLIENTS * REQUESTS);
            assertThat(perConversation.values()).containsOnly(1L);
            assertThat(perConversation).containsKeys("conv_0_0", "conv_7_199");
            assertThat(events.stream().map(PostCallEvent::type).collect(Collectors.toSet()))
                    .containsExactly("post_call_audio");
            assertThat(events.stream().collect(Collectors.toMap(PostCallEvent::conversationId, Function.identity())))
                    .hasSize(CLIENTS * REQUESTS);
        }
    }
}
