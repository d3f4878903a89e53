package dev.postcall.internal.backfill;

import jakarta.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * One answer of {@code GET /v1/convai/conversations} (the SDK's {@code GetConversationsPageResponseModel}).
 *
 * @param conversations {@code conversations}, in the order sent
 * @param nextCursor    {@code next_cursor}, the {@code cursor} of the next page; {@code null} when absent
 * @param hasMore       {@code has_more}
 */
public record ConversationPage(List<ConversationSummary> conversations, String nextCursor, boolean hasMore) {

    /** Copies the list. */
    public ConversationPage {
        conversations = List.copyOf(conversations);
    }

    static ConversationPage of(JsonObject json) {
        List<ConversationSummary> conversations = new ArrayList<>();
        for (JsonObject summary : Wire.objects(json, "conversations")) {
            conversations.add(ConversationSummary.of(summary));
        }
        if (!json.containsKey("has_more")) {
            throw new IllegalArgumentException("'has_more' is missing");
        }
        return new ConversationPage(conversations, Wire.optionalString(json, "next_cursor"),
                Wire.bool(json, "has_more", false));
    }
}
