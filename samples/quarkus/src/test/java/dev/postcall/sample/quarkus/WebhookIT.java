package dev.postcall.sample.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postcall.signature.WebhookSigner;
import dev.postcall.testsupport.TestData;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * The sample as users run it: the packaged application ({@code target/quarkus-app/quarkus-run.jar}, JVM mode) with
 * the plain postcall jars, its web.xml and its application.properties, the secret from the environment, talked to
 * over real HTTP. The same cases as on the application servers: every fixture signed is accepted and observed; a bad
 * signature, an old timestamp and a missing header are 401 and reach no observer; a 20 MB audio delivery, sent
 * chunked, is saved byte for byte; what an observer fails on is kept in the inbox and replayed once fixed.
 */
@QuarkusIntegrationTest
class WebhookIT {
    static final String SECRET = System.getProperty("postcall.it.secret");
    /** HTTP/1.1, as the vendor posts (the JDK's default would first ask for an HTTP/2 upgrade). */
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TestHTTPResource("elevenlabs/webhook")
    URI webhook;

    @TempDir
    Path temp;

    @Test
    void everyFixtureSignedIsAcceptedAndReachesItsObservers() throws Exception {
        List<Path> fixtures;
        try (Stream<Path> files = Files.list(TestData.fixtures())) {
            fixtures = files.filter(f -> f.toString().endsWith(".json"))
                    .filter(f -> !f.getFileName().toString().equals("signature-vectors.json")).sorted().toList();
        }
        assertThat(fixtures).hasSizeGreaterThanOrEqualTo(10);
        long mark = AppLog.mark();

        Instant now = Instant.now();
        for (int i = 0; i < fixtures.size(); i++) {
            Path fixture = fixtures.get(i);
            // a fresh event_timestamp for each; audio-speech.json is audio.json's conversation, and a recording is
            // one delivery per conversation (its key leaves the timestamp out): a conversation of its own
            String text = Files.readString(fixture);
            if (fixture.getFileName().toString().equals("audio-speech.json")) {
                text = text.replace("conv_2901k7m4x8rb6tq0zv3wh5njd9sea", "conv_2901k7m4x8rb6tq0zv3wh5speech");
            }
            byte[] body = withTimestamp(text, now.plusSeconds(i));
            HttpResponse<String> response = post(body, WebhookSigner.header(body, SECRET, Instant.now()));
            assertThat(response.statusCode()).as("%s: %s", fixture.getFileName(), response.body()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"received\":true}");
        }

        List<String> log = AppLog.since(mark);
        assertThat(log.stream().filter(line -> line.contains(" received for "))).hasSize(fixtures.size());
        assertThat(String.join("\n", log))
                .contains("call conv_7401k7j2d9fq3wz8hy6vts0a1cmb: NONE, 3 turns, 31 s, cost 187, SUCCESS")
                .contains("call conv_5501k7rb1mx4tq8wz0ce3vh6ynda not placed: busy, SIP 486")
                .contains("conversation_escalated received for");
        // @Agent on ArC: only the one transcription of that agent, not its two failed initiations nor other agents
        assertThat(log.stream().filter(line -> line.contains("support line call "))).singleElement()
                .asString().endsWith("support line call conv_6601k7r5b2hc8yw1dq4xe7mz0tfa");
    }

    @Test
    void aBadSignatureIsRefusedWith401AndReachesNoObserver() throws Exception {
        assertRefusedWhenSigned(SECRET + "-wrong", Instant.now(), "signature-mismatch");
    }

    @Test
    void theSecretIsTheEnvironmentsNotTheTextOfTheReferenceInWebXml() throws Exception {
        // what Quarkus's own expansion of ${mp:postcall.secret} in web.xml would have made the secret
        assertRefusedWhenSigned("postcall.secret", Instant.now(), "signature-mismatch");
    }

    @Test
    void aTimestampOlderThanTheToleranceIsRefusedWith401AndReachesNoObserver() throws Exception {
        assertRefusedWhenSigned(SECRET, Instant.now().minus(Duration.ofMinutes(31)), "timestamp-too-old");
    }

    @Test
    void aDeliveryWithoutTheSignatureHeaderIsRefusedWith401AndReachesNoObserver() throws Exception {
        String id = newConversationId();
        long mark = AppLog.mark();

        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(webhook).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(transcription(id))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertRefused(response, "signature-header-missing", id, mark);
    }

