package dev.postcall.model;

import dev.postcall.internal.json.OrderedMapDeserializer;
import jakarta.json.JsonObject;
import jakarta.json.bind.annotation.JsonbTypeDeserializer;

import java.util.List;
import java.util.Map;

/**
 * {@code data.metadata} of a transcription: when, how long, what it cost, which phone call, how it ended. Numbers
 * are boxed and {@code null} when absent; lists are never {@code null}. Objects few receivers read
 * ({@code features_usage}, {@code async_metadata}, {@code eleven_assistant}) are kept as raw JSON.
 *
 * @param startTimeUnixSecs                  {@code start_time_unix_secs}
 * @param acceptedTimeUnixSecs               {@code accepted_time_unix_secs}
 * @param callDurationSecs                   {@code call_duration_secs}
 * @param queueWaitSecs                      {@code queue_wait_secs}: seconds the caller waited in the queue before
 *                                           the agent took the call, not part of {@code call_duration_secs} nor of
 *                                           the billed time; {@code null} when the call was never queued. A decimal,
 *                                           since the sender's type does not say it is whole
 * @param cost                               {@code cost}, in credits
 * @param deletionSettings                   {@code deletion_settings}
 * @param feedback                           {@code feedback}: the conversation's overall feedback
 * @param authorizationMethod                {@code authorization_method}
 * @param charging                           {@code charging}
 * @param phoneCall                          {@code phone_call}; {@code null} for web and app conversations
 * @param batchCall                          {@code batch_call}: set when the call was part of a batch
 * @param terminationReason                  {@code termination_reason}: free text, often empty
 * @param error                              {@code error}
 * @param warnings                           {@code warnings}
 * @param mainLanguage                       {@code main_language}, e.g. {@code en}
 * @param ragUsage                           {@code rag_usage}
 * @param textOnly                           {@code text_only}
 * @param featuresUsage                      {@code features_usage}, as raw JSON
 * @param elevenAssistant                    {@code eleven_assistant}, as raw JSON
 * @param initiatorId                        {@code initiator_id}
 * @param conversationInitiationSource       {@code conversation_initiation_source}
 * @param conversationInitiationSourceVersion {@code conversation_initiation_source_version}
 * @param timezone                           {@code timezone}: an IANA zone name
 * @param asyncMetadata                      {@code async_metadata} (Zendesk, Slack, ... channels), as raw JSON
 * @param whatsapp                           {@code whatsapp}
 * @param sms                                {@code sms}
 * @param agentCreatedFrom                   {@code agent_created_from} ({@code cli}, {@code ui}, {@code api}, ...)
 * @param agentLastUpdatedFrom               {@code agent_last_updated_from}
 * @param voiceRewards                       {@code voice_rewards}
 * @param costFiat                           {@code cost_fiat}, in US dollars
 */
