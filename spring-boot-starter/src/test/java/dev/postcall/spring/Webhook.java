package dev.postcall.spring;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import dev.postcall.signature.WebhookSigner;

/** Posts webhooks to a running application over real HTTP, signed the way ElevenLabs signs them. */
final class Webhook {
    /** The secret the test applications are configured with. */
    static final String SECRET = "wsec_spring_test_0123456789abcdef0123456789abcdef";
    static final String PATH = "/elevenlabs/webhook";

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private Webhook() {
    }

    static URI uri(int port) {
        return uri(port, PATH);
    }

    static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** {@code body} signed with {@link #SECRET} now and posted to the webhook path. */
    static HttpResponse<String> postSigned(int port, byte[] body) throws IOException, InterruptedException {
        return post(port, body, WebhookSigner.header(body, SECRET, Instant.now()));
    }

    /** {@code body} posted with the given signature header, or none when {@code signature} is {@code null}. */
    static HttpResponse<String> post(int port, byte[] body, String signature) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(port))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signature != null) {
            request.header("ElevenLabs-Signature", signature);
        }
        return send(request.build());
    }

    static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(port, path)).GET().build());
    }

    /** The RFC 9457 problem of a rejection. */
    static JsonObject problem(HttpResponse<String> response) {
        return Json.createReader(new StringReader(response.body())).readObject();
    }
}