    @Test
    void aTwentyMegabyteAudioDeliverySentChunkedIsSavedByteForByte() throws Exception {
        byte[] audio = new byte[15 * 1024 * 1024]; // 20 MB once base64-encoded: more than Parsson's 15,000,000 chars
        new Random(7).nextBytes(audio);
        String id = newConversationId();
        Path body = temp.resolve("audio-webhook.json");
        try (OutputStream out = Files.newOutputStream(body)) {
            out.write(("{\"type\":\"post_call_audio\",\"event_timestamp\":" + Instant.now().getEpochSecond()
                    + ",\"data\":{\"agent_id\":\"agent_it\",\"conversation_id\":\"" + id + "\",\"full_audio\":\"")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(Base64.getEncoder().encode(audio));
            out.write("\"}}".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(Files.size(body)).isGreaterThan(20_000_000L);
        String signature = WebhookSigner.header(Files.readAllBytes(body), SECRET, Instant.now());

        // an InputStream publisher has no length: the JDK client sends it chunked, as the vendor does
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(webhook).timeout(Duration.ofSeconds(60))
                .header("ElevenLabs-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> open(body))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Path saved = callsDir().resolve(id + ".mp3");
        assertThat(Files.size(saved)).isEqualTo(audio.length);
        assertThat(sha256(Files.newInputStream(saved))).isEqualTo(sha256(new java.io.ByteArrayInputStream(audio)));
    }

    @Test
    void aDeclaredLengthOverPostcallsLimitGetsPostcallsProblemNotQuarkussBareRefusal() throws Exception {
        // over postcall's max-body-size (256 MiB), under quarkus.http.limits.max-body-size (300M): the filter answers
        long declared = 256L * 1024 * 1024 + 1;
        String id = newConversationId();
        byte[] body = transcription(id);
        String head = "POST " + webhook.getRawPath() + " HTTP/1.1\r\nHost: " + webhook.getHost() + "\r\n"
                + "Content-Type: application/json\r\nElevenLabs-Signature: "
                + WebhookSigner.header(body, SECRET, Instant.now()) + "\r\nContent-Length: " + declared
                + "\r\n\r\n";
        try (Socket socket = new Socket(webhook.getHost(), webhook.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body); // and then nothing more: the answer must not wait for the rest
            socket.getOutputStream().flush();
            String answer = new String(readAnswer(socket.getInputStream()), StandardCharsets.ISO_8859_1);

            assertThat(answer).startsWith("HTTP/1.1 413").containsIgnoringCase("content-type: application/problem+json")
                    .contains("https://postcall.dev/problems/body-too-large");
        }
    }

    @Test
    void whatAnObserverFailsOnIsKeptInTheInboxAndReplayedOnceFixed() throws Exception {
        String id = newConversationId();
        byte[] body = withTimestamp(Files.readString(TestData.fixture("audio-speech.json"))
                .replace("conv_2901k7m4x8rb6tq0zv3wh5njd9sea", id), Instant.now());
        Path failed = Path.of(System.getProperty("postcall.it.inboxDir")).resolve("failed");
        int failedBefore = count(failed);
        Path calls = Files.createDirectories(callsDir());
        Path away = calls.resolveSibling("calls.away");
        // the audio observer cannot save: its folder is a regular file now (as root, a permission would not stop it)
        Files.move(calls, away);
        try {
            Files.writeString(calls, "not a directory");

            HttpResponse<String> kept = post(body, WebhookSigner.header(body, SECRET, Instant.now()));

            assertThat(kept.statusCode()).as("kept in the inbox: %s", kept.body()).isEqualTo(200);
            assertThat(count(failed)).isEqualTo(failedBefore + 1);
        } finally {
            Files.deleteIfExists(calls);
            Files.move(away, calls);
        }

        // fixed: the CLI re-signs what failed/ holds and posts it through the same verified path
        ProcessBuilder command = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", cli().toString(), "replay", "--inbox", failed.getParent().toString(),
                "--url", webhook.toString()).redirectErrorStream(true);
        command.environment().put("ELEVENLABS_WEBHOOK_SECRET", SECRET);   // never on the command line
        Process replay = command.start();
        String output = new String(replay.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(replay.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(replay.exitValue()).as(output).isZero();

        assertThat(count(failed)).as(output).isEqualTo(failedBefore);
        Path saved = calls.resolve(id + ".mp3");
        assertThat(Files.size(saved)).isEqualTo(9995);
        assertThat(Files.readAllBytes(saved)).startsWith('I', 'D', '3');
    }

    /** A fresh transcription signed with {@code secret} at {@code at} is 401 {@code problem} and observed by none. */
    private void assertRefusedWhenSigned(String secret, Instant at, String problem) throws Exception {
        String id = newConversationId();
        byte[] body = transcription(id);
        long mark = AppLog.mark();

        HttpResponse<String> response = post(body, WebhookSigner.header(body, secret, at));

        assertRefused(response, problem, id, mark);
    }

    private void assertRefused(HttpResponse<String> response, String problem, String id, long mark)
            throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.body()).contains("https://postcall.dev/problems/" + problem);
        assertThat(AppLog.since(mark)).noneMatch(line -> line.contains(id) && line.contains(" received for "));
    }

    private HttpResponse<String> post(byte[] body, String signature) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(webhook).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("ElevenLabs-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String newConversationId() {
        return "conv_it_" + UUID.randomUUID().toString().replace("-", "");
    }

    private static byte[] transcription(String conversationId) {
        return ("{\"type\":\"post_call_transcription\",\"event_timestamp\":" + Instant.now().getEpochSecond()
                + ",\"data\":{\"agent_id\":\"agent_it\",\"conversation_id\":\"" + conversationId
                + "\",\"transcript\":[]}}").getBytes(StandardCharsets.UTF_8);
    }

    /** The fixture with its envelope's {@code event_timestamp} set to {@code at}. */
    private static byte[] withTimestamp(String fixture, Instant at) {
        String replaced = fixture.replaceFirst("\"event_timestamp\"\\s*:\\s*\"?\\d+\"?",
                "\"event_timestamp\": " + at.getEpochSecond());
        return replaced.getBytes(StandardCharsets.UTF_8);
    }

    private static Path callsDir() {
        return Path.of(System.getProperty("postcall.it.callsDir"));
    }

    private static Path cli() {
        Path jar = Path.of(System.getProperty("postcall.cli"));
        assertThat(jar).as("the CLI jar core's package phase builds (mvn verify -pl samples/quarkus -am)")
                .isRegularFile();
        return jar;
    }

    private static int count(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return (int) entries.count();
        }
    }

    /** The status line, headers and as much of the body as arrives before the server stops sending. */
    private static byte[] readAnswer(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                answer.write(buffer, 0, n);
                if (answer.toString(StandardCharsets.ISO_8859_1).contains("body-too-large")) {
                    break;
                }
            }
        } catch (java.net.SocketException | java.net.SocketTimeoutException e) {
            // the server may close the connection it will not read to the end: keep what came
        }
        return answer.toByteArray();
    }

    private static InputStream open(Path file) {
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (in) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
