package dev.postcall.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.postcall.BodySource;
import dev.postcall.CallReport;
import dev.postcall.EventParser;
import dev.postcall.TranscriptionEvent;
import dev.postcall.signature.SignatureException;
import dev.postcall.signature.SignatureVerifier;
import dev.postcall.testing.SamplePayloads;
import jakarta.json.Json;
import jakarta.json.JsonReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI against a real HTTP receiver that verifies what it gets with {@link SignatureVerifier}. */
class MainTest {

    private static final String SECRET = "wsec_cli0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab";

    /** What the receiver saw of one request. */
    record Received(String signature, String contentType, String contentLength, String transferEncoding,
                    byte[] body, long verifiedTimestamp) {
    }

    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private final SignatureVerifier verifier = SignatureVerifier.builder().secrets(List.of(SECRET)).build();
    private HttpServer server;
    private String url;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path dir;

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
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String signature = exchange.getRequestHeaders().getFirst("ElevenLabs-Signature");
        long verified = -1;
        int status;
        byte[] answer;
        try {
            SignatureVerifier.Verification v = verifier.begin(signature);
            v.update(body, 0, body.length);
            verified = v.finish();
            status = 200;
            answer = "{\"received\":true}".getBytes(StandardCharsets.UTF_8);
        } catch (SignatureException e) {
            status = 401;
            answer = ("{\"type\":\"" + e.reason() + "\"}").getBytes(StandardCharsets.UTF_8);
        }
        received.add(new Received(signature, exchange.getRequestHeaders().getFirst("Content-Type"),
                exchange.getRequestHeaders().getFirst("Content-Length"),
                exchange.getRequestHeaders().getFirst("Transfer-Encoding"), body, verified));
        exchange.sendResponseHeaders(status, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    private int run(Map<String, String> env, String... args) {
        return Main.run(List.of(args), new Main.Terminal(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env));
    }

    /** Runs the CLI with the webhook secret in the environment, where a user's shell holds it. */
    private int run(String... args) {
        return run(Map.of(WebhookPoster.SECRET_ENV, SECRET), args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static long eventTimestampOf(byte[] body) {
        try (JsonReader r = Json.createReader(new ByteArrayInputStream(body))) {
            return r.readObject().getJsonNumber("event_timestamp").longValueExact();
        }
    }

    @Test
    void sendsNamedSampleSignedWithFreshEventTimestamp() {
        long before = Instant.now().getEpochSecond();
        assertThat(run("send", "--url", url, "transcription")).isEqualTo(Main.OK);
        long after = Instant.now().getEpochSecond();

        assertThat(received).hasSize(1);
        Received r = received.get(0);
        long eventTimestamp = eventTimestampOf(r.body());
        assertThat(eventTimestamp).isBetween(before, after);
        assertThat(r.verifiedTimestamp()).isEqualTo(eventTimestamp);
        assertThat(r.body()).isEqualTo(SamplePayloads.bytes("transcription", Instant.ofEpochSecond(eventTimestamp)));
        assertThat(r.contentType()).isEqualTo("application/json");
        assertThat(r.contentLength()).isEqualTo(Integer.toString(r.body().length));
        assertThat(r.transferEncoding()).isNull();
        assertThat(out()).contains("HTTP 200").contains("{\"received\":true}").doesNotContain(SECRET);
    }

    @Test
    void sendsTheSampleOfACallWhoseWebhookLeftTheTranscriptOut() throws Exception {
        assertThat(run("send", "--url", url, "transcription-no-transcript")).isEqualTo(Main.OK);

        Received r = received.get(0);
        assertThat(r.verifiedTimestamp()).isPositive();
        CallReport report = ((TranscriptionEvent) new EventParser().parse(BodySource.ofBytes(r.body()))).report();
        assertThat(report.transcriptSent()).isFalse();
        assertThat(report.turnCount()).isNull();
        assertThat(report.queueWait()).isEqualTo(Duration.ofMillis(37_400));
        assertThat(report.customerNumber()).isEqualTo("+442079460587");
        assertThat(out()).contains("HTTP 200");
        assertThat(run("send", "--help")).isEqualTo(Main.OK);
        assertThat(out()).contains("transcription-no-transcript");
    }

    @Test
    void sendsFileByteForByte() throws IOException {
        byte[] bytes = ("{\"type\":\"post_call_audio\",\"event_timestamp\":1,\"data\":{\"note\":\"Café 🙂\"}}\r\n  ")
                .getBytes(StandardCharsets.UTF_8);
        Path file = Files.write(dir.resolve("delivery.json"), bytes);

        assertThat(run("send", "--url=" + url, file.toString())).isEqualTo(Main.OK);

        assertThat(received).singleElement().satisfies(r -> assertThat(r.body()).isEqualTo(bytes));
    }

    @Test
    void sendsChunkedWithoutContentLength() {
        assertThat(run("send", "--url", url, "--chunked", "audio")).isEqualTo(Main.OK);

        Received r = received.get(0);
        assertThat(r.transferEncoding()).isEqualToIgnoringCase("chunked");
        assertThat(r.contentLength()).isNull();
        assertThat(r.body()).isEqualTo(SamplePayloads.bytes("audio", Instant.ofEpochSecond(eventTimestampOf(r.body()))));
        assertThat(out()).contains("chunked");
    }

    @Test
    void readsSecretFromEnvironment() {
        assertThat(run(Map.of("ELEVENLABS_WEBHOOK_SECRET", SECRET), "send", "--url", url, "failure-sip"))
                .isEqualTo(Main.OK);
        assertThat(received).singleElement().satisfies(r -> assertThat(r.verifiedTimestamp()).isPositive());
    }

    @Test
    void exitsOneWhenReceiverRefuses() {
        assertThat(run(Map.of(WebhookPoster.SECRET_ENV, "wsec_wrong"), "send", "--url", url, "unknown"))
                .isEqualTo(Main.NOT_ACCEPTED);
        assertThat(received).singleElement().satisfies(r -> assertThat(r.verifiedTimestamp()).isEqualTo(-1));
        assertThat(out()).contains("HTTP 401").contains("SIGNATURE_MISMATCH").doesNotContain("wsec_wrong");
    }

    @Test
    void repeatedSendsOfSampleAreEachSignedAndAccepted() {
        for (String name : SamplePayloads.names()) {
            assertThat(run("send", "--url", url, name)).as(name).isEqualTo(Main.OK);
        }
        assertThat(received).hasSize(SamplePayloads.names().size());
        assertThat(received).allSatisfy(r -> assertThat(r.verifiedTimestamp()).isPositive());
    }

    @Test
    void exitsTwoWithoutSecretAndNamesTheWaysToGiveIt() throws IOException {
        Path inbox = Files.createDirectories(dir.resolve("inbox/failed")).getParent();
        assertThat(run(Map.of(), "send", "--url", url, "transcription")).isEqualTo(Main.USAGE);
        assertThat(run(Map.of(WebhookPoster.SECRET_ENV, " "), "replay", "--inbox", inbox.toString(), "--url", url))
                .isEqualTo(Main.USAGE);

        assertThat(err()).contains("postcall send: no secret: set ELEVENLABS_WEBHOOK_SECRET in the environment or"
                + " pass --secret-file PATH").contains("postcall replay: no secret: set ELEVENLABS_WEBHOOK_SECRET");
        assertThat(received).isEmpty();
    }

    @Test
    void readsSecretFromAFileWithoutItsTrailingNewline() throws IOException {
        Path unix = Files.writeString(dir.resolve("secret"), SECRET + "\n");
        Path windows = Files.writeString(dir.resolve("secret.txt"), SECRET + "\r\n");

        // the file is used, not the environment, and without a variable at all
        assertThat(run(Map.of(WebhookPoster.SECRET_ENV, "wsec_wrong"), "send", "--secret-file", unix.toString(),
                "--url", url, "transcription")).isEqualTo(Main.OK);
        assertThat(run(Map.of(), "send", "--secret-file=" + windows, "--url", url, "audio")).isEqualTo(Main.OK);

        assertThat(received).hasSize(2).allSatisfy(r -> assertThat(r.verifiedTimestamp()).isPositive());
        assertThat(out() + err()).doesNotContain(SECRET).doesNotContain("wsec_wrong");
    }

    @Test
    void readsSecretFromAFileSavedWithAByteOrderMark() throws IOException {
        // Notepad and Windows PowerShell's Set-Content -Encoding UTF8 start a UTF-8 file with EF BB BF
        Path bom = Files.write(dir.resolve("secret-bom.txt"),
                ("\uFEFF" + SECRET + "\r\n").getBytes(StandardCharsets.UTF_8));

        assertThat(run(Map.of(), "send", "--secret-file", bom.toString(), "--url", url, "audio")).isEqualTo(Main.OK);

        assertThat(received).singleElement().satisfies(r -> assertThat(r.verifiedTimestamp()).isPositive());
        assertThat(out() + err()).doesNotContain(SECRET);
    }

    @Test
    void aSecretFileThatIsNotUtf8IsAUsageErrorNotASignatureWithAnotherKey() throws IOException {
        // Windows PowerShell's "echo $secret > file" writes UTF-16LE with a byte order mark
        Path utf16 = Files.write(dir.resolve("secret-utf16.txt"),
                ("\uFEFF" + SECRET + "\r\n").getBytes(StandardCharsets.UTF_16LE));

        assertThat(run(Map.of(), "send", "--secret-file", utf16.toString(), "--url", url, "audio"))
                .isEqualTo(Main.USAGE);

        assertThat(err()).contains("--secret-file " + utf16 + " is not UTF-8 text").doesNotContain(SECRET);
        assertThat(received).isEmpty();
    }

    @Test
    void aSecretFileThatIsMissingEmptyOrTooLargeIsAUsageErrorThatNeverShowsItsContent() throws IOException {
        Path missing = dir.resolve("no-such-secret");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        Path large = Files.writeString(dir.resolve("large"), SECRET.repeat(2000));

        assertThat(run(Map.of(), "send", "--secret-file", missing.toString(), "--url", url, "audio"))
                .isEqualTo(Main.USAGE);
        assertThat(err()).contains("--secret-file " + missing + ": no such file");
        assertThat(run(Map.of(), "send", "--secret-file", empty.toString(), "--url", url, "audio"))
                .isEqualTo(Main.USAGE);
        assertThat(err()).contains("no secret: " + empty + " is empty; set ELEVENLABS_WEBHOOK_SECRET");
        assertThat(run(Map.of(), "send", "--secret-file", large.toString(), "--url", url, "audio"))
                .isEqualTo(Main.USAGE);
        assertThat(err()).contains("not a secret file").doesNotContain(SECRET);
        assertThat(received).isEmpty();
    }

    @Test
    void refusesASecretOnTheCommandLineWithoutRepeatingItAndNamesTheSaferWays() {
        assertThat(run(Map.of(), "send", "--secret", "wsec_onTheCommandLine", "--url", url, "audio"))
                .isEqualTo(Main.USAGE);
        assertThat(run("send", "--url", url, "--secret=wsec_onTheCommandLine", "audio")).isEqualTo(Main.USAGE);
        assertThat(run("replay", "--inbox", dir.toString(), "--secret", "wsec_onTheCommandLine", "--url", url))
                .isEqualTo(Main.USAGE);
        assertThat(run("replay", "--secret=wsec_onTheCommandLine", "--inbox", dir.toString(), "--url", url))
                .isEqualTo(Main.USAGE);

        assertThat(received).isEmpty();
        assertThat(err()).contains("postcall send: --secret is not accepted: a secret on the command line shows in"
                        + " ps and in the shell's history; set ELEVENLABS_WEBHOOK_SECRET in the environment or pass"
                        + " --secret-file PATH")
                .contains("postcall replay: --secret is not accepted")
                .doesNotContain("wsec_onTheCommandLine");
        assertThat(out()).doesNotContain("wsec_onTheCommandLine");
    }

    @Test
    void anUnknownOptionWithAValueIsNamedWithoutRepeatingTheValue() throws IOException {
        Path inbox = Files.createDirectories(dir.resolve("inbox/failed")).getParent();
        // a guessed name for the refused --secret: the value is as secret as under the right name
        assertThat(run("send", "--url", url, "--webhook-secret=wsec_onTheCommandLine", "audio"))
                .isEqualTo(Main.USAGE);
        assertThat(run("replay", "--inbox", inbox.toString(), "--webhook-secret=wsec_onTheCommandLine", "--url", url))
                .isEqualTo(Main.USAGE);

        assertThat(err()).contains("postcall send: unknown option --webhook-secret=...")
                .contains("postcall replay: unknown argument --webhook-secret=...")
                .doesNotContain("wsec_onTheCommandLine");
        assertThat(out()).doesNotContain("wsec_onTheCommandLine");
        assertThat(received).isEmpty();
    }

    @Test
    void signsWithTheFirstOfSeveralSecretsAsTheReceiverTriesEachOfItsOwn() {
        assertThat(run(Map.of(WebhookPoster.SECRET_ENV, SECRET + ", wsec_next"), "send", "--url", url, "audio"))
                .isEqualTo(Main.OK);
        assertThat(run(Map.of(WebhookPoster.SECRET_ENV, SECRET + ",,wsec_next"), "send", "--url", url, "audio"))
                .isEqualTo(Main.USAGE);

        assertThat(received).singleElement().satisfies(r -> assertThat(r.verifiedTimestamp()).isPositive());
        assertThat(err()).contains("signing with the first of the 2 secrets in environment variable"
                        + " ELEVENLABS_WEBHOOK_SECRET")
                .contains("entry 2 of environment variable ELEVENLABS_WEBHOOK_SECRET is empty")
                .doesNotContain(SECRET).doesNotContain("wsec_next");
    }

    @Test
    void exitsTwoForUnknownPayloadOptionOrCommand() {
        assertThat(run("send", "--url", url, "no-such-thing")).isEqualTo(Main.USAGE);
        assertThat(err()).contains("neither a sample").contains("transcription-web");
        assertThat(run("send", "--url", url, "--verbose", "audio")).isEqualTo(Main.USAGE);
        assertThat(run("send", "--url", "ftp://x/y", "audio")).isEqualTo(Main.USAGE);
        assertThat(run("send", "audio")).isEqualTo(Main.USAGE);
        assertThat(run("frobnicate")).isEqualTo(Main.USAGE);
        assertThat(run()).isEqualTo(Main.USAGE);
        assertThat(received).isEmpty();
        assertThat(err()).doesNotContain(SECRET);
    }

    @Test
    void aUrlWithAPortOutOfRangeIsAUsageErrorNotAStackTraceWithTheExitCodeOfARefusal() {
        assertThat(run("send", "--url", "http://127.0.0.1:80800/hook", "audio")).isEqualTo(Main.USAGE);
        assertThat(run("send", "--url", "http://127.0.0.1:0/hook", "audio")).isEqualTo(Main.USAGE);

        assertThat(err()).contains("postcall send: --url has no valid port (1 to 65535): http://127.0.0.1:80800/hook")
                .contains("http://127.0.0.1:0/hook");
        assertThat(received).isEmpty();
    }

    @Test
    void exitsThreeWhenNothingListens() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertThat(run("send", "--url", "http://127.0.0.1:" + port + "/hook", "audio"))
                .isEqualTo(Main.UNREACHABLE);
        assertThat(err()).contains("cannot connect");
    }

    @Test
    void helpListsCommandsAndSamples() {
        assertThat(run("--help")).isEqualTo(Main.OK);
        assertThat(out()).contains("send [--secret-file PATH] --url URL [--chunked] <sample|file>")
                .contains("ELEVENLABS_WEBHOOK_SECRET")
                .contains(String.join(", ", SamplePayloads.names()));
        assertThat(run("send", "--help")).isEqualTo(Main.OK);
    }
}
