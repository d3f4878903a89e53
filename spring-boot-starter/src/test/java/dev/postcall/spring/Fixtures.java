package dev.postcall.spring;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import dev.postcall.testsupport.TestData;

/** Fixtures of {@code testdata/fixtures} made into new deliveries, which the delivery ledger has not seen yet. */
final class Fixtures {
    private Fixtures() {
    }

    /** The fixture with its {@code data.agent_id} and {@code data.conversation_id} replaced, nothing else changed. */
    static byte[] withIds(String fixture, String agentId, String conversationId) {
        String text = new String(TestData.bytes(fixture), StandardCharsets.UTF_8);
        JsonObject data = Json.createReader(new StringReader(text)).readObject().getJsonObject("data");
        return text.replace("\"" + data.getString("agent_id") + "\"", "\"" + agentId + "\"")
                .replace("\"" + data.getString("conversation_id") + "\"", "\"" + conversationId + "\"")
                .getBytes(StandardCharsets.UTF_8);
    }
}
