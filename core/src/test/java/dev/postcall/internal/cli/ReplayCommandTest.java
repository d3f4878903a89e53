package dev.postcall.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.postcall.internal.delivery.Dispatcher;
import dev.postcall.internal.inbox.DirectoryStore;
import dev.postcall.signature.WebhookSigner;
import dev.postcall.spi.DeliveryStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code replay --inbox} beside a running receiving node ({@link DirectoryReceivingNode}: a {@link DirectoryStore}
 * and the {@link Dispatcher} over real HTTP, verifying each request's fresh signature): a delivery with a key is
 * sent as it is kept and the receiver's store takes that very entry back; one without is claimed into
 * {@code replaying/} first and finished by the answer. Every test checks the end state: what is left in
 * {@code failed/}, and that each delivery was handled exactly once.
 */
class ReplayCommandTest {

    private static final String SECRET = "wsec_replay0123456789abcdef0123456789abcdef0123456789abcdef01234567";
    private static final String PAYLOAD_TEXT = "my card number is 4111";

    @TempDir Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<DirectoryReceivingNode> nodes = new ArrayList<>();

    private Path inbox() {
        return dir.resolve("inbox");
    }

    private DirectoryReceivingNode node(boolean acceptFailures) throws IOException {
        DirectoryReceivingNode node = DirectoryReceivingNode.start(inbox(), SECRET, acceptFailures);
        nodes.add(node);
        return node;
    }

    @AfterEach
    void stopNodes() {
        nodes.forEach(DirectoryReceivingNode::close);
    }

    /** Runs the CLI with the webhook secret in the environment, where a user's shell holds it. */
    private int run(String... args) {
        return run(Map.of(WebhookPoster.SECRET_ENV, SECRET), args);
    }

    private int run(Map<String, String> env, String... args) {
        PrintStream stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
        return Main.run(List.of(args), new Main.Terminal(stdout, stdout, env));
    }

    private int replay(DirectoryReceivingNode node) {
        return run("replay", "--inbox", inbox().toString(), "--url", node.receiver().url());
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The entries' names in one of the inbox's folders. */
    private List<String> entries(String folder) throws IOException {
        try (var list = Files.list(inbox().resolve(folder))) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static DeliveryStore.Kept only(DirectoryReceivingNode node) throws DeliveryStore.StoreException {
        List<DeliveryStore.Kept> failed = node.failed();
        assertThat(failed).hasSize(1);
        return failed.get(0);
    }

    @Test
    void eachFailedDeliveryIsPostedReSignedAndTheReceiversStoreTakesItBackAndHandlesItOnce() throws Exception {
        DirectoryReceivingNode node = node(false);
        String a = node.storeFailed("conv_a", 1761400000L, PAYLOAD_TEXT);
        node.advance(Duration.ofSeconds(1));
        String b = node.storeFailed("conv_b", 1761400001L, PAYLOAD_TEXT);
        node.advance(Duration.ofSeconds(1));
        node.storeFailed("conv_c", 1761400002L, PAYLOAD_TEXT);

        int code = replay(node);

        assertThat(code).isZero();
        assertThat(node.receiver().handledConversations()).as("oldest first, each once").containsExactly("conv_a", "conv_b",
                "conv_c");
        assertThat(node.receiver().handled().get(1).body()).as("byte for byte as kept")
                .isEqualTo(WebhookReceiver.body("conv_b", 1761400001L, PAYLOAD_TEXT));
        assertThat(node.failed()).isEmpty();
        assertThat(entries("failed")).isEmpty();
        assertThat(entries("incoming")).isEmpty();
        assertThat(entries("replaying")).isEmpty();
        assertThat(output()).contains("delivery " + a + " (post_call_transcription, conversation conv_a, ")
                .contains("delivery " + b + " (post_call_transcription, conversation conv_b, ")
                .contains("1 attempt(s), last failure java.lang.IllegalStateException) -> HTTP 200, done")
                .contains("replayed 3 of 3; 0 still failed in directory " + inbox())
                .doesNotContain(PAYLOAD_TEXT).doesNotContain(SECRET);

        out.reset();
        assertThat(replay(node)).isZero();
        assertThat(output()).contains("replayed 0 of 0");
        assertThat(node.receiver().handled()).hasSize(3);
    }

    @Test
    void deliveriesAreReplayedOldestFirstAlsoWithinOneSecond() throws Exception {
        DirectoryReceivingNode node = node(false);
        // on the second, then half a second and a millisecond later: an entry's name must sort by its arrival
        node.storeFailed("conv_on_the_second", 1761400000L, PAYLOAD_TEXT);
        node.advance(Duration.ofMillis(500));
        node.storeFailed("conv_half_a_second_later", 1761400001L, PAYLOAD_TEXT);
        node.advance(Duration.ofMillis(1));
        node.storeFailed("conv_a_millisecond_later", 1761400002L, PAYLOAD_TEXT);

        assertThat(replay(node)).isZero();

        assertThat(node.receiver().handledConversations()).containsExactly("conv_on_the_second",
                "conv_half_a_second_later", "conv_a_millisecond_later");
    }

    @Test
    void aKeyedDeliveryWhoseHandlerFailsAgainIsKeptOnceWithItsAttemptsCountedAndReplayedOnceFixed()
            throws Exception {
        DirectoryReceivingNode node = node(false);
        node.storeFailed("conv_a", 1761400000L, PAYLOAD_TEXT);
        node.advance(Duration.ofSeconds(1));
        String broken = node.storeFailed("conv_broken", 1761400001L, PAYLOAD_TEXT);
        node.receiver().breakConversation("conv_broken");

        int code = replay(node);

        assertThat(code).isEqualTo(1);
        DeliveryStore.Kept kept = only(node);
        assertThat(kept.id()).as("the same entry, taken back and failed again: not a second copy").isEqualTo(broken);
        assertThat(kept.attempts()).isEqualTo(2);
        assertThat(kept.failureClass()).isEqualTo(IllegalStateException.class.getName());
        assertThat(entries("incoming")).isEmpty();
        assertThat(entries("replaying")).isEmpty();
        assertThat(node.receiver().handledConversations()).containsExactly("conv_a");
        assertThat(output()).contains("delivery " + broken + " (post_call_transcription, conversation conv_broken")
                .contains("-> HTTP 500, still failed").contains("replayed 1 of 2; 1 still failed");

        // the handler fixed, the next run replays what is left and nothing else
        out.reset();
        node.receiver().fixConversation("conv_broken");
        assertThat(replay(node)).isZero();
        assertThat(node.receiver().handledConversations()).containsExactly("conv_a", "conv_broken");
        assertThat(node.failed()).isEmpty();
        assertThat(output()).contains("replayed 1 of 1; 0 still failed");
    }

    @Test
    void aReceiverThatAcceptsFailuresAnswers200AndTheDeliveryIsReportedStillFailed() throws Exception {
        DirectoryReceivingNode node = node(true);
        String broken = node.storeFailed("conv_broken", 1761400001L, PAYLOAD_TEXT);
        node.receiver().breakConversation("conv_broken");

        int code = replay(node);

        assertThat(code).isEqualTo(1);
        DeliveryStore.Kept kept = only(node);
        assertThat(kept.id()).isEqualTo(broken);
        assertThat(kept.attempts()).isEqualTo(2);
        assertThat(node.receiver().handled()).isEmpty();
        assertThat(output()).contains("-> HTTP 200 but not done: it failed again on the receiver")
                .contains("replayed 0 of 1; 1 still failed");
    }

    @Test
    void aKeylessDeliveryIsClaimedIntoReplayingBeforeItIsSentAndDoneOnceTheReceiverHandledIt() throws Exception {
        DirectoryReceivingNode node = node(false);
        String keyless = node.storeFailed(null, 1761400000L, PAYLOAD_TEXT);
        List<String> whereItWas = Collections.synchronizedList(new ArrayList<>());
        node.receiver().whileHandling(event -> whereItWas.add((Files.isDirectory(inbox().resolve("replaying").resolve(keyless))
                ? "replaying/" : "") + (Files.isDirectory(inbox().resolve("failed").resolve(keyless)) ? "failed/" : "")));

        int code = replay(node);

        assertThat(code).isZero();
        assertThat(whereItWas).as("claimed by the CLI while the receiver handled it").containsExactly("replaying/");
        assertThat(node.receiver().handled()).singleElement().satisfies(h -> {
            assertThat(h.conversationId()).isEqualTo("null");
            assertThat(h.body()).isEqualTo(WebhookReceiver.body(null, 1761400000L, PAYLOAD_TEXT));
        });
        assertThat(entries("failed")).isEmpty();
        assertThat(entries("replaying")).isEmpty();
        assertThat(entries("incoming")).isEmpty();
        assertThat(output()).contains("delivery " + keyless + " (post_call_future_kind, conversation none, ")
                .contains("-> HTTP 200, done").contains("replayed 1 of 1; 0 still failed");

        out.reset();
        assertThat(replay(node)).isZero();
        assertThat(output()).contains("replayed 0 of 0");
        assertThat(node.receiver().handled()).hasSize(1);
    }

    @ParameterizedTest(name = "acceptFailures={0}")
    @ValueSource(booleans = {false, true})
    void aKeylessDeliveryWhoseHandlerFailsAgainIsKeptOnceByTheReceiverAndHandledOnceFixed(boolean acceptFailures)
            throws Exception {
        DirectoryReceivingNode node = node(acceptFailures);
        String keyless = node.storeFailed(null, 1761400000L, PAYLOAD_TEXT);
        node.receiver().breakConversation("null");

        int code = replay(node);

        // the receiver dispatched it and keeps the failure as an entry of its own (it cannot know it is the same):
        // the old one is done, one entry waits for the next run, nothing is lost and nothing is kept twice
        assertThat(code).isZero();
        DeliveryStore.Kept kept = only(node);
        assertThat(kept.id()).isNotEqualTo(keyless);
        assertThat(kept.conversationId()).isNull();
        assertThat(kept.attempts()).isEqualTo(1);
        assertThat(kept.failureClass()).isEqualTo(IllegalStateException.class.getName());
        assertThat(entries("replaying")).isEmpty();
        assertThat(node.receiver().handled()).isEmpty();
        assertThat(output()).contains(acceptFailures ? "-> HTTP 200, done"
                : "-> HTTP 500, handled by the receiver, which keeps its failure itself")
                .contains("replayed 1 of 1; 0 still failed");

        out.reset();
        node.receiver().fixConversation("null");
        assertThat(replay(node)).isZero();
        assertThat(node.receiver().handled()).singleElement().satisfies(h ->
                assertThat(h.body()).isEqualTo(WebhookReceiver.body(null, 1761400000L, PAYLOAD_TEXT)));
        assertThat(node.failed()).isEmpty();
        assertThat(entries("replaying")).isEmpty();
    }

    @Test
    void aKeptBodyThatIsNotAnEventStaysOneEntryHoweverOftenItIsReplayed() throws Exception {
        DirectoryReceivingNode node = node(false);
        // a verified body the receiver cannot read: answered 400 malformed-event and kept, for an upgrade
        byte[] unreadable = "{\"type\":\"post_call_transcription\",\"data\":[".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> first = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(node.receiver().url()))
                .header("Content-Type", "application/json")
                .header(WebhookPoster.HEADER, WebhookSigner.header(unreadable, SECRET, Instant.now()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(unreadable)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(first.statusCode()).isEqualTo(400);
        assertThat(node.failed()).hasSize(1);

        for (int run = 1; run <= 2; run++) {
            out.reset();
            assertThat(replay(node)).as("run %d", run).isZero();
            // the receiver keeps the replayed body as an entry of its own (it cannot know it is the same): the old
            // one is done, not kept beside it
            assertThat(node.failed()).as("run %d", run).singleElement().satisfies(kept -> {
                assertThat(kept.conversationId()).isNull();
                assertThat(kept.bodyLength()).isEqualTo(unreadable.length);
            });
            assertThat(entries("replaying")).isEmpty();
            assertThat(output()).contains("-> HTTP 400, kept by the receiver as malformed, which keeps it itself")
                    .contains("replayed 1 of 1; 0 still failed");
        }
        assertThat(node.receiver().handled()).isEmpty();
    }

    /**
     * A receiver whose store keeps no bodies (a node of another store, the wrong --url) answers a delivery it cannot
     * read 400 and one whose handler fails 500 all the same, without {@code "kept":true}: it kept nothing, so the
     * delivery stays here, kept as failed, never marked done with no copy anywhere.
     */
    @ParameterizedTest
    @ValueSource(strings = {"400 malformed-event", "500 handler-failed"})
    void aKeylessDeliveryAReceiverDidNotSayItKeptStaysKeptHere(String answer) throws Exception {
        DirectoryReceivingNode node = node(false);
        String keyless = node.storeFailed(null, 1761400000L, PAYLOAD_TEXT);
        int status = Integer.parseInt(answer.substring(0, 3));
        byte[] problem = ("{\"type\":\"https://postcall.dev/problems/" + answer.substring(4) + "\",\"status\":"
                + status + "}").getBytes(StandardCharsets.UTF_8);
        HttpServer keepsNothing = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        keepsNothing.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
            exchange.sendResponseHeaders(status, problem.length);
            try (var body = exchange.getResponseBody()) {
                body.write(problem);
            }
        });
        keepsNothing.start();
        int code;
        try {
            code = run("replay", "--inbox", inbox().toString(), "--url",
                    "http://127.0.0.1:" + keepsNothing.getAddress().getPort() + "/hook");
        } finally {
            keepsNothing.stop(0);
        }

        assertThat(code).isEqualTo(Main.NOT_ACCEPTED);
        assertThat(output()).contains("-> HTTP " + status + ", still failed").contains("replayed 0 of 1; 1 still failed");
        assertThat(node.failed()).singleElement().satisfies(kept -> {
            assertThat(kept.id()).isEqualTo(keyless);
            assertThat(kept.attempts()).isEqualTo(2);
        });
        assertThat(entries("replaying")).isEmpty();
    }

    @Test
    void aDeliveryTheSendersRetryTookWhileTheReplayRanIsSkippedNotHandledTwice() throws Exception {
        DirectoryReceivingNode node = node(false);
        node.storeFailed("conv_a", 1761400000L, PAYLOAD_TEXT);
        node.advance(Duration.ofSeconds(1));
        node.storeFailed("conv_b", 1761400001L, PAYLOAD_TEXT);
        List<Dispatcher.Outcome> retries = Collections.synchronizedList(new ArrayList<>());
        // while the receiver handles the replayed conv_a, the sender's own retry of conv_b arrives and takes it
        node.receiver().whileHandling(event -> {
            if ("conv_a".equals(event.conversationId())) {
                try {
                    retries.add(node.retry("conv_b", 1761400001L, PAYLOAD_TEXT));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });

        int code = replay(node);

        assertThat(code).isZero();
        assertThat(retries).containsExactly(Dispatcher.Outcome.HANDLED);
        assertThat(node.receiver().handledConversations()).containsExactly("conv_b", "conv_a");
        assertThat(node.failed()).isEmpty();
        assertThat(output()).contains("no longer failed (replayed elsewhere meanwhile), skipped")
                .contains("replayed 1 of 2; 0 still failed").contains("1 replayed elsewhere meanwhile");
    }

    @Test
    void aWrongSecretKeepsEverythingAndNeverShowsIt() throws Exception {
        DirectoryReceivingNode node = node(false);
        String keyed = node.storeFailed("conv_a", 1761400000L, PAYLOAD_TEXT);
        node.advance(Duration.ofSeconds(1));
        String keyless = node.storeFailed(null, 1761400001L, PAYLOAD_TEXT);

        Path secretFile = Files.writeString(dir.resolve("secret"), "wsec_wrong\n");

        // the file wins over the environment's right secret
        int code = run("replay", "--inbox", inbox().toString(), "--secret-file", secretFile.toString(), "--url",
                node.receiver().url());

        assertThat(code).isEqualTo(1);
        assertThat(node.failed()).extracting(DeliveryStore.Kept::id).containsExactly(keyed, keyless);
        assertThat(node.failed().get(0).attempts()).isEqualTo(1);
        assertThat(node.failed().get(1).failureClass()).as("claimed, refused, put back")
                .isEqualTo(StoreReplay.ReplayRefused.class.getName());
        assertThat(entries("replaying")).isEmpty();
        assertThat(node.receiver().handled()).isEmpty();
        assertThat(output()).contains("HTTP 401, still failed").contains("replayed 0 of 2; 2 still failed")
                .doesNotContain("wsec_wrong").doesNotContain(SECRET);
    }

    @Test
    void aReceiverThatCannotBeReachedStopsTheReplayAndPutsTheClaimedDeliveryBack() throws Exception {
        DirectoryReceivingNode node = node(false);
        String keyless = node.storeFailed(null, 1761400000L, PAYLOAD_TEXT);
        node.advance(Duration.ofSeconds(1));
        String keyed = node.storeFailed("conv_a", 1761400001L, PAYLOAD_TEXT);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }

        int code = run("replay", "--inbox", inbox().toString(), "--url",
                "http://127.0.0.1:" + port + "/hook");

        assertThat(code).isEqualTo(Main.UNREACHABLE);
        assertThat(output()).contains("cannot connect").contains("stopped, 0 of 2 replayed");
        assertThat(node.failed()).extracting(DeliveryStore.Kept::id).containsExactly(keyless, keyed);
        assertThat(node.failed().get(0).failureClass()).isEqualTo(StoreReplay.ReplayNotSent.class.getName());
        assertThat(entries("replaying")).isEmpty();
        assertThat(node.receiver().handled()).isEmpty();
    }

    @Test
    void whatAStoppedReplayLeftInReplayingIsReplayedByTheNextOnce() throws Exception {
        DirectoryReceivingNode node = node(false);
        String keyless = node.storeFailed(null, 1761400000L, PAYLOAD_TEXT);
        // a replay that claimed the entry and was killed before it sent it
        try (DirectoryStore visit = DirectoryStore.visit(inbox(), Clock.systemUTC())) {
            assertThat(visit.claimFailed(visit.failed(null, 10).get(0))).isPresent();
        }
        assertThat(entries("replaying")).containsExactly(keyless);
        assertThat(node.failed()).isEmpty();

        int code = replay(node);

        assertThat(code).isZero();
        assertThat(node.receiver().handledConversations()).containsExactly("null");
        assertThat(entries("replaying")).isEmpty();
        assertThat(entries("failed")).isEmpty();
        assertThat(output()).contains("replayed 1 of 1; 0 still failed");
    }

    @Test
    void aSecondReplayOfTheSameInboxAtOnceIsRefused() throws Exception {
        DirectoryReceivingNode node = node(false);
        String keyed = node.storeFailed("conv_a", 1761400000L, PAYLOAD_TEXT);

        int code;
        try (DirectoryStore running = DirectoryStore.visit(inbox(), Clock.systemUTC())) {
            code = replay(node);
        }

        assertThat(code).isEqualTo(Main.UNREACHABLE);
        assertThat(output()).contains("another replay is running on it");
        assertThat(node.failed()).extracting(DeliveryStore.Kept::id).containsExactly(keyed);
        assertThat(node.receiver().handled()).isEmpty();
    }

    @Test
    void refusesADirectoryThatIsNotAnInbox() {
        int code = run("replay", "--inbox", dir.toString(), "--url", "http://127.0.0.1:1/hook");

        assertThat(code).isEqualTo(2);
        assertThat(output()).contains("is not an inbox");
    }
}
