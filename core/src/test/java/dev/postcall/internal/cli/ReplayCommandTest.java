package dev.postcall.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.postcall.BodySource;
import dev.postcall.internal.inbox.DeliveryRecord;
import dev.postcall.internal.inbox.InboxStore;
import dev.postcall.signature.SignatureException;
import dev.postcall.signature.SignatureVerifier;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replay} against a real HTTP receiver that verifies each request's fresh signature. */
class ReplayCommandTest {

    private static final String SECRET = "wsec_replay0123456789abcdef0123456789abcdef0123456789abcdef01234567";

    @TempDir Path dir;
    private HttpServer server;
    private String url;
    private final List<String> accepted = Collections.synchronizedList(new ArrayList<>());
    private final SignatureVerifier verifier = SignatureVerifier.builder().secrets(List.of(SECRET)).build();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeEach
    void startReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", this::receive);
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    @AfterEach
    void stopReceiver() {
        server.stop(0);
    }

    private void receive(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        int status;
        try {
            verifier.verify(exchange.getRequestHeaders().getFirst("ElevenLabs-Signature"), body);
            String text = new String(body, StandardCharsets.UTF_8);
            status = text.contains("conv_broken") ? 500 : 200;
            if (status == 200) {
                accepted.add(text);
            }
        } catch (SignatureException e) {
            status = 401;
        }
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    private InboxStore failedEntries(String... conversations) throws IOException {
        InboxStore inbox = InboxStore.open(dir.resolve("inbox"));
        for (String conversation : conversations) {
            byte[] body = ("{\"type\":\"post_call_transcription\",\"event_timestamp\":1761400000,\"data\":"
                    + "{\"conversation_id\":\"" + conversation + "\"}}").getBytes(StandardCharsets.UTF_8);
            // signed long ago: a replay must re-sign, or the receiver would refuse it as too old
            inbox.write(BodySource.ofBytes(body), new DeliveryRecord(Instant.parse("2025-10-25T13:46:40Z"),
                    1761400000L, "application/json", "post_call_transcription", conversation, 1761400000L))
                    .moveToFailed();
        }
        return inbox;
    }

    private int run(String... args) {
        PrintStream stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
        return Main.run(List.of(args), new Main.Terminal(stdout, stdout, Map.of()));
    }

    @Test
    void replaysEveryFailedEntryReSignedAndRemovesTheAcceptedOnes() throws IOException {
        InboxStore inbox = failedEntries("conv_a", "conv_b", "conv_c");

        int code = run("replay", "--inbox", inbox.root().toString(), "--secret", SECRET, "--url", url);

        assertThat(code).isZero();
        assertThat(accepted).hasSize(3);
        assertThat(String.join("", accepted)).contains("conv_a", "conv_b", "conv_c");
        assertThat(inbox.failed()).isEmpty();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("replayed 3 of 3; 0 kept");
    }

    @Test
    void keepsEntriesTheReceiverDoesNotAccept() throws IOException {
        InboxStore inbox = failedEntries("conv_a", "conv_broken");

        int code = run("replay", "--inbox", inbox.root().toString(), "--secret", SECRET, "--url", url);

        assertThat(code).isEqualTo(1);
        assertThat(inbox.failed()).extracting(e -> e.record().conversationId()).containsExactly("conv_broken");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("HTTP 500, kept").contains("replayed 1 of 2; 1 kept");
    }

    @Test
    void aWrongSecretKeepsEverything() throws IOException {
        InboxStore inbox = failedEntries("conv_a");

        int code = run("replay", "--inbox", inbox.root().toString(), "--secret", "wsec_wrong", "--url", url);

        assertThat(code).isEqualTo(1);
        assertThat(inbox.failed()).hasSize(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("HTTP 401, kept").doesNotContain("wsec_wrong");
    }

    @Test
    void refusesADirectoryThatIsNotAnInbox() {
        int code = run("replay", "--inbox", dir.toString(), "--secret", SECRET, "--url", url);

        assertThat(code).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("is not an inbox");
    }
}
