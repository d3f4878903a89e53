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

import java.io.ByteArrayOutputStream;
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
        ByteArrayOutputStream object = new ByteArrayOutputStream((int) size);
        object.write('{');
        try {
            boolean first = append(object, body, parts.metadataStart(), parts.metadataEnd(), METADATA, true);
            first = append(object, body, parts.analysisStart(), parts.analysisEnd(), ANALYSIS, first);
            append(object, body, parts.clientDataStart(), parts.clientDataEnd(), CLIENT_DATA, first);
        } catch (IOException e) {
            throw new JsonFormatException("could not read the body", e);
        }
        object.write('}');
        byte[] bytes = object.toByteArray();
        return json.read(JsonBytes.of(bytes), 0, bytes.length, ReportParts.class);
    }

    private static long range(long start, long end, byte[] name) {
        return start < 0 ? 0 : end - start + name.length + 1;
    }

    private static boolean append(ByteArrayOutputStream object, JsonBytes body, long start, long end, byte[] name,
            boolean first) throws IOException {
        if (start < 0) {
            return first;
        }
        if (!first) {
            object.write(',');
        }
        object.write(name, 0, name.length);
        try (InputStream in = body.openRange(start, end)) {
            in.transferTo(object);
        }
        return false;
    }
}
