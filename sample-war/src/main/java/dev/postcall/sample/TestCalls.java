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
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.security.SecureRandom;
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

    private TestCalls() {
    }

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
        return rewrite(SamplePayloads.bytes(name), conversationId, now);
    }

    /** Any webhook body (one JSON object with a {@code data} object), rewritten as {@link #payload} does. */
    static byte[] rewrite(byte[] body, String conversationId, Instant now) {
        JsonObject sample;
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(body))) {
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

    /**
     * Signs {@code body} with {@code secret} and POSTs it to {@code webhook}; returns the webhook's status. Over
     * {@link HttpURLConnection} without keep-alive rather than {@code HttpClient}, whose threads (on Java 17, which
     * cannot close a client) outlive the application and make Tomcat warn at every stop.
     */
    static int post(URI webhook, String secret, byte[] body) throws IOException {
        HttpURLConnection http = (HttpURLConnection) webhook.toURL().openConnection();
        try {
            http.setConnectTimeout(5000);
            http.setReadTimeout(30_000);
            http.setDoOutput(true);
            http.setRequestMethod("POST");
            http.setRequestProperty("Connection", "close");
            http.setRequestProperty("Content-Type", "application/json");
            http.setRequestProperty("ElevenLabs-Signature", WebhookSigner.header(body, secret, Instant.now()));
            http.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = http.getOutputStream()) {
                out.write(body);
            }
            int status = http.getResponseCode();
            try (InputStream answer = status < 400 ? http.getInputStream() : http.getErrorStream()) {
                if (answer != null) {
                    answer.readAllBytes();
                }
            }
            return status;
        } finally {
            http.disconnect();
        }
    }
}
