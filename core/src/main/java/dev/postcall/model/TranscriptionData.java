package dev.postcall.model;

import jakarta.json.JsonObject;
import jakarta.json.bind.annotation.JsonbTypeAdapter;

import java.util.List;

/**
 * The {@code data} of a {@code post_call_transcription} webhook: the whole conversation. Every field may be
 * {@code null} (older payloads lack the newer ones); lists are never {@code null}.
 *
 * <p>A webhook whose {@code exclude_transcript} setting is on sends everything but the {@code transcript}; such a
 * call reads as {@link #transcriptSent()} {@code false} with an empty {@link #transcript()}, which is not a call
 * of no turns:
 *
 * <pre>{@code
 * if (data.transcriptSent()) {
 *     data.transcript().forEach(turn -> archive(turn.message()));
 * }
 * }</pre>
 *
 * @param agentId                          {@code agent_id}
 * @param agentName                        {@code agent_name}: the agent's name at call time
 * @param conversationProduct              {@code conversation_product}
 * @param status                           {@code status}: {@code done} for a finished conversation
 * @param userId                           {@code user_id}: the end-user id passed when the conversation started
 * @param branchId                         {@code branch_id}
 * @param versionId                        {@code version_id}: the agent version
 * @param metadata                         {@code metadata}: timing, cost, phone call, charging
 * @param analysis                         {@code analysis}: success, summary, evaluations, collected data
 * @param visitedAgents                    {@code visited_agents}, in transcript order
 * @param conversationInitiationClientData {@code conversation_initiation_client_data}: overrides and dynamic variables
 * @param environment                      {@code environment}
 * @param conversationId                   {@code conversation_id}
 * @param hasAudio                         {@code has_audio}; {@code null} in payloads from before the field existed
 * @param hasUserAudio                     {@code has_user_audio}
 * @param hasResponseAudio                 {@code has_response_audio}
 * @param hasAuxiliaryAudio                {@code has_auxiliary_audio}
 * @param transcript                       {@code transcript}: the turns, in order; empty when not sent
 * @param transcriptSent                   whether the payload had a {@code transcript} (absent and {@code null}
 *                                         read as not sent); {@code false} only with an empty {@code transcript}
 * @param tagIds                           {@code tag_ids}
 * @param otlpTraces                       {@code otlp_traces}, sent with the OpenTelemetry transcript format, as
 *                                         raw JSON
 */
@JsonbTypeAdapter(TranscriptionDataAdapter.class)
public record TranscriptionData(
        String agentId,
        String agentName,
        String conversationProduct,
        OpenEnum<ConversationStatus> status,
        String userId,
        String branchId,
        String versionId,
        ConversationMetadata metadata,
        ConversationAnalysis analysis,
        List<VisitedAgent> visitedAgents,
        ConversationInitiationClientData conversationInitiationClientData,
        String environment,
        String conversationId,
        Boolean hasAudio,
        Boolean hasUserAudio,
        Boolean hasResponseAudio,
        Boolean hasAuxiliaryAudio,
        List<TranscriptTurn> transcript,
        boolean transcriptSent,
        List<String> tagIds,
        JsonObject otlpTraces) {

    /**
     * Replaces absent lists with empty ones.
     *
     * @throws IllegalArgumentException when turns are given with {@code transcriptSent} {@code false}
     */
    public TranscriptionData {
        if (!transcriptSent && transcript != null && !transcript.isEmpty()) {
            throw new IllegalArgumentException("a transcript that was not sent has no turns");
        }
        visitedAgents = Immutable.list(visitedAgents);
        transcript = Immutable.list(transcript);
        tagIds = Immutable.list(tagIds);
    }

    /**
     * An agent seen during the conversation.
     *
     * @param agentId  {@code agent_id}
     * @param branchId {@code branch_id}
     */
    public record VisitedAgent(String agentId, String branchId) {
    }
}
