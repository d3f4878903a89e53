package dev.postcall.model;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One turn of the transcript. Lists are never {@code null}; everything else may be.
 *
 * @param role                     {@code role}: {@code user} or {@code agent}
 * @param agentMetadata            {@code agent_metadata}: which agent (and workflow node) spoke
 * @param message                  {@code message}; {@code null} for a turn that only calls tools
 * @param multivoiceMessage        {@code multivoice_message}
 * @param toolCalls                {@code tool_calls}
 * @param toolResults              {@code tool_results}
 * @param feedback                 {@code feedback}: the user's like or dislike of this turn
 * @param llmOverride              {@code llm_override}
 * @param producingLlm             {@code producing_llm}: the LLM that wrote this turn's message
 * @param timeInCallSecs           {@code time_in_call_secs}: seconds since the call started
 * @param conversationTurnMetrics  {@code conversation_turn_metrics} as raw JSON, because it arrives both as
 *                                 {@code {"metrics": {...}, "convai_asr_provider": ..., "voice_id": ...}} and as
 *                                 the flat metrics map; {@link #latencies()} and {@link #voiceId()} read it
 * @param ragRetrievalInfo         {@code rag_retrieval_info}
 * @param llmUsage                 {@code llm_usage}
 * @param interrupted              {@code interrupted}
 * @param ignoredAsBackchannel     {@code ignored_as_backchannel}
 * @param platformEvent            {@code platform_event}: what the platform did in this turn
 *                                 ({@code user_turn_timeout}, {@code skip_turn_wait_elapsed}); {@code null} for a
 *                                 turn the user or the agent took
 * @param originalMessage          {@code original_message}: the text before redaction or editing
 * @param reasoning                {@code reasoning}
 * @param sourceMedium             {@code source_medium}
 * @param sourceEventId            {@code source_event_id}
 * @param usedStaticKbDocumentIds  {@code used_static_kb_document_ids}
 * @param userIdentifier           {@code user_identifier}
 * @param id                       {@code id}: the turn's own id
 * @param triggeredGuardrails      {@code triggered_guardrails}: the guardrails this turn set off
 * @param fileInput                {@code file_input}: the first file the user attached to this turn
 * @param fileInputs               {@code file_inputs}: every file the user attached to this turn, in order
 * @param contextualUpdateInfo     {@code contextual_update_info}
 * @param reasoned                 {@code reasoned}
 */
public record TranscriptTurn(
        OpenEnum<Role> role,
        AgentMetadata agentMetadata,
        String message,
        MultivoiceMessage multivoiceMessage,
        List<ToolCall> toolCalls,
        List<ToolResult> toolResults,
        TurnFeedback feedback,
        String llmOverride,
        String producingLlm,
        Integer timeInCallSecs,
        JsonObject conversationTurnMetrics,
        RagRetrievalInfo ragRetrievalInfo,
        LlmUsage llmUsage,
        Boolean interrupted,
        Boolean ignoredAsBackchannel,
        OpenEnum<PlatformEvent> platformEvent,
        String originalMessage,
        List<Reasoning> reasoning,
        OpenEnum<SourceMedium> sourceMedium,
        Long sourceEventId,
        List<String> usedStaticKbDocumentIds,
        String userIdentifier,
        String id,
        List<TriggeredGuardrail> triggeredGuardrails,
        FileInput fileInput,
        List<FileInput> fileInputs,
        ContextualUpdateInfo contextualUpdateInfo,
        Boolean reasoned) {

    /** Replaces absent lists with empty ones. */
    public TranscriptTurn {
        toolCalls = Immutable.list(toolCalls);
        toolResults = Immutable.list(toolResults);
        reasoning = Immutable.list(reasoning);
        usedStaticKbDocumentIds = Immutable.list(usedStaticKbDocumentIds);
        triggeredGuardrails = Immutable.list(triggeredGuardrails);
        fileInputs = Immutable.list(fileInputs);
    }

    /** Whether the user spoke this turn. */
    public boolean isUser() {
        return role != null && role.is(Role.USER);
    }

    /** Whether the agent spoke this turn. */
    public boolean isAgent() {
        return role != null && role.is(Role.AGENT);
    }

    /** Whether the turn was cut off ({@code interrupted} is {@code true}). */
    public boolean wasInterrupted() {
        return Boolean.TRUE.equals(interrupted);
    }

    /**
     * The turn's latency metrics, name to {@code elapsed_time} in seconds, from either shape of
     * {@code conversation_turn_metrics}; empty when there are none. Unmodifiable, in payload order.
     */
    public Map<String, Double> latencies() {
        if (conversationTurnMetrics == null) {
            return Map.of();
        }
        JsonValue wrapped = conversationTurnMetrics.get("metrics");
        JsonObject metrics = wrapped instanceof JsonObject ? (JsonObject) wrapped : conversationTurnMetrics;
        Map<String, Double> latencies = new LinkedHashMap<>();
        metrics.forEach((name, value) -> {
            if (value instanceof JsonObject && ((JsonObject) value).get("elapsed_time") instanceof JsonNumber) {
                latencies.put(name, ((JsonObject) value).getJsonNumber("elapsed_time").doubleValue());
            }
        });
        return Collections.unmodifiableMap(latencies);
    }

    /**
     * The voice id the turn's metrics give ({@code conversation_turn_metrics.voice_id}, beside
     * {@code convai_tts_model}), or {@code null} when they give none.
     */
    public String voiceId() {
        return JsonText.text(conversationTurnMetrics, "voice_id");
    }

    /**
     * Which agent spoke a turn.
     *
     * @param agentId        {@code agent_id}
     * @param branchId       {@code branch_id}
     * @param workflowNodeId {@code workflow_node_id}
     * @param versionId      {@code version_id}
     */
    public record AgentMetadata(String agentId, String branchId, String workflowNodeId, String versionId) {
    }

    /**
     * A message spoken in several voices.
     *
     * @param parts {@code parts}, in order
     */
    public record MultivoiceMessage(List<Part> parts) {
        /** Replaces an absent list with an empty one. */
        public MultivoiceMessage {
            parts = Immutable.list(parts);
        }

        /**
         * One voice's part.
         *
         * @param text           {@code text}
         * @param voiceLabel     {@code voice_label}
         * @param timeInCallSecs {@code time_in_call_secs}
         */
        public record Part(String text, String voiceLabel, Integer timeInCallSecs) {
        }
    }

    /**
     * A user's like or dislike of one turn.
     *
     * @param score          {@code score}
     * @param timeInCallSecs {@code time_in_call_secs}
     */
    public record TurnFeedback(OpenEnum<FeedbackScore> score, Integer timeInCallSecs) {
    }

    /**
     * Knowledge-base retrieval done for a turn.
     *
     * @param chunks          {@code chunks}
     * @param embeddingModel  {@code embedding_model}
     * @param retrievalQuery  {@code retrieval_query}
     * @param ragLatencySecs  {@code rag_latency_secs}
     * @param usedChunkIds    {@code used_chunk_ids}
     */
    public record RagRetrievalInfo(List<Chunk> chunks, String embeddingModel, String retrievalQuery,
                                   Double ragLatencySecs, List<String> usedChunkIds) {
        /** Replaces absent lists with empty ones. */
        public RagRetrievalInfo {
            chunks = Immutable.list(chunks);
            usedChunkIds = Immutable.list(usedChunkIds);
        }

        /**
         * One retrieved chunk.
         *
         * @param documentId     {@code document_id}
         * @param chunkId        {@code chunk_id}
         * @param vectorDistance {@code vector_distance}
         */
        public record Chunk(String documentId, String chunkId, Double vectorDistance) {
        }
    }

    /**
     * A reasoning step.
     *
     * @param summary        {@code summary}
     * @param providerRedact {@code provider_redact}
     */
    public record Reasoning(String summary, Boolean providerRedact) {
    }

    /**
     * A guardrail a turn set off.
     *
     * @param guardrailType {@code guardrail_type}: {@code custom}, {@code prompt_injection}, {@code hate}, ...
     * @param guardrailName {@code guardrail_name}: a custom guardrail's name
     */
    public record TriggeredGuardrail(OpenEnum<GuardrailType> guardrailType, String guardrailName) {
    }

    /**
     * A file the user sent.
     *
     * @param fileId           {@code file_id}
     * @param originalFilename {@code original_filename}
     * @param mimeType         {@code mime_type}
     * @param fileUrl          {@code file_url}
     */
    public record FileInput(String fileId, String originalFilename, String mimeType, String fileUrl) {
    }

    /**
     * A contextual update the turn carries.
     *
     * @param contextId    {@code context_id}
     * @param isSuperseded {@code is_superseded}
     */
    public record ContextualUpdateInfo(String contextId, Boolean isSuperseded) {
    }
}
