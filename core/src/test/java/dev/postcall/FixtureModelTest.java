package dev.postcall;

import dev.postcall.CallReport.Direction;
import dev.postcall.CallReport.Outcome;
import dev.postcall.model.AuthorizationMethod;
import dev.postcall.model.CallDirection;
import dev.postcall.model.CallResult;
import dev.postcall.model.CampaignConversationType;
import dev.postcall.model.ConversationInitiationClientData;
import dev.postcall.model.ConversationMetadata;
import dev.postcall.model.GuardrailType;
import dev.postcall.model.OpenEnum;
import dev.postcall.model.PlatformEvent;
import dev.postcall.model.CallInitiationFailureData;
import dev.postcall.model.ConversationAnalysis;
import dev.postcall.model.ConversationStatus;
import dev.postcall.model.FailureReason;
import dev.postcall.model.FeedbackScore;
import dev.postcall.model.InitiationSource;
import dev.postcall.model.PhoneCall;
import dev.postcall.model.Role;
import dev.postcall.model.SchemaType;
import dev.postcall.model.ScoringMode;
import dev.postcall.model.SourceMedium;
import dev.postcall.model.ToolCall;
import dev.postcall.model.ToolDetails;
import dev.postcall.model.ToolResult;
import dev.postcall.model.ToolType;
import dev.postcall.model.TranscriptTurn;
import dev.postcall.model.TranscriptionData;
import jakarta.json.JsonArray;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class FixtureModelTest {

    private static TranscriptionEvent transcription(String file) throws MalformedEventException {
        return (TranscriptionEvent) Fixtures.parse(file);
    }

    @Test
    void minimalTranscriptionReadsNullsAsEmptyAndGivesItsReport() throws Exception {
        TranscriptionEvent event = transcription("transcription-minimal.json");
        TranscriptionData data = event.data();
        assertThat(data.status().value()).isEqualTo(ConversationStatus.DONE);
        assertThat(data.transcript()).hasSize(3);
        TranscriptTurn first = data.transcript().get(0);
        assertThat(first.isAgent()).isTrue();
        assertThat(first.toolCalls()).isEmpty();
        assertThat(first.toolResults()).isEmpty();
        assertThat(first.feedback()).isNull();
        assertThat(first.latencies()).isEmpty();
        assertThat(data.transcript().get(2).latencies())
                .containsExactly(entry("convai_llm_service_ttfb", 0.412), entry("convai_llm_service_ttf_sentence", 0.638));
        assertThat(data.hasAudio()).isNull();
        assertThat(data.visitedAgents()).isEmpty();
        assertThat(data.tagIds()).isEmpty();
        assertThat(data.metadata().phoneCall()).isNull();
        assertThat(data.metadata().deletionSettings().deletionTimeUnixSecs()).isEqualTo(1824474150L);
        assertThat(data.metadata().deletionSettings().deletedLogsAtTimeUnixSecs()).isNull();
        assertThat(data.metadata().deletionSettings().deleteAudio()).isTrue();
        assertThat(data.metadata().feedback().overallScore()).isNull();
        assertThat(data.metadata().feedback().likes()).isZero();
        assertThat(data.metadata().charging().devDiscount()).isFalse();
        assertThat(data.metadata().warnings()).isEmpty();
        assertThat(data.analysis().evaluationCriteriaResults()).isEmpty();
        assertThat(data.analysis().dataCollectionResults()).isEmpty();
        assertThat(data.conversationInitiationClientData().dynamicVariableValues())
                .containsExactly(entry("user_name", "Priya"));

        CallReport report = event.report();
        assertThat(report.turnCount()).isEqualTo(3);
        assertThat(report.duration()).isEqualTo(Duration.ofSeconds(31));
        assertThat(report.cost()).isEqualTo(187L);
        assertThat(report.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(report.userId()).isEqualTo("customer-4471");
        assertThat(report.startTime()).isEqualTo(Instant.ofEpochSecond(1761402150));
        assertThat(report.direction()).isEqualTo(Direction.NONE);
        assertThat(report.callerNumber()).isNull();
        assertThat(report.calledNumber()).isNull();
        assertThat(report.terminationReason()).as("empty reads as absent").isNull();
        assertThat(report.collected()).isEmpty();
        assertThat(report.evaluations()).isEmpty();
        assertThat(report.title()).isNull();
        assertThat(report.summary()).startsWith("The caller asked about an order");
        assertThat(report.agentId()).isEqualTo("agent_5201k7hwq3m9xv2ne8t4cbr6yd0f");
        assertThat(report.conversationId()).isEqualTo("conv_7401k7j2d9fq3wz8hy6vts0a1cmb");
    }

    @Test
    void phoneInboundTranscriptionGivesCallerToolsAndTypedCollectedData() throws Exception {
        TranscriptionEvent event = transcription("transcription-phone-inbound.json");
        TranscriptionData data = event.data();
        assertThat(data.agentName()).isEqualTo("Harbor Dental Reception");
        assertThat(data.hasAudio()).isTrue();
        assertThat(data.transcript()).hasSize(8);

        PhoneCall call = data.metadata().phoneCall();
        assertThat(call).isInstanceOf(PhoneCall.Twilio.class);
        assertThat(call.direction().value()).isEqualTo(CallDirection.INBOUND);
        assertThat(((PhoneCall.Twilio) call).streamSid()).isEqualTo("MZ0a9b8c7d6e5f40312233445566778899");
        assertThat(call.callSid()).isEqualTo("CA5f3c9a0e7b1d44c28e6a90b1c2d3e4f5");

        List<ToolCall> calls = data.transcript().stream().flatMap(t -> t.toolCalls().stream()).toList();
        assertThat(calls).filteredOn(c -> c.is(ToolType.WEBHOOK)).hasSize(2);
        assertThat(calls).filteredOn(c -> c.is(ToolType.SYSTEM)).hasSize(1);
        ToolDetails.Webhook webhook = (ToolDetails.Webhook) calls.get(1).toolDetails();
        assertThat(webhook.method()).isEqualTo("POST");
        assertThat(webhook.url()).isEqualTo("https://scheduling.harbor-dental.example/api/bookings");
        assertThat(webhook.headers()).containsExactly(entry("Content-Type", "application/json"));
        assertThat(webhook.queryParams()).containsExactly(entry("source", "voice"));
        assertThat(webhook.pathParams()).isEmpty();
        assertThat(calls.get(2).toolDetails()).isNull();

        TranscriptTurn toolOnly = data.transcript().get(2);
        assertThat(toolOnly.message()).isNull();
        assertThat(toolOnly.latencies()).containsEntry("convai_llm_service_ttfb", 0.388);
        assertThat(toolOnly.conversationTurnMetrics().getString("convai_tts_model")).isEqualTo("eleven_flash_v2_5");
        assertThat(toolOnly.llmUsage().modelUsage().get("gemini-2.5-flash").input().tokens()).isEqualTo(1843L);
        assertThat(toolOnly.llmUsage().modelUsage().get("gemini-2.5-flash").inputCacheRead().price()).isEqualTo(7.68e-05);
        ToolResult firstResult = toolOnly.toolResults().get(0);
        assertThat(firstResult).isInstanceOf(ToolResult.Basic.class);
        assertThat(firstResult.common().toolLatencySecs()).isEqualTo(0.734);
        assertThat(firstResult.resultValue()).contains("slots");

        ToolResult booking = data.transcript().get(5).toolResults().get(0);
        ToolResult.DynamicVariableUpdate update = booking.common().dynamicVariableUpdates().get(0);
        assertThat(update.variableName()).isEqualTo("booking_id");
        assertThat(update.oldValue()).isNull();
        assertThat(update.newValue().toString()).isEqualTo("\"BK-20251028-0412\"");
        assertThat(update.updatedAt()).isEqualTo(1761488691.52);

        ToolResult endCall = data.transcript().get(7).toolResults().get(0);
        assertThat(endCall).isInstanceOf(ToolResult.SystemTool.class);
        ToolResult.SystemOutcome outcome = ((ToolResult.SystemTool) endCall).result();
        assertThat(outcome.resultType()).isEqualTo("end_call_success");
        assertThat(outcome.status()).isEqualTo("success");
        assertThat(outcome.reason()).isEqualTo("caller confirmed nothing else was needed");
        assertThat(outcome.message()).isNull();
        assertThat(outcome.isSuccess()).isTrue();

        TranscriptTurn liked = data.transcript().get(3);
        assertThat(liked.feedback().score().value()).isEqualTo(FeedbackScore.LIKE);
        assertThat(liked.feedback().timeInCallSecs()).isEqualTo(14);
        assertThat(liked.ragRetrievalInfo().chunks()).hasSize(2);
        assertThat(liked.ragRetrievalInfo().chunks().get(1).vectorDistance()).isEqualTo(0.2871);
        assertThat(liked.ragRetrievalInfo().usedChunkIds()).containsExactly("chunk_17");
        assertThat(data.transcript().get(1).sourceMedium().value()).isEqualTo(SourceMedium.AUDIO);

        assertThat(data.metadata().charging().llmUsage().irreversibleGeneration().modelUsage()
                .get("gemini-2.5-flash").outputTotal().tokens()).isEqualTo(219L);
        assertThat(data.metadata().charging().callCharge()).isEqualTo(400L);
        assertThat(data.metadata().conversationInitiationSource().value()).isEqualTo(InitiationSource.TWILIO);
        assertThat(data.metadata().ragUsage().usageCount()).isEqualTo(1);
        assertThat(data.metadata().featuresUsage().getJsonObject("agent_testing").getBoolean("enabled")).isTrue();
        assertThat(data.metadata().timezone()).isEqualTo("America/New_York");

        ConversationAnalysis analysis = data.analysis();
        ConversationAnalysis.EvaluationResult tone = analysis.evaluationCriteriaResults().get("tone_score");
        assertThat(tone.scoringMode().value()).isEqualTo(ScoringMode.NUMERIC_UNIFORM);
        assertThat(tone.score()).isEqualTo(4);
        assertThat(tone.maxScore()).isEqualTo(5);
        assertThat(analysis.dataCollectionResults().get("urgency_level").jsonSchema().type().value())
                .isEqualTo(SchemaType.INTEGER);
        assertThat(analysis.dataCollectionResults().get("insurance_provider").value()).isNull();

        assertThat(data.conversationInitiationClientData().dynamicVariableValues())
                .containsEntry("system__call_duration_secs", 39L)
                .containsEntry("after_hours", false)
                .containsEntry("clinic_name", "Harbor Dental");
        assertThat(data.conversationInitiationClientData().sourceInfo().source().value())
                .isEqualTo(InitiationSource.TWILIO);

        CallReport report = event.report();
        assertThat(report.callerNumber()).isEqualTo("+12025550143");
        assertThat(report.calledNumber()).isEqualTo("+14155550188");
        assertThat(report.direction()).isEqualTo(Direction.INBOUND);
        assertThat(report.duration()).isEqualTo(Duration.ofSeconds(39));
        assertThat(report.cost()).isEqualTo(412L);
        assertThat(report.terminationReason()).isEqualTo("end_call tool was called.");
        assertThat(report.title()).isEqualTo("New patient booking for chipped tooth");
        assertThat(report.language()).isEqualTo("en");
        assertThat(report.userId()).isNull();
        assertThat(report.collected()).containsExactly(
                entry("patient_name", "Marco Bellini"),
                entry("is_new_patient", true),
                entry("urgency_level", 3L),
                entry("insurance_provider", null));
        assertThat(report.collected().get("patient_name")).isInstanceOf(String.class);
        assertThat(report.collected().get("is_new_patient")).isInstanceOf(Boolean.class);
        assertThat(report.collected().get("urgency_level")).isInstanceOf(Long.class);
        assertThat(report.evaluations()).containsExactly(
                entry("appointment_booked", Outcome.SUCCESS),
                entry("verified_callback_number", Outcome.FAILURE),
                entry("tone_score", Outcome.SUCCESS));
        assertThat(report).isSameAs(event.report());
    }

    @Test
    void sipOutboundTranscriptionGivesExternalNumberBatchAndInterruption() throws Exception {
        TranscriptionEvent event = transcription("transcription-sip-outbound.json");
        TranscriptionData data = event.data();
        PhoneCall.SipTrunk call = (PhoneCall.SipTrunk) data.metadata().phoneCall();
        assertThat(call.externalNumber()).isEqualTo("+34600000457");
        assertThat(call.callId()).isEqualTo("sipcall_3c1e9d2b-7f40-4a8e-b5d6-0e9f8a7b6c5d");
        assertThat(call.sipHeaderDynamicVariables())
                .containsExactly(entry("X-Campaign", "recordatorios-octubre"), entry("X-Patient-Ref", "88213"));
        assertThat(data.metadata().batchCall().batchCallId()).isEqualTo("btcal_2201k7r4y6tq9we3rz5xc8vb1nma");
        assertThat(data.metadata().batchCall().batchCallRecipientId()).isEqualTo("btrec_2201k7r4y7ab2cd4ef6gh8ij0klm");
        TranscriptTurn first = data.transcript().get(0);
        assertThat(first.wasInterrupted()).isTrue();
        assertThat(first.originalMessage()).endsWith("¿Podrá asistir?");
        assertThat(first.message()).contains("Clínica");

        ToolResult.SystemTool transfer = data.transcript().stream().flatMap(t -> t.toolResults().stream())
                .filter(r -> r instanceof ToolResult.SystemTool).map(r -> (ToolResult.SystemTool) r)
                .findFirst().orElseThrow();
        assertThat(transfer.result().resultType()).isEqualTo("transfer_to_number_sip_success");
        assertThat(transfer.result().transferNumber()).isEqualTo("+34910000123");

        CallReport report = event.report();
        assertThat(report.direction()).isEqualTo(Direction.OUTBOUND);
        assertThat(report.callerNumber()).isEqualTo("+34910000100");
        assertThat(report.calledNumber()).isEqualTo("+34600000457");
        assertThat(report.language()).isEqualTo("es");
        assertThat(report.terminationReason()).isEqualTo("Call transferred to +34910000123");
        assertThat(report.evaluations()).containsEntry("attendance_confirmed", Outcome.UNKNOWN);
        assertThat(report.collected()).containsExactly(entry("will_attend", true),
                entry("needs_callback", "insurance change"));
    }

    @Test
    void audioFlagsFixtureReadsFlagsExactlyAndHasNoPhoneCall() throws Exception {
        TranscriptionEvent event = transcription("transcription-with-audio-flags.json");
        TranscriptionData data = event.data();
        assertThat(data.hasAudio()).isTrue();
        assertThat(data.hasUserAudio()).isTrue();
        assertThat(data.hasResponseAudio()).isFalse();
        assertThat(data.hasAuxiliaryAudio()).isFalse();
        assertThat(data.metadata().phoneCall()).isNull();
        assertThat(data.metadata().authorizationMethod().raw()).isEqualTo("signed_url");
        assertThat(data.visitedAgents()).extracting(TranscriptionData.VisitedAgent::agentId)
                .containsExactly("agent_9901k6vt2bq5nz8xw1ec4ry7ua3k", "agent_9901k6vt9ab1cd3ef5gh7ij9kl2m");
        assertThat(data.tagIds()).containsExactly("tag_cards");
        TranscriptTurn multivoice = data.transcript().get(3);
        assertThat(multivoice.multivoiceMessage().parts()).hasSize(2);
        assertThat(multivoice.multivoiceMessage().parts().get(0).voiceLabel()).isEqualTo("guide");
        assertThat(multivoice.multivoiceMessage().parts().get(1).timeInCallSecs()).isEqualTo(8);
        assertThat(multivoice.feedback().score().value()).isEqualTo(FeedbackScore.DISLIKE);
        assertThat(data.transcript().get(1).sourceMedium().value()).isEqualTo(SourceMedium.TEXT);
        ToolResult.SystemTool transfer = (ToolResult.SystemTool) data.transcript().get(2).toolResults().get(0);
        assertThat(transfer.result().resultType()).isEqualTo("transfer_to_agent_success");
        assertThat(transfer.result().toAgent()).isEqualTo("agent_9901k6vt9ab1cd3ef5gh7ij9kl2m");
        assertThat(data.conversationInitiationClientData().customLlmExtraBody().getJsonNumber("temperature")
                .doubleValue()).isEqualTo(0.2);
        assertThat(data.conversationInitiationClientData().conversationConfigOverride()
                .getJsonObject("conversation").getBoolean("text_only")).isFalse();
        assertThat(data.conversationInitiationClientData().sourceInfo().version()).isEqualTo("0.18.2");

        CallReport report = event.report();
        assertThat(report.direction()).isEqualTo(Direction.NONE);
        assertThat(report.callerNumber()).isNull();
        assertThat(report.userId()).isEqualTo("web-visitor-3f9a");
    }

    @Test
    void extraFieldsParseToTheSameValuesAsWithoutThem() throws Exception {
        TranscriptionEvent event = transcription("transcription-extra-fields.json");
        TranscriptionData data = event.data();
        assertThat(data.transcript()).hasSize(3);
        assertThat(data.transcript().get(0).role().value()).isEqualTo(Role.AGENT);
        List<ToolCall> calls = data.transcript().stream().flatMap(t -> t.toolCalls().stream()).toList();
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).is(ToolType.CLIENT)).isTrue();
        assertThat(((ToolDetails.Client) calls.get(0).toolDetails()).parameters())
                .isEqualTo("{\"item\": \"margherita\", \"size\": \"L\"}");
        assertThat(data.transcript().get(2).toolResults().get(0).resultValue()).isEqualTo("ok");
        assertThat(data.metadata().deletionSettings().deleteAudio()).isFalse();
        assertThat(data.analysis().dataCollectionResults().get("pizza_size").jsonSchema().allowedValues())
                .containsExactly("S", "M", "L");

        assertThat(event.json().getJsonObject("data").getString("x_region")).as("extras stay readable raw")
                .isEqualTo("eu-west");
        assertThat(event.json().getString("schema_version")).isEqualTo("2026-03-01");

        CallReport report = event.report();
        assertThat(report.callerNumber()).isEqualTo("+13125550117");
        assertThat(report.calledNumber()).isEqualTo("+13125550166");
        assertThat(report.turnCount()).isEqualTo(3);
        assertThat(report.duration()).isEqualTo(Duration.ofSeconds(25));
        assertThat(report.cost()).isEqualTo(90L);
        assertThat(report.collected()).containsExactly(entry("pizza_size", "L"));
        assertThat(report.evaluations()).containsExactly(entry("order_taken", Outcome.SUCCESS));
        assertThat(report.outcome()).isEqualTo(Outcome.SUCCESS);
    }

    @Test
    void aTranscriptionWithoutATranscriptSaysItWasNotSentAndKeepsEverythingElse() throws Exception {
        TranscriptionEvent event = transcription("transcription-no-transcript.json");
        TranscriptionData data = event.data();
        assertThat(data.transcriptSent()).isFalse();
        assertThat(data.transcript()).isEmpty();
        assertThat(data.metadata().queueWaitSecs()).isEqualTo(37.4);
        assertThat(data.metadata().authorizationMethod().value()).isEqualTo(AuthorizationMethod.AVAYA_API_KEY);
        assertThat(data.metadata().conversationInitiationSource().value()).isEqualTo(InitiationSource.AVAYA);
        assertThat(data.conversationInitiationClientData().sourceInfo().source().value())
                .isEqualTo(InitiationSource.AVAYA);
        assertThat(data.metadata().phoneCall().callResult().value()).isEqualTo(CallResult.ANSWERED);
        assertThat(data.analysis().dataCollectionResults().get("account_number").name()).isEqualTo("Account number");
        assertThat(data.conversationInitiationClientData().procedureIds()).as("not sent").isNull();

        CallReport report = event.report();
        assertThat(report.transcriptSent()).isFalse();
        assertThat(report.turnCount()).as("not 0 turns").isNull();
        assertThat(report.direction()).isEqualTo(Direction.INBOUND);
        assertThat(report.callerNumber()).isEqualTo("+442079460587");
        assertThat(report.customerNumber()).isEqualTo("+442079460587");
        assertThat(report.agentNumber()).isEqualTo("+442079460120");
        assertThat(report.queueWait()).isEqualTo(Duration.ofMillis(37_400));
        assertThat(report.duration()).isEqualTo(Duration.ofSeconds(104));
        assertThat(report.callResult().value()).isEqualTo(CallResult.ANSWERED);
        assertThat(report.summary()).startsWith("The caller asked why their December bill was higher");
        assertThat(report.collected()).containsExactly(entry("account_number", "NW-5583-0192"),
                entry("wants_payment_plan", false));
    }

    @Test
    void aCallOfUnknownProviderAndDirectionNamesBothPartiesButNotWhoCalled() throws Exception {
        TranscriptionEvent event = transcription("transcription-unknown-direction.json");
        TranscriptionData data = event.data();
        PhoneCall call = data.metadata().phoneCall();
        assertThat(call).isInstanceOf(PhoneCall.Other.class);
        assertThat(call.type()).isEqualTo("example_provider");
        assertThat(call.direction().isUnknown()).isTrue();
        assertThat(call.direction().raw()).isEqualTo("transferred");
        assertThat(call.callResult().value()).isEqualTo(CallResult.ANSWERED);
        assertThat(data.metadata().authorizationMethod().value()).isEqualTo(AuthorizationMethod.AUDIOCODES_API_KEY);
        assertThat(data.metadata().conversationInitiationSource().value()).isEqualTo(InitiationSource.AUDIOCODES);
        ToolResult.SystemOutcome transfer = ((ToolResult.SystemTool) data.transcript().get(2).toolResults().get(0))
                .result();
        assertThat(transfer.resultType()).isEqualTo("transfer_to_number_amazon_connect_success");
        assertThat(transfer.isSuccess()).isTrue();
        assertThat(transfer.reason()).isEqualTo("dose question");
        assertThat(transfer.text("client_message")).isEqualTo("Connecting you to the pharmacist.");

        CallReport report = event.report();
        assertThat(report.direction()).isEqualTo(Direction.UNKNOWN);
        assertThat(report.callerNumber()).isNull();
        assertThat(report.calledNumber()).isNull();
        assertThat(report.customerNumber()).isEqualTo("+13125550149");
        assertThat(report.agentNumber()).isEqualTo("+13125550100");
        assertThat(report.turnCount()).isEqualTo(3);
        assertThat(report.transcriptSent()).isTrue();
    }

    @Test
    void theNewerMembersAreReadWhereTheyBelong() throws Exception {
        TranscriptionEvent event = transcription("transcription-newer-fields.json");
        TranscriptionData data = event.data();
        List<TranscriptTurn> turns = data.transcript();
        assertThat(turns).hasSize(6);
        assertThat(turns).extracting(TranscriptTurn::id).doesNotContainNull().doesNotHaveDuplicates();
        TranscriptTurn greeting = turns.get(0);
        assertThat(greeting.id()).isEqualTo("turn_01k9m3n5c0aa1bb2cc3dd4ee5f");
        assertThat(greeting.producingLlm()).isEqualTo("gemini-2.5-flash");
        assertThat(greeting.voiceId()).isEqualTo("voice_7k2m9q4x8w1n5r3t6y0b");
        assertThat(greeting.latencies()).containsExactly(entry("convai_llm_service_ttfb", 0.344));
        assertThat(greeting.platformEvent()).isNull();
        assertThat(turns.get(1).sourceMedium().value()).isEqualTo(SourceMedium.DTMF);
        assertThat(turns.get(1).message()).isEqualTo("1");
        assertThat(turns.get(1).voiceId()).isNull();
        assertThat(turns.get(2).platformEvent().value()).isEqualTo(PlatformEvent.USER_TURN_TIMEOUT);
        assertThat(turns.get(2).message()).isNull();
        assertThat(turns.get(3).triggeredGuardrails()).containsExactly(
                new TranscriptTurn.TriggeredGuardrail(OpenEnum.of(GuardrailType.class, "medical_and_legal"), null),
                new TranscriptTurn.TriggeredGuardrail(OpenEnum.of(GuardrailType.class, "custom"),
                        "No premium promises"));
        assertThat(turns.get(0).triggeredGuardrails()).isEmpty();
        assertThat(turns.get(0).fileInputs()).isEmpty();

        List<ToolResult.SystemOutcome> outcomes = turns.stream().flatMap(t -> t.toolResults().stream())
                .map(r -> ((ToolResult.SystemTool) r).result()).toList();
        assertThat(outcomes).extracting(ToolResult.SystemOutcome::resultType).containsExactly(
                "start_procedure_success", "knowledge_base_success", "end_procedure_success",
                "start_procedure_error", "end_procedure_error");
        assertThat(outcomes).extracting(ToolResult.SystemOutcome::isSuccess)
                .containsExactly(true, true, true, false, false);
        assertThat(outcomes.get(0).procedureId()).isEqualTo("proc_renewal_v3");
        assertThat(outcomes.get(0).procedureName()).isEqualTo("Policy renewal");
        assertThat(outcomes.get(0).text("procedure_entry_workflow_node")).isEqualTo("node_renewal_start");
        assertThat(outcomes.get(1).text("chunk_count")).isEqualTo("3");
        assertThat(outcomes.get(3).procedureId()).isEqualTo("proc_claims_v1");
        assertThat(outcomes.get(3).message()).isEqualTo("procedure not attached to this agent");
        assertThat(outcomes.get(4).procedureId()).isNull();

        ConversationMetadata meta = data.metadata();
        assertThat(meta.queueWaitSecs()).as("null: never queued").isNull();
        assertThat(meta.phoneCall().callResult().value()).isEqualTo(CallResult.ANSWERED);
        ConversationMetadata.Campaign campaign = meta.batchCall().campaign();
        assertThat(campaign.campaignId()).isEqualTo("cmpgn_9201k9k7z1xc3vb5nm7qw9er1tyu");
        assertThat(campaign.campaignLeadId()).isEqualTo("lead_9201k9k7z4as6df8gh0jk2lz4xcv");
        assertThat(campaign.coldAttempt()).isEqualTo(2);
        assertThat(campaign.conversationType().value()).isEqualTo(CampaignConversationType.RETRY);
        ConversationMetadata.AnalysisCharging analysis = meta.charging().analysis();
        assertThat(analysis.total().runs()).isEqualTo(2);
        assertThat(analysis.total().price()).isEqualTo(0.0021);
        assertThat(analysis.total().charge()).isEqualTo(6.0);
        assertThat(analysis.total().chargePerFeature())
                .containsExactly(entry("evaluation_criteria", 4.0), entry("data_collection", 2.0));
        assertThat(analysis.lastRun().pricePerFeature())
                .containsExactly(entry("evaluation_criteria", 0.0006), entry("data_collection", 0.0005));
        assertThat(analysis.lastRun().charge()).isEqualTo(3.0);
        assertThat(analysis.lastRun().runs()).isNull();

        assertThat(data.analysis().dataCollectionResults().get("renewed").name()).isEqualTo("Policy renewed");
        assertThat(data.analysis().dataCollectionResults().get("callback_time").name()).isNull();
        ConversationInitiationClientData client = data.conversationInitiationClientData();
        assertThat(client.procedureIds()).containsExactly("proc_renewal_v3");
        assertThat(client.dynamicVariable("policy"))
                .isEqualTo("{\"id\":\"BS-20-4471\",\"tier\":\"gold\",\"vehicles\":2}");
        assertThat(client.dynamicVariables().get("policy").asJsonObject().getString("tier")).isEqualTo("gold");
        assertThat(client.dynamicVariable("products")).isEqualTo("[\"home\",\"auto\"]");
        assertThat(client.dynamicVariable("premium_usd")).isEqualTo("1240.5");
        assertThat(client.dynamicVariable("auto_renew")).isEqualTo("false");
        assertThat(client.dynamicVariable("broker")).isNull();
        assertThat(client.dynamicVariable("first_name")).isEqualTo("Dana");

        CallReport report = event.report();
        assertThat(report.callResult().value()).isEqualTo(CallResult.ANSWERED);
        assertThat(report.queueWait()).isNull();
        assertThat(report.turnCount()).isEqualTo(6);
        assertThat(report.direction()).isEqualTo(Direction.OUTBOUND);
        assertThat(report.customerNumber()).isEqualTo("+14155550176").isEqualTo(report.calledNumber());
        assertThat(report.agentNumber()).isEqualTo("+14155550120").isEqualTo(report.callerNumber());
        assertThat(report.dynamicVariables().get("policy").toString())
                .isEqualTo("{\"id\":\"BS-20-4471\",\"tier\":\"gold\",\"vehicles\":2}");
        assertThat(report.dynamicVariables().get("products")).isInstanceOf(JsonArray.class);
        assertThat(report.dynamicVariables()).containsEntry("first_name", "Dana").containsEntry("premium_usd", 1240.5)
                .containsEntry("auto_renew", false).containsEntry("broker", null)
                .containsEntry("system__caller_id", "+14155550120");
        assertThat(report.dynamicVariables().keySet()).startsWith("first_name", "policy", "products");
        assertThat(report.collected()).containsExactly(entry("renewed", true), entry("callback_time", null));
    }

    @Test
    void aWhatsappConversationGivesItsRecipientAndTheFilesOfATurn() throws Exception {
        TranscriptionEvent event = transcription("transcription-whatsapp.json");
        TranscriptionData data = event.data();
        ConversationMetadata.Whatsapp whatsapp = data.metadata().whatsapp();
        assertThat(whatsapp.recipient()).isEqualTo(
                new ConversationMetadata.WhatsappRecipient("+447700900318", "bsuid_3401k9p5l7zx9cv1bn3mq5wr7e"));
        assertThat(whatsapp.direction().value()).isEqualTo(CallDirection.INBOUND);
        assertThat(data.metadata().authorizationMethod().value()).isEqualTo(AuthorizationMethod.WHATSAPP);
        TranscriptTurn photos = data.transcript().get(0);
        assertThat(photos.sourceMedium().value()).isEqualTo(SourceMedium.IMAGE);
        assertThat(photos.fileInputs()).extracting(TranscriptTurn.FileInput::originalFilename)
                .containsExactly("derailleur-side.jpg", "derailleur-rear.jpg", "receipt.pdf");
        assertThat(photos.fileInputs().get(2).mimeType()).isEqualTo("application/pdf");
        assertThat(photos.fileInput()).isEqualTo(photos.fileInputs().get(0));
        assertThat(data.transcript().get(1).producingLlm()).isEqualTo("gpt-4.1-mini");

        CallReport report = event.report();
        assertThat(report.direction()).isEqualTo(Direction.NONE);
        assertThat(report.customerNumber()).isNull();
        assertThat(report.agentNumber()).isNull();
        assertThat(report.callResult()).isNull();
        assertThat(report.turnCount()).isEqualTo(2);
    }

    @Test
    void anAnsweringMachineVerdictIsAnUnknownEventWithItsRawJson() throws Exception {
        PostCallEvent event = Fixtures.parse("answering-machine-detection.json");
        assertThat(event).isInstanceOf(UnknownEvent.class);
        assertThat(event.type()).isEqualTo("answering_machine_detection");
        assertThat(event.conversationId()).isEqualTo("conv_8301k9f2w5qn7ty0ur3ie6wo9pas");
        assertThat(((UnknownEvent) event).json().getJsonObject("data").getString("agent_id"))
                .isEqualTo("agent_8801k6yn4vq7cw2et5bz9hx3md0p");
    }

    @Test
    void twilioFailureGivesReasonProviderCallSidAndSipCode() throws Exception {
        CallInitiationFailureEvent event = (CallInitiationFailureEvent) Fixtures.parse("failure-twilio.json");
        assertThat(event.failureReason()).isEqualTo("no-answer");
        assertThat(event.reason()).isEqualTo(FailureReason.NO_ANSWER);
        assertThat(event.provider()).isEqualTo("twilio");
        assertThat(event.sipStatusCode()).isEqualTo(480);
        assertThat(event.sip()).isNull();
        CallInitiationFailureData.Twilio twilio = event.twilio();
        assertThat(twilio.callSid()).isEqualTo("CAb7e2d9f0a1c34b5e8d7f6a5b4c3d2e1f");
        assertThat(twilio.callStatus()).isEqualTo("no-answer");
        assertThat(twilio.from()).isEqualTo("+14155550188");
        assertThat(twilio.get("Duration")).isEqualTo("0");
        assertThat(twilio.get("ToCity")).isEmpty();
        assertThat(twilio.body()).hasSize(31);
        assertThat(event.json().getJsonObject("data").getJsonObject("metadata").getString("type")).isEqualTo("twilio");
    }

    @Test
    void sipFailureGivesBusyAnd486() throws Exception {
        CallInitiationFailureEvent event = (CallInitiationFailureEvent) Fixtures.parse("failure-sip.json");
        assertThat(event.failureReason()).isEqualTo("busy");
        assertThat(event.reason()).isEqualTo(FailureReason.BUSY);
        assertThat(event.provider()).isEqualTo("sip");
        assertThat(event.sipStatusCode()).isEqualTo(486);
        assertThat(event.twilio()).isNull();
        CallInitiationFailureData.Sip sip = event.sip();
        assertThat(sip.fromNumber()).isEqualTo("+34910000100");
        assertThat(sip.toNumber()).isEqualTo("+34600000981");
        assertThat(sip.sipStatus()).isEqualTo("Busy Here");
        assertThat(sip.twirpCode()).isEqualTo("unavailable");
        assertThat(sip.callSid()).isEqualTo("0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0");
    }

    @Test
    void unknownTypeIsAnUnknownEventWithItsRawJson() throws Exception {
        PostCallEvent event = Fixtures.parse("unknown-type.json");
        assertThat(event).isInstanceOf(UnknownEvent.class);
        assertThat(event.type()).isEqualTo("conversation_escalated");
        assertThat(((UnknownEvent) event).json().getJsonObject("data").getJsonObject("escalation").getInt("priority"))
                .isEqualTo(2);
    }

    @Test
    void aBodyHeldInAFileGivesTheSameModelAsOneInMemory() throws Exception {
        for (String file : List.of("transcription-minimal.json", "transcription-phone-inbound.json",
                "transcription-sip-outbound.json", "transcription-with-audio-flags.json",
                "transcription-extra-fields.json", "transcription-no-transcript.json",
                "transcription-unknown-direction.json", "transcription-newer-fields.json",
                "transcription-whatsapp.json")) {
            TranscriptionEvent fromFile = (TranscriptionEvent) new EventParser()
                    .parse(BodySource.ofFile(Fixtures.path(file)));
            TranscriptionEvent inMemory = transcription(file);
            assertThat(fromFile.report()).as(file).isEqualTo(inMemory.report());
            assertThat(fromFile.data().transcript()).as(file).isEqualTo(inMemory.data().transcript());
        }
        CallInitiationFailureEvent failure = (CallInitiationFailureEvent) new EventParser()
                .parse(BodySource.ofFile(Fixtures.path("failure-sip.json")));
        assertThat(failure.sipStatusCode()).isEqualTo(486);
    }

    @Test
    void dataCollectionValuesKeepTheirJsonTypes() throws Exception {
        Map<String, ConversationAnalysis.DataCollectionResult> results =
                transcription("transcription-phone-inbound.json").data().analysis().dataCollectionResults();
        assertThat(results.get("patient_name").value().getValueType()).isEqualTo(JsonValue.ValueType.STRING);
        assertThat(results.get("is_new_patient").value()).isEqualTo(JsonValue.TRUE);
        assertThat(results.get("urgency_level").value().getValueType()).isEqualTo(JsonValue.ValueType.NUMBER);
        assertThat(results.get("insurance_provider").javaValue()).isNull();
    }
}