public record ConversationMetadata(
        Long startTimeUnixSecs,
        Long acceptedTimeUnixSecs,
        Integer callDurationSecs,
        Double queueWaitSecs,
        Long cost,
        DeletionSettings deletionSettings,
        Feedback feedback,
        OpenEnum<AuthorizationMethod> authorizationMethod,
        Charging charging,
        PhoneCall phoneCall,
        BatchCall batchCall,
        String terminationReason,
        ErrorInfo error,
        List<String> warnings,
        String mainLanguage,
        RagUsage ragUsage,
        Boolean textOnly,
        JsonObject featuresUsage,
        JsonObject elevenAssistant,
        String initiatorId,
        OpenEnum<InitiationSource> conversationInitiationSource,
        String conversationInitiationSourceVersion,
        String timezone,
        JsonObject asyncMetadata,
        Whatsapp whatsapp,
        Sms sms,
        String agentCreatedFrom,
        String agentLastUpdatedFrom,
        List<VoiceReward> voiceRewards,
        Double costFiat) {

    /** Replaces absent lists with empty ones. */
    public ConversationMetadata {
        warnings = Immutable.list(warnings);
        voiceRewards = Immutable.list(voiceRewards);
    }

    /**
     * When the conversation's data is deleted.
     *
     * @param deletionTimeUnixSecs             {@code deletion_time_unix_secs}
     * @param deletedLogsAtTimeUnixSecs        {@code deleted_logs_at_time_unix_secs}
     * @param deletedAudioAtTimeUnixSecs       {@code deleted_audio_at_time_unix_secs}
     * @param deletedTranscriptAtTimeUnixSecs  {@code deleted_transcript_at_time_unix_secs}
     * @param deleteTranscriptAndPii           {@code delete_transcript_and_pii}
     * @param deleteAudio                      {@code delete_audio}
     */
    public record DeletionSettings(Long deletionTimeUnixSecs, Long deletedLogsAtTimeUnixSecs,
                                   Long deletedAudioAtTimeUnixSecs, Long deletedTranscriptAtTimeUnixSecs,
                                   Boolean deleteTranscriptAndPii, Boolean deleteAudio) {
    }

    /**
     * The conversation's overall feedback.
     *
     * @param type         {@code type}: {@code thumbs} or {@code rating}
     * @param overallScore {@code overall_score}: like or dislike
     * @param likes        {@code likes}
     * @param dislikes     {@code dislikes}
     * @param rating       {@code rating}
     * @param comment      {@code comment}
     */
    public record Feedback(OpenEnum<FeedbackType> type, OpenEnum<FeedbackScore> overallScore, Integer likes,
                           Integer dislikes, Integer rating, String comment) {
    }

    /**
     * What the conversation was charged. Usage breakdowns few receivers read ({@code platform_usage},
     * {@code tts_usage}, {@code asr_usage}) are kept as raw JSON.
     *
     * @param devDiscount             {@code dev_discount}
     * @param isBurst                 {@code is_burst}
     * @param tier                    {@code tier}
     * @param llmUsage                {@code llm_usage}
     * @param llmPrice                {@code llm_price}, in US dollars
     * @param llmCharge               {@code llm_charge}, in credits
     * @param callCharge              {@code call_charge}, in credits
     * @param platformCharge          {@code platform_charge}, in credits
     * @param platformUsage           {@code platform_usage}, as raw JSON
     * @param platformPrice           {@code platform_price}
     * @param freeMinutesConsumed     {@code free_minutes_consumed}
     * @param freeLlmDollarsConsumed  {@code free_llm_dollars_consumed}
     * @param ttsUsage                {@code tts_usage}, as raw JSON
     * @param asrUsage                {@code asr_usage}, as raw JSON
     * @param analysis                {@code analysis}: what running the post-call analysis cost; present once an
     *                                analysis pass has run, billed or not
     */
    public record Charging(Boolean devDiscount, Boolean isBurst, String tier, LlmCategoryUsage llmUsage,
                           Double llmPrice, Long llmCharge, Long callCharge, Long platformCharge,
                           JsonObject platformUsage, Double platformPrice, Double freeMinutesConsumed,
                           Double freeLlmDollarsConsumed, JsonObject ttsUsage, JsonObject asrUsage,
                           AnalysisCharging analysis) {
    }

    /**
     * What the post-call analysis of the conversation cost ({@code charging.analysis}).
     *
     * @param total   {@code total}: every analysis pass so far
     * @param lastRun {@code last_run}: the most recent pass
     */
    public record AnalysisCharging(AnalysisCost total, AnalysisCost lastRun) {
    }

    /**
     * The LLM cost of post-call analysis: of every pass so far ({@code total}) or of the most recent one
     * ({@code last_run}), which the sender shapes alike but for {@code runs}. Prices and charges are decimals, since
     * the sender's type does not say they are whole; the maps keep payload order and are never {@code null}.
     *
     * @param price            {@code price}
     * @param charge           {@code charge}
     * @param runs             {@code runs}: how many passes ran; sent with the {@code total} only
     * @param pricePerFeature  {@code price_per_feature}: analysis feature to price
     * @param chargePerFeature {@code charge_per_feature}: analysis feature to charge
     */
    public record AnalysisCost(Double price, Double charge, Integer runs,
                               @JsonbTypeDeserializer(OrderedMapDeserializer.class)
                               Map<String, Double> pricePerFeature,
                               @JsonbTypeDeserializer(OrderedMapDeserializer.class)
                               Map<String, Double> chargePerFeature) {
        /** Replaces absent maps with empty ones. */
        public AnalysisCost {
            pricePerFeature = Immutable.map(pricePerFeature);
            chargePerFeature = Immutable.map(chargePerFeature);
        }
    }

    /**
     * LLM usage by charging category.
     *
     * @param irreversibleGeneration {@code irreversible_generation}
     * @param initiatedGeneration    {@code initiated_generation}
     */
    public record LlmCategoryUsage(LlmUsage irreversibleGeneration, LlmUsage initiatedGeneration) {
    }

    /**
     * The batch a call belonged to.
     *
     * @param batchCallId          {@code batch_call_id}
     * @param batchCallRecipientId {@code batch_call_recipient_id}
     * @param campaign             {@code campaign}: the batch-calling campaign, when the batch belongs to one
     */
    public record BatchCall(String batchCallId, String batchCallRecipientId, Campaign campaign) {
    }

    /**
     * The batch-calling campaign a call was part of.
     *
     * @param campaignId       {@code campaign_id}
     * @param campaignLeadId   {@code campaign_lead_id}: the lead (the person called) within the campaign
     * @param coldAttempt      {@code cold_attempt}
     * @param conversationType {@code conversation_type}: {@code initial}, {@code retry}, {@code callback} or
     *                         {@code redirect}
     */
    public record Campaign(String campaignId, String campaignLeadId, Integer coldAttempt,
                           OpenEnum<CampaignConversationType> conversationType) {
    }

    /**
     * An error the conversation ended with.
     *
     * @param code   {@code code}
     * @param reason {@code reason}
     */
    public record ErrorInfo(Integer code, String reason) {
    }

    /**
     * Knowledge-base use.
     *
     * @param usageCount     {@code usage_count}
     * @param embeddingModel {@code embedding_model}
     */
    public record RagUsage(Integer usageCount, String embeddingModel) {
    }

    /**
     * A WhatsApp conversation's parties.
     *
     * @param direction                {@code direction}
     * @param whatsappPhoneNumberId    {@code whatsapp_phone_number_id}
     * @param whatsappUserId           {@code whatsapp_user_id}
     * @param awaitingFirstUserMessage {@code awaiting_first_user_message}
     * @param recipient                {@code recipient}: the WhatsApp user by phone number and/or business-scoped
     *                                 user id
     */
    public record Whatsapp(OpenEnum<CallDirection> direction, String whatsappPhoneNumberId, String whatsappUserId,
                           Boolean awaitingFirstUserMessage, WhatsappRecipient recipient) {
    }

    /**
     * A WhatsApp user, by phone number and/or BSUID; where one is needed the sender uses the phone number.
     *
     * @param phone {@code phone}
     * @param bsuid {@code bsuid}: the business-scoped user id
     */
    public record WhatsappRecipient(String phone, String bsuid) {
    }

    /**
     * An SMS conversation's parties.
     *
     * @param direction          {@code direction}
     * @param phoneNumberId      {@code phone_number_id}
     * @param smsUserPhoneNumber {@code sms_user_phone_number}
     * @param agentPhoneNumber   {@code agent_phone_number}
     */
    public record Sms(OpenEnum<CallDirection> direction, String phoneNumberId, String smsUserPhoneNumber,
                      String agentPhoneNumber) {
    }

    /**
     * A reward paid to a voice's owner.
     *
     * @param voiceId         {@code voice_id}
     * @param rewardUsdCents  {@code reward_usd_cents}
     */
    public record VoiceReward(String voiceId, Double rewardUsdCents) {
    }
}
