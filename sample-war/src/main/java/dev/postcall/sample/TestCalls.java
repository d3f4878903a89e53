package dev.postcall.sample;

import dev.postcall.signature.WebhookSigner;
import dev.postcall.testing.SamplePayloads;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * Sends a bundled sample payload to the application's own webhook, signed with the configured secret, so the page's
 * "Send a test call" runs the same verified path as a real delivery. Each test call gets a fresh conversation id and
 * the current time, so it shows up as a new call (and is not taken for a repeated delivery).
 */
final class TestCalls {

    /** The names {@link #payload} accepts: postcall's bundled samples. */
    static final List<String> NAMES = SamplePayloads.names();

    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A conversation id that cannot collide with the sender's. */
    static String newConversationId() {
        byte[] bytes = new byte[10];
        RANDOM.nextBytes(bytes);
        return "conv_test_" + HexFormat.of().formatHex(bytes);
    }

    /**
     * The named {@link SamplePayloads sample}, rewritten for {@code conversationId} at {@code now}: {@code event_timestamp},
     * {@code data.conversation_id} and {@code data.metadata.start_time_unix_secs} (the call ends now).
     *
     * @throws IllegalArgumentException for a name not in {@link #NAMES}
     */
    static byte[] payload(String name, String conversationId, Instant now) {
        JsonObject sample;
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(SamplePayloads.bytes(name)))) {
            sample = reader.readObject();
        }
        JsonObject data = sample.getJsonObject("data");
        JsonObjectBuilder newData = Json.createObjectBuilder(data).add("conversation_id", conversationId);
        JsonValue metadata = data.get("metadata");
        if (metadata instanceof JsonObject meta && meta.get("call_duration_secs") instanceof JsonNumber secs) {
            long start = now.getEpochSecond() - secs.longValue();
            newData.add("metadata", Json.createObjectBuilder(meta)
                    .add("start_time_unix_secs", start)
                    .add("accepted_time_unix_secs", start));
        }
        JsonObject rewritten = Json.createObjectBuilder(sample)
                .add("event_timestamp", now.getEpochSecond())
                .add("data", newData)
                .build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var writer = Json.createWriter(out)) {
            writer.writeObject(rewritten);
        }
        return out.toByteArray();
    }

    /** Signs {@code body} with {@code secret} and POSTs it to {@code webhook}; returns the webhook's status. */
    int post(URI webhook, String secret, byte[] body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(webhook)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("ElevenLabs-Signature", WebhookSigner.header(body, secret, Instant.now()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
