package dev.postcall.internal.backfill;

import dev.postcall.testsupport.ElevenLabsApiStandIn;
import dev.postcall.testsupport.ElevenLabsApiStandIn.Endpoint;
import dev.postcall.testsupport.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client against the stand-in of ElevenLabs' API over real HTTP, with a clock and pauses the test controls. */
class ElevenLabsApiTest {

    static final String KEY = "sk_test_9f8e7d6c5b4a39281706f5e4d3c2b1a0";
    private static final Instant NOW = Instant.parse("2026-11-22T17:00:00Z");
    /** Long enough for a cold JVM's first request; the timeout tests shorten it. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

    private final ElevenLabsApiStandIn standIn = ElevenLabsApiStandIn.start(KEY);
    private final TestClock clock = new TestClock(NOW);
    private final List<Duration> pauses = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        standIn.close();
    }

    private ElevenLabsApi api(String key) {
        return api(key, READ_TIMEOUT);
    }

    private ElevenLabsApi api(String key, Duration readTimeout) {
        return new ElevenLabsApi(standIn.baseUrl(), key, new ElevenLabsApi.Policy(Duration.ofSeconds(5), readTimeout,
                5, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(2), 1 << 20), clock, pauses::add);
    }

    @Test
    void listsAPageWithTheSdksQueryNamesAndTheKeyHeader() throws Exception {
        standIn.conversation("conv_a", "agent_1", 1761488650, 39);
        standIn.conversation("conv_b", "agent_1", 1761488700, 12).status("processing");

        ConversationPage page = api(KEY).conversations(Instant.ofEpochSecond(1761488600),
                Instant.ofEpochSecond(1761489000), "agent_1", null, 100);

        assertThat(page.conversations()).containsExactly(
                new ConversationSummary("conv_a", "agent_1", 1761488650, 39, "done"),
                new ConversationSummary("conv_b", "agent_1", 1761488700, 12, "processing"));
        assertThat(page.hasMore()).isFalse();
        ElevenLabsApiStandIn.Recorded request = standIn.requests(Endpoint.LIST).get(0);
        assertThat(request.keyAccepted()).isTrue();
        assertThat(request.query()).containsOnlyKeys("page_size", "sort_direction", "summary_mode",
                "call_start_after_unix", "call_start_before_unix", "agent_id");
        assertThat(request.param("page_size")).isEqualTo("100");
        assertThat(request.param("sort_direction")).isEqualTo("asc");
        assertThat(request.param("call_start_after_unix")).isEqualTo("1761488600");
        assertThat(request.param("call_start_before_unix")).isEqualTo("1761489000");
        assertThat(request.param("agent_id")).isEqualTo("agent_1");
    }

    @Test
    void aPageSmallerThanAskedCarriesTheCursorOfTheNext() throws Exception {
        for (int i = 0; i < 5; i++) {
            standIn.conversation("conv_" + i, "agent_1", 1761488650 + i, 10);
        }
        standIn.pageCap(2);
        ElevenLabsApi api = api(KEY);

        ConversationPage first = api.conversations(null, null, null, null, 100);
        ConversationPage second = api.conversations(null, null, null, first.nextCursor(), 100);

        assertThat(first.conversations()).extracting(ConversationSummary::conversationId)
                .containsExactly("conv_0", "conv_1");
        assertThat(first.hasMore()).isTrue();
        assertThat(second.conversations()).extracting(ConversationSummary::conversationId)
                .containsExactly("conv_2", "conv_3");
        assertThat(standIn.requests(Endpoint.LIST).get(1).param("cursor")).isEqualTo(first.nextCursor());
    }

    @Test
    void a429IsTriedAgainAfterItsRetryAfter() throws Exception {
        standIn.fail(Endpoint.LIST, 429, "3", "too_many_concurrent_requests");
        standIn.fail(Endpoint.LIST, 429, "1", "system_busy");

        ConversationPage page = api(KEY).conversations(null, null, null, null, 10);

        assertThat(page.conversations()).isEmpty();
        assertThat(pauses).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(1));
        assertThat(standIn.requests(Endpoint.LIST)).extracting(ElevenLabsApiStandIn.Recorded::status)
                .containsExactly(429, 429, 200);
    }

    @Test
    void aRetryAfterDateIsMeasuredByTheClock() throws Exception {
        String inSevenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(7).atZone(ZoneOffset.UTC));
        standIn.fail(Endpoint.WEBHOOKS, 503, inSevenSeconds, "system_busy");

        api(KEY).webhooks();

        assertThat(pauses).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void serverErrorsAndTimeoutsOfTheRequestAreTriedAgainWithABackoffThatDoubles() throws Exception {
        standIn.fail(Endpoint.LIST, 500, null, null);
        standIn.fail(Endpoint.LIST, 502, null, null);
        standIn.fail(Endpoint.LIST, 408, null, null);

        api(KEY).conversations(null, null, null, null, 10);

        assertThat(pauses).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
        assertThat(standIn.requests(Endpoint.LIST)).hasSize(4);
    }

    @Test
    void everyTryFailingIsUnavailableWithTheLastStatus() {
        for (int i = 0; i < 5; i++) {
            standIn.fail(Endpoint.LIST, 500, null, null);
        }

        assertThatThrownBy(() -> api(KEY).conversations(null, null, null, null, 10))
                .isInstanceOfSatisfying(ApiException.Unavailable.class, e -> assertThat(e.status()).isEqualTo(500))
                .hasMessageContaining("GET /v1/convai/conversations answered 500")
                .hasMessageContaining("5 tries")
                .message().doesNotContain(KEY);
        assertThat(standIn.requests(Endpoint.LIST)).hasSize(5);
        assertThat(pauses).hasSize(4);
    }

    @Test
    void aRedirectIsNotFollowedSoTheKeyNeverReachesAnotherHost() throws Exception {
        java.util.concurrent.atomic.AtomicInteger elsewhere = new java.util.concurrent.atomic.AtomicInteger();
        com.sun.net.httpserver.HttpServer other = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        other.createContext("/", exchange -> {
            elsewhere.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        com.sun.net.httpserver.HttpServer redirecting = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        redirecting.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + other.getAddress().getPort()
                    + exchange.getRequestURI());
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        other.start();
        redirecting.start();
        try {
            ElevenLabsApi api = new ElevenLabsApi(URI.create("http://127.0.0.1:" + redirecting.getAddress().getPort()),
                    KEY, ElevenLabsApi.Policy.DEFAULT, clock, pauses::add);

            assertThatThrownBy(api::webhooks).isInstanceOfSatisfying(ApiException.Refused.class,
                    e -> assertThat(e.status()).isEqualTo(302)).message().doesNotContain(KEY);
            assertThat(elsewhere).hasValue(0);
        } finally {
            redirecting.stop(0);
            other.stop(0);
        }
    }

    @Test
    void aRefusedConnectionIsTriedAgainThenUnavailable() throws Exception {
        URI nobody;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            nobody = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        ElevenLabsApi api = new ElevenLabsApi(nobody, KEY, ElevenLabsApi.Policy.DEFAULT, clock, pauses::add);

        assertThatThrownBy(api::webhooks)
                .isInstanceOfSatisfying(ApiException.Unavailable.class, e -> assertThat(e.status()).isZero())
                .hasMessageContaining("GET /v1/workspace/webhooks failed: ConnectException, 5 tries")
                .message().doesNotContain(KEY);
        assertThat(pauses).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(8));
    }

    @Test
    void aRetryAfterLongerThanThePolicyWaitsForEndsTheCall() {
        standIn.fail(Endpoint.LIST, 429, "3600", "too_many_concurrent_requests");

        assertThatThrownBy(() -> api(KEY).conversations(null, null, null, null, 10))
                .isInstanceOf(ApiException.Unavailable.class)
                .hasMessageContaining("(too_many_concurrent_requests)")
                .hasMessageContaining("PT1H");
        assertThat(standIn.requests(Endpoint.LIST)).hasSize(1);
        assertThat(pauses).isEmpty();
    }

    @Test
    void anAnswerSlowerThanTheReadTimeoutIsTriedAgain() throws Exception {
        ElevenLabsApiStandIn.Hold slow = standIn.hold(Endpoint.LIST);
        try {
            ConversationPage page = api(KEY, Duration.ofMillis(500)).conversations(null, null, null, null, 10);

            assertThat(page.conversations()).isEmpty();
            assertThat(pauses).containsExactly(Duration.ofSeconds(1));
        } finally {
            slow.release();
        }
    }

    @Test
    void aBodyThatStallsPastTheReadTimeoutIsFetchedAgainIntoAFreshSink() throws Exception {
        standIn.conversation("conv_a", "agent_1", 1761488650, 39).body("conversation-phone-inbound.json");
        ElevenLabsApiStandIn.Hold stall = standIn.stallBody(Endpoint.CONVERSATION, 1000);
        List<String> sinks = new ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger opened = new java.util.concurrent.atomic.AtomicInteger();
        try {
            ElevenLabsApi api = api(KEY, Duration.ofMillis(500));
            byte[] body = api.conversation("conv_a", () -> new ElevenLabsApi.Sink<byte[]>() {
                private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                private final int number = opened.incrementAndGet();

                {
                    sinks.add("opened " + number);
                }

                @Override
                public void write(byte[] b, int offset, int length) {
                    bytes.write(b, offset, length);
                }

                @Override
                public byte[] finish() {
                    sinks.add("finished " + number);
                    return bytes.toByteArray();
                }

                @Override
                public void close() {
                    sinks.add("closed " + number + " after " + bytes.size() + " bytes");
                }
            });

            assertThat(body).isEqualTo(standIn.served("conv_a"));
            assertThat(sinks).containsExactly("opened 1", "closed 1 after 1000 bytes", "opened 2", "finished 2",
                    "closed 2 after " + body.length + " bytes");
            assertThat(pauses).containsExactly(Duration.ofSeconds(1));
        } finally {
            stall.release();
        }
    }

    @Test
    void aRejectedKeyIsLoggedOnceAndNoFurtherRequestIsSent() throws Exception {
        String wrongKey = "sk_wrong_0123456789abcdef0123456789abcdef";
        try (LogCapture logs = LogCapture.install()) {
            ElevenLabsApi api = api(wrongKey);

            assertThatThrownBy(() -> api.conversations(null, null, null, null, 10))
                    .isInstanceOfSatisfying(ApiException.KeyRejected.class, e -> assertThat(e.status()).isEqualTo(401))
                    .hasMessageContaining("401 (invalid_api_key)");
            assertThatThrownBy(() -> api.conversation("conv_a", () -> null))
                    .isInstanceOf(ApiException.KeyRejected.class);
            assertThatThrownBy(api::webhooks).isInstanceOf(ApiException.KeyRejected.class);

            assertThat(standIn.requests()).hasSize(1);
            assertThat(api.keyRejected()).hasValueSatisfying(why -> assertThat(why).contains("401"));
            assertThat(logs.records("WARNING", "refused the API key")).hasSize(1);
            assertThat(logs.text()).doesNotContain(wrongKey).doesNotContain(KEY);
        }
        assertThat(pauses).isEmpty();
    }

    @Test
    void forbiddenIsARejectedKeyToo() {
        standIn.fail(Endpoint.WEBHOOKS, 403, null, "missing_permissions");

        assertThatThrownBy(() -> api(KEY).webhooks())
                .isInstanceOfSatisfying(ApiException.KeyRejected.class, e -> assertThat(e.status()).isEqualTo(403));
    }

    @Test
    void notFoundAndOtherClientErrorsAreNotTriedAgain() {
        standIn.fail(Endpoint.LIST, 422, null, "invalid_parameters");
        ElevenLabsApi api = api(KEY);

        assertThatThrownBy(() -> api.conversation("conv_unknown", () -> null))
                .isInstanceOf(ApiException.NotFound.class)
                .hasMessageContaining("(conversation_not_found)");
        assertThatThrownBy(() -> api.conversations(null, null, null, null, 10))
                .isInstanceOfSatisfying(ApiException.Refused.class, e -> assertThat(e.status()).isEqualTo(422));
        assertThat(standIn.requests()).hasSize(2);
        assertThat(pauses).isEmpty();
    }

    @Test
    void anAnswerTheSdksTypesDoNotDescribeIsMalformed() {
        standIn.fail(Endpoint.LIST, 200, null, "not_a_page");

        assertThatThrownBy(() -> api(KEY).conversations(null, null, null, null, 10))
                .isInstanceOf(ApiException.Malformed.class)
                .hasMessageContaining("'conversations' is missing");
    }

    @Test
    void atMostTwoRequestsAreInFlightWhoeverCalls() throws Exception {
        List<ElevenLabsApiStandIn.Hold> holds = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            holds.add(standIn.hold(Endpoint.WEBHOOKS));
        }
        ElevenLabsApi api = api(KEY);
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<WorkspaceWebhook>>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(callers.submit(api::webhooks));
            }
            standIn.awaitInFlight(2, Duration.ofSeconds(30));
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (api.waiting() < 2 && System.nanoTime() < end) {
                Thread.onSpinWait();
            }

            assertThat(api.waiting()).isEqualTo(2);
            assertThat(standIn.inFlight()).isEqualTo(2);

            holds.forEach(ElevenLabsApiStandIn.Hold::release);
            for (Future<List<WorkspaceWebhook>> call : calls) {
                assertThat(call.get()).isEmpty();
            }
        } finally {
            holds.forEach(ElevenLabsApiStandIn.Hold::release);
            callers.shutdownNow();
        }
        assertThat(standIn.maxInFlight()).isEqualTo(2);
    }

    @Test
    void webhooksAreReadWithTheirStateAndLastFailure() throws Exception {
        standIn.webhook("wh_1", "Support line").autoDisabled(true).failed(502, 1761488000);
        standIn.webhook("wh_2", "Speech to text").usage("Speech to Text");

        List<WorkspaceWebhook> webhooks = api(KEY).webhooks();

        assertThat(webhooks).containsExactly(
                new WorkspaceWebhook("wh_1", "Support line", true, true, 502, Instant.ofEpochSecond(1761488000),
                        List.of()),
                new WorkspaceWebhook("wh_2", "Speech to text", false, false, null, null, List.of("Speech to Text")));
        assertThat(webhooks.get(0).mayCarryPostCallEvents()).isTrue();
        assertThat(webhooks.get(1).mayCarryPostCallEvents()).isFalse();
    }
}
