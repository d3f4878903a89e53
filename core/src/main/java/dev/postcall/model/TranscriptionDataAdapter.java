package dev.postcall.model;

import jakarta.json.JsonObject;
import jakarta.json.bind.adapter.JsonbAdapter;

import java.util.List;

/**
 * Binds a transcription's {@code data} through a record whose {@code transcript} stays {@code null} when the payload
 * has none, so that {@link TranscriptionData#transcriptSent()} tells an absent transcript from an empty one; writes
 * one that was not sent without a {@code transcript} member, as the sender did.
 * Internal to postcall, public only because JSON-B creates it (Yasson refuses non-public classes); left out of the
 * Javadoc.
 *
 * @hidden
 */
public final class TranscriptionDataAdapter
        implements JsonbAdapter<TranscriptionData, TranscriptionDataAdapter.AnyTranscriptionData> {

    /** Created by JSON-B. */
    public TranscriptionDataAdapter() {
    }

    /**
     * The members of {@code data} as sent, {@code transcript} {@code null} when absent. Internal.
     *
     * @hidden
     *
     * @param agentId                          see {@link TranscriptionData}
     * @param agentName                        see {@link TranscriptionData}
     * @param conversationProduct              see {@link TranscriptionData}
     * @param status                           see {@link TranscriptionData}
     * @param userId                           see {@link TranscriptionData}
     * @param branchId                         see {@link TranscriptionData}
     * @param versionId                        see {@link TranscriptionData}
     * @param metadata                         see {@link TranscriptionData}
     * @param analysis                         see {@link TranscriptionData}
     * @param visitedAgents                    see {@link TranscriptionData}
     * @param conversationInitiationClientData see {@link TranscriptionData}
     * @param environment                      see {@link TranscriptionData}
     * @param conversationId                   see {@link TranscriptionData}
     * @param hasAudio                         see {@link TranscriptionData}
     * @param hasUserAudio                     see {@link TranscriptionData}
     * @param hasResponseAudio                 see {@link TranscriptionData}
     * @param hasAuxiliaryAudio                see {@link TranscriptionData}
     * @param transcript                       {@code null} when the payload has none
     * @param tagIds                           see {@link TranscriptionData}
     * @param otlpTraces                       see {@link TranscriptionData}
     */
    public record AnyTranscriptionData(
            String agentId,
            String agentName,
            String conversationProduct,
            OpenEnum<ConversationStatus> status,
            String userId,
            String branchId,
            String versionId,
            ConversationMetadata metadata,
            ConversationAnalysis analysis,
            List<TranscriptionData.VisitedAgent> visitedAgents,
            ConversationInitiationClientData conversationInitiationClientData,
            String environment,
            String conversationId,
            Boolean hasAudio,
            Boolean hasUserAudio,
            Boolean hasResponseAudio,
            Boolean hasAuxiliaryAudio,
            List<TranscriptTurn> transcript,
            List<String> tagIds,
            JsonObject otlpTraces) {
    }

    @Override
    public AnyTranscriptionData adaptToJson(TranscriptionData d) {
        if (d == null) {
            return null;
        }
        return new AnyTranscriptionData(d.agentId(), d.agentName(), d.conversationProduct(), d.status(), d.userId(),
                d.branchId(), d.versionId(), d.metadata(), d.analysis(), d.visitedAgents(),
                d.conversationInitiationClientData(), d.environment(), d.conversationId(), d.hasAudio(),
                d.hasUserAudio(), d.hasResponseAudio(), d.hasAuxiliaryAudio(),
                d.transcriptSent() ? d.transcript() : null, d.tagIds(), d.otlpTraces());
    }

    @Override
    public TranscriptionData adaptFromJson(AnyTranscriptionData a) {
        if (a == null) {
            return null;
        }
        return new TranscriptionData(a.agentId(), a.agentName(), a.conversationProduct(), a.status(), a.userId(),
                a.branchId(), a.versionId(), a.metadata(), a.analysis(), a.visitedAgents(),
                a.conversationInitiationClientData(), a.environment(), a.conversationId(), a.hasAudio(),
                a.hasUserAudio(), a.hasResponseAudio(), a.hasAuxiliaryAudio(), a.transcript(),
                a.transcript() != null, a.tagIds(), a.otlpTraces());
    }
}
