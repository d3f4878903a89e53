package dev.postcall.sample;

import dev.postcall.signature.WebhookSigner;
import dev.postcall.testsupport.TestData;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The deployed sample an IT talks to, over real HTTP: the server's base URL and the webhook secret come from the
 * failsafe execution for that server (sample-war/pom.xml). {@link #running()} fails with the server's log when the
 * sample is not reachable, which is how a server that did not start shows up in the build.
 */
final class SampleServer {

    final String name = System.getProperty("postcall.server", "local");
    final URI base = URI.create(System.getProperty("postcall.baseUrl", "http://localhost:8080") + "/");
    final String secret = System.getProperty("postcall.it.secret", "wsec_demo");
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static SampleServer checked;

    /** The server under test, once it answered {@code GET /api/calls}; otherwise fails with its log. */
    static synchronized SampleServer running() {
        if (checked == null) {
            SampleServer server = new SampleServer();
            server.awaitUp();
            checked = server;
        }
        return checked;
    }

    private void awaitUp() {
        String last = "no answer";
        // cargo waited for its servers already; a server started in the background (Payara Micro) may still boot
        long deadline = System.nanoTime()
                + Duration.ofSeconds(Long.getLong("postcall.it.awaitSeconds", 10)).toNanos();
        while (true) {
            try {
                HttpResponse<String> r = get("api/calls");
                if (r.statusCode() == 200) {
                    return;
                }
                last = "GET /api/calls answered " + r.statusCode();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (System.nanoTime() - deadline >= 0) {
                break;
            }
            if (backgroundProcessEnded()) {
                last += "; its process ended";
                break;
            }
            sleep(500);
        }
        String log = serverLog();
        System.out.println("==== " + name + " server log (" + System.getProperty("postcall.serverLog") + ") ====\n"
                + log + "\n==== end of " + name + " server log ====");
        throw new AssertionError("the sample is not running on " + name + " at " + base + " (" + last
                + "); the server's log is printed above. Its last lines:\n" + tail(log, 40));
    }

    /**
     * A server the build started in the background names its PID file ({@code postcall.serverPidfile}): once that
     * process is gone, waiting longer is pointless.
     */
    private static boolean backgroundProcessEnded() {
        String file = System.getProperty("postcall.serverPidfile");
        if (file == null) {
            return false;
        }
        try {
            long pid = Long.parseLong(Files.readString(Path.of(file)).strip());
            return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    URI uri(String path) {
        return base.resolve(path);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> getBytes(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** POSTs {@code body} to the webhook signed with the server's secret at the current time. */
    HttpResponse<String> deliver(byte[] body) throws IOException, InterruptedException {
        return deliver(body, WebhookSigner.header(body, secret, Instant.now()));
    }

    /** POSTs {@code body} to the webhook with the given {@code ElevenLabs-Signature} header. */
    HttpResponse<String> deliver(byte[] body, String signature) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri("elevenlabs/webhook"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("ElevenLabs-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The conversation ids of three deliveries of the vendor's newer webhooks: a call whose webhook left the
     * transcript out, a call of unknown provider and direction, and an answering machine verdict.
     */
    record NewerWebhooks(String notSent, String unknownDirection, String verdict) {
    }

    /** Delivers the three fixtures of {@link NewerWebhooks}, each as a new conversation at {@code now}; each 200. */
    NewerWebhooks deliverNewerWebhooks(Instant now) throws IOException, InterruptedException {
        NewerWebhooks ids = new NewerWebhooks(TestCalls.newConversationId(), TestCalls.newConversationId(),
                TestCalls.newConversationId());
        deliverFixture("transcription-no-transcript.json", ids.notSent(), now);
        deliverFixture("transcription-unknown-direction.json", ids.unknownDirection(), now);
        deliverFixture("answering-machine-detection.json", ids.verdict(), now);
        return ids;
    }

    private void deliverFixture(String file, String conversationId, Instant now)
            throws IOException, InterruptedException {
        HttpResponse<String> response = deliver(TestCalls.rewrite(TestData.bytes(file), conversationId, now));
        if (response.statusCode() != 200) {
            throw new AssertionError(file + " answered " + response.statusCode() + " on " + name + ": "
                    + response.body());
        }
    }

    HttpResponse<String> post(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code GET /api/calls}, parsed. */
    JsonObject dashboard() throws IOException, InterruptedException {
        HttpResponse<String> r = get("api/calls");
        if (r.statusCode() != 200) {
            throw new AssertionError("GET /api/calls answered " + r.statusCode() + ": " + r.body());
        }
        try (JsonReader reader = Json.createReader(new StringReader(r.body()))) {
            return reader.readObject();
        }
    }

    /** The dashboard's entry for one conversation in {@code list} ({@code calls} or {@code failures}). */
    Optional<JsonObject> entry(String list, String conversationId) throws IOException, InterruptedException {
        List<JsonValue> entries = dashboard().getJsonArray(list);
        return entries.stream().map(JsonValue::asJsonObject)
                .filter(c -> conversationId.equals(c.getString("conversationId", null)))
                .findFirst();
    }

    private static String serverLog() {
        String file = System.getProperty("postcall.serverLog");
        if (file == null) {
            return "(no server log configured)";
        }
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            return "(could not read " + file + ": " + e + ")";
        }
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
