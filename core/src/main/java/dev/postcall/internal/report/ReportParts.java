package dev.postcall.internal.report;

import dev.postcall.internal.json.Envelope;
import dev.postcall.internal.json.JsonBytes;
import dev.postcall.internal.json.JsonFormatException;
import dev.postcall.internal.json.ModelJson;
import dev.postcall.internal.json.OrderedMapDeserializer;
import dev.postcall.model.ConversationAnalysis;
import dev.postcall.model.ConversationInitiationClientData;
import dev.postcall.model.ConversationMetadata;
import dev.postcall.model.PhoneCall;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbTypeDeserializer;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The members of a transcription's {@code data} that a call report reads, bound together in one JSON-B call from
 * their byte ranges (one parser and one binding context instead of three). Of {@code metadata} and
 * {@code conversation_initiation_client_data} only the members the report reads are bound; JSON-B skips the rest
 * (charging, feature usage, overrides), which costs a fraction of binding them. Internal to postcall; public only
 * because JSON-B binds it (Yasson refuses non-public records).
 *
 * @param metadata                         {@code metadata}'s members that a report reads
 * @param analysis                         {@code analysis}
 * @param conversationInitiationClientData {@code conversation_initiation_client_data}'s members that a report reads
 */
public record ReportParts(
        MetadataPart metadata,
        ConversationAnalysis analysis,
        ClientDataPart conversationInitiationClientData) {

    /**
     * The members of {@code metadata} a report reads, with the model's types.
     *
     * @param startTimeUnixSecs  {@code start_time_unix_secs}
     * @param callDurationSecs   {@code call_duration_secs}
     * @param queueWaitSecs      {@code queue_wait_secs}
     * @param cost               {@code cost}
     * @param costFiat           {@code cost_fiat}
     * @param terminationReason  {@code termination_reason}
     * @param phoneCall          {@code phone_call}
     * @param mainLanguage       {@code main_language}
     */
    public record MetadataPart(Long startTimeUnixSecs, Integer callDurationSecs, Double queueWaitSecs, Long cost,
                               Double costFiat, String terminationReason, PhoneCall phoneCall, String mainLanguage) {

        /** The model's record holding these members, every other member absent. */
        public ConversationMetadata toModel() {
            return new ConversationMetadata(startTimeUnixSecs, null, callDurationSecs, queueWaitSecs, cost, null, null,
                    null, null, phoneCall, null, terminationReason, null, null, mainLanguage, null, null, null, null,
                    null, null, null, null, null, null, null, null, null, null, costFiat);
        }
    }

    /**
     * The members of {@code conversation_initiation_client_data} a report reads, with the model's types.
     *
     * @param userId           {@code user_id}
     * @param dynamicVariables {@code dynamic_variables}
     */
    public record ClientDataPart(String userId,
                                 @JsonbTypeDeserializer(OrderedMapDeserializer.class)
                                 Map<String, JsonValue> dynamicVariables) {

        /** The model's record holding these members, every other member absent. */
        public ConversationInitiationClientData toModel() {
            return new ConversationInitiationClientData(null, null, userId, null, null, null, null, null,
                    dynamicVariables);
        }
    }

    private static final byte[] METADATA = "\"metadata\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ANALYSIS = "\"analysis\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLIENT_DATA =
            "\"conversation_initiation_client_data\":".getBytes(StandardCharsets.US_ASCII);

    /**
     * Binds the parts whose ranges {@code parts} gives, copying their bytes (a few KB) into one small object.
     *
     * @throws JsonFormatException when a part does not fit the model or the body cannot be read
     */
    public static ReportParts read(ModelJson json, JsonBytes body, Envelope.DataParts parts)
            throws JsonFormatException {
        long size = 2 + range(parts.metadataStart(), parts.metadataEnd(), METADATA)
                + range(parts.analysisStart(), parts.analysisEnd(), ANALYSIS)
                + range(parts.clientDataStart(), parts.clientDataEnd(), CLIENT_DATA);
        if (size == 2) {
            return new ReportParts(null, null, null);
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new JsonFormatException("'data' is too large to bind");
        }
        // the object is built in an array of its exact size: no growing buffer, no copy out of it
        byte[] object = new byte[(int) size];
        object[0] = '{';
        int at = 1;
        try {
            at = append(object, at, body, parts.metadataStart(), parts.metadataEnd(), METADATA);
            at = append(object, at, body, parts.analysisStart(), parts.analysisEnd(), ANALYSIS);
            at = append(object, at, body, parts.clientDataStart(), parts.clientDataEnd(), CLIENT_DATA);
        } catch (IOException e) {
            throw new JsonFormatException("could not read the body", e);
        }
        object[at - 1] = '}'; // over the comma after the last part
        return json.read(JsonBytes.of(object), 0, at, ReportParts.class);
    }

    private static long range(long start, long end, byte[] name) {
        return start < 0 ? 0 : end - start + name.length + 1;
    }

    /** Writes {@code name}, the part's bytes and a comma at {@code at}; returns where the next part goes. */
    private static int append(byte[] object, int at, JsonBytes body, long start, long end, byte[] name)
            throws IOException {
        if (start < 0) {
            return at;
        }
        System.arraycopy(name, 0, object, at, name.length);
        at += name.length;
        int length = (int) (end - start);
        byte[] memory = body.inMemoryBytes();
        if (memory != null) {
            System.arraycopy(memory, (int) start, object, at, length);
        } else {
            try (InputStream in = body.openRange(start, end)) {
                if (in.readNBytes(object, at, length) != length) {
                    throw new EOFException("the body ended inside a part of the report");
                }
            }
        }
        at += length;
        object[at] = ',';
        return at + 1;
    }
}
