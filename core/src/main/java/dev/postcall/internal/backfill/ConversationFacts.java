package dev.postcall.internal.backfill;

import dev.postcall.BodySource;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.stream.JsonParser;

import java.io.IOException;
import java.io.InputStream;

/**
 * The members of a fetched conversation backfill decides by, read with a streaming JSON-P parse of the backfilled
 * body that skips everything else (a transcript is never built).
 *
 * @param conversationId {@code data.conversation_id}, or {@code null}
 * @param status         {@code data.status}, or {@code null}
 * @param hasAudio       {@code data.has_audio}; {@code false} when absent
 */
record ConversationFacts(String conversationId, String status, boolean hasAudio) {

    /** Whether the conversation's post-call processing is over. */
    boolean finished() {
        return "done".equals(status) || "failed".equals(status);
    }

    /**
     * Reads the facts of an envelope body built by {@link BackfilledBodies}.
     *
     * @throws IllegalArgumentException when the body is not JSON or its {@code data} is not an object
     * @throws IOException              when the body cannot be read
     */
    static ConversationFacts of(BodySource body) throws IOException {
        String id = null;
        String status = null;
        boolean audio = false;
        boolean data = false;
        try (InputStream in = body.openStream(); JsonParser json = Json.createParser(in)) {
            if (json.next() != JsonParser.Event.START_OBJECT) {
                throw new IllegalArgumentException("the body is not an object");
            }
            while (json.next() == JsonParser.Event.KEY_NAME) {
                boolean isData = "data".equals(json.getString());
                JsonParser.Event value = json.next();
                if (!isData) {
                    skip(json, value);
                    continue;
                }
                if (value != JsonParser.Event.START_OBJECT) {
                    throw new IllegalArgumentException("the conversation is not a JSON object");
                }
                data = true;
                while (json.next() == JsonParser.Event.KEY_NAME) {
                    String name = json.getString();
                    JsonParser.Event member = json.next();
                    if ("conversation_id".equals(name) && member == JsonParser.Event.VALUE_STRING) {
                        id = json.getString();
                    } else if ("status".equals(name) && member == JsonParser.Event.VALUE_STRING) {
                        status = json.getString();
                    } else if ("has_audio".equals(name)) {
                        audio = member == JsonParser.Event.VALUE_TRUE;
                    } else {
                        skip(json, member);
                    }
                }
            }
        } catch (JsonException | IllegalStateException | java.util.NoSuchElementException e) {
            throw new IllegalArgumentException("the conversation is not well-formed JSON");
        }
        if (!data) {
            throw new IllegalArgumentException("the body has no conversation");
        }
        return new ConversationFacts(id, status, audio);
    }

    private static void skip(JsonParser json, JsonParser.Event value) {
        if (value == JsonParser.Event.START_OBJECT) {
            json.skipObject();
        } else if (value == JsonParser.Event.START_ARRAY) {
            json.skipArray();
        }
    }
}
