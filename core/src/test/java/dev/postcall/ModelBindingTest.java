package dev.postcall;

import dev.postcall.CallReport.Direction;
import dev.postcall.CallReport.Outcome;
import dev.postcall.model.AuthorizationMethod;
import dev.postcall.model.CallDirection;
import dev.postcall.model.CallResult;
import dev.postcall.model.ConversationInitiationClientData;
import dev.postcall.model.GuardrailType;
import dev.postcall.model.InitiationSource;
import dev.postcall.model.PlatformEvent;
import dev.postcall.model.SourceMedium;
import dev.postcall.model.CallInitiationFailureData;
import dev.postcall.model.ConversationStatus;
import dev.postcall.model.FailureReason;
import dev.postcall.model.OpenEnum;
import dev.postcall.model.PhoneCall;
import dev.postcall.model.Role;
import dev.postcall.model.ToolDetails;
import dev.postcall.model.ToolResult;
import dev.postcall.model.ToolType;
import dev.postcall.model.TranscriptTurn;
import dev.postcall.model.TranscriptionData;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class ModelBindingTest {

    private final EventParser parser = new EventParser();

    private TranscriptionEvent transcription(String data) throws MalformedEventException {
        String body = "{\"type\":\"post_call_transcription\",\"event_timestamp\":1,\"data\":" + data + "}";
        return (TranscriptionEvent) parser.parse(BodySource.ofBytes(body.getBytes(StandardCharsets.UTF_8)));
    }

    private CallInitiationFailureEvent failure(String data) throws MalformedEventException {
        String body = "{\"type\":\"call_initiation_failure\",\"event_timestamp\":1,\"data\":" + data + "}";
        return (CallInitiationFailureEvent) parser.parse(BodySource.ofBytes(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void unknownEnumValuesReadAsUnknownAndKeepTheRawString() throws Exception {
        TranscriptionData data = transcription("{\"status\":\"archived\",\"transcript\":[{\"role\":\"supervisor\","
                + "\"source_medium\":\"hologram\"},{\"role\":\"agent\"}]}").data();
        assertThat(data.status().value()).isEqualTo(ConversationStatus.UNKNOWN);
        assertThat(data.status().raw()).isEqualTo("archived");
        assertThat(data.status().isUnknown()).isTrue();
        TranscriptTurn turn = data.transcript().get(0);
        assertThat(turn.role().value()).isEqualTo(Role.UNKNOWN);
        assertThat(turn.role().raw()).isEqualTo("supervisor");
        assertThat(turn.isUser()).isFalse();
        assertThat(turn.isAgent()).isFalse();
        assertThat(turn.sourceMedium().raw()).isEqualTo("hologram");
        assertThat(data.transcript().get(1).role().is(Role.AGENT)).isTrue();
    }

    @Test
    void enumWireNamesWithDashesMapToConstants() throws Exception {
        assertThat(transcription("{\"status\":\"in-progress\"}").data().status().value())
                .isEqualTo(ConversationStatus.IN_PROGRESS);
        assertThat(OpenEnum.of(FailureReason.class, "no-answer").value()).isEqualTo(FailureReason.NO_ANSWER);
        assertThat(OpenEnum.of(ToolType.class, "api_integration_webhook").value())
                .isEqualTo(ToolType.API_INTEGRATION_WEBHOOK);
        assertThat(OpenEnum.of(Outcome.class, "unknown").isUnknown()).as("the sender's own unknown is known").isFalse();
        assertThat(OpenEnum.of(Outcome.class, "FAILURE").value()).isEqualTo(Outcome.FAILURE);
    }

    @Test
    void nonStringEnumValueKeepsItsJsonForm() throws Exception {
        TranscriptionData data = transcription("{\"status\":3}").data();
        assertThat(data.status().value()).isEqualTo(ConversationStatus.UNKNOWN);
        assertThat(data.status().raw()).isEqualTo("3");
    }

    @Test
    void numbersAcceptFloatsAndNumericStrings() throws Exception {
        TranscriptionEvent event = transcription("{\"metadata\":{\"call_duration_secs\":22.0,\"cost\":\"42\","
                + "\"start_time_unix_secs\":\"1761402150\",\"cost_fiat\":\"0.25\"},"
                + "\"transcript\":[{\"time_in_call_secs\":\"7\"}],"
                + "\"analysis\":{\"call_success_score\":1}}");
        TranscriptionData data = event.data();
        assertThat(data.metadata().callDurationSecs()).isEqualTo(22);
        assertThat(data.metadata().cost()).isEqualTo(42L);
        assertThat(data.metadata().startTimeUnixSecs()).isEqualTo(1761402150L);
        assertThat(data.transcript().get(0).timeInCallSecs()).isEqualTo(7);
        CallReport report = event.report();
        assertThat(report.duration()).isEqualTo(Duration.ofSeconds(22));
        assertThat(report.cost()).isEqualTo(42L);
        assertThat(report.costUsd()).isEqualTo(0.25);
        assertThat(report.successScore()).isEqualTo(1.0);
    }

    @Test
    void numbersThatCannotBeReadAsTheFieldsTypeReadAsAbsentInsteadOfLosingThePayload() throws Exception {
        String[][] cases = {
                // value, expected duration (Integer), expected cost (Long), expected cost_fiat (Double)
                {"\"7.0\"", "7", "7", "7.0"},
                {"\" 7 \"", "7", "7", "7.0"},
                {"1e3", "1000", "1000", "1000.0"},
                {"7.5", null, null, "7.5"},
                {"-7.5", null, null, "-7.5"},
                {"3000000000", null, "3000000000", "3.0E9"},
                {"1e40", null, null, "1.0E40"},
                {"1e400", null, null, null},
                {"\"\"", null, null, null},
                {"\"n/a\"", null, null, null},
                {"true", null, null, null},
                {"{\"a\":1}", null, null, null},
                {"null", null, null, null},
        };
        for (String[] c : cases) {
            TranscriptionEvent event = transcription("{\"metadata\":{\"call_duration_secs\":" + c[0] + ",\"cost\":" + c[0]
                    + ",\"cost_fiat\":" + c[0] + ",\"main_language\":\"en\"}}");
            var meta = event.data().metadata();
            assertThat(meta.callDurationSecs()).as(c[0]).isEqualTo(c[1] == null ? null : Integer.valueOf(c[1]));
            assertThat(meta.cost()).as(c[0]).isEqualTo(c[2] == null ? null : Long.valueOf(c[2]));
            assertThat(meta.costFiat()).as(c[0]).isEqualTo(c[3] == null ? null : Double.valueOf(c[3]));
            assertThat(meta.mainLanguage()).as("the members after it still read").isEqualTo("en");
        }
    }

    @Test
    void booleansAcceptTheirStringsAndOneOrZero() throws Exception {
        String[][] cases = {{"true", "true"}, {"false", "false"}, {"\"TRUE\"", "true"}, {"\" false\"", "false"},
                {"1", "true"}, {"0", "false"}, {"2", null}, {"\"yes\"", null}, {"[]", null}, {"null", null}};
        for (String[] c : cases) {
            TranscriptionData data = transcription("{\"has_audio\":" + c[0] + ",\"agent_name\":\"n\"}").data();
            assertThat(data.hasAudio()).as(c[0]).isEqualTo(c[1] == null ? null : Boolean.valueOf(c[1]));
            assertThat(data.agentName()).isEqualTo("n");
        }
    }

    @Test
    void nullAndAbsentCollectionsReadAsEmpty() throws Exception {
        TranscriptionData data = transcription("{\"transcript\":null,\"visited_agents\":null,\"metadata\":"
                + "{\"warnings\":null,\"phone_call\":{\"type\":\"sip_trunking\",\"sip_header_dynamic_variables\":null}},"
                + "\"analysis\":{\"evaluation_criteria_results\":null,\"data_collection_results\":null},"
                + "\"conversation_initiation_client_data\":{\"dynamic_variables\":null}}").data();
        assertThat(data.transcript()).isEmpty();
        assertThat(data.visitedAgents()).isEmpty();
        assertThat(data.tagIds()).isEmpty();
        assertThat(data.metadata().warnings()).isEmpty();
        assertThat(((PhoneCall.SipTrunk) data.metadata().phoneCall()).sipHeaderDynamicVariables()).isEmpty();
        assertThat(data.analysis().evaluationCriteriaResults()).isEmpty();
        assertThat(data.analysis().dataCollectionResults()).isEmpty();
        assertThat(data.analysis().scoped()).isEmpty();
        assertThat(data.conversationInitiationClientData().dynamicVariables()).isEmpty();

        assertThat(data.transcriptSent()).as("a null transcript is one not sent").isFalse();

        TranscriptionData empty = transcription("{}").data();
        assertThat(empty.transcript()).isEmpty();
        assertThat(empty.transcriptSent()).isFalse();
        assertThat(empty.metadata()).isNull();
        CallReport report = transcription("{}").report();
        assertThat(report.turnCount()).as("no transcript is not 0 turns").isNull();
        assertThat(report.transcriptSent()).isFalse();
        assertThat(report.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(report.direction()).isEqualTo(Direction.NONE);
        assertThat(report.duration()).isNull();
        assertThat(report.collected()).isEmpty();
    }

    @Test
    void collectionsAreUnmodifiable() throws Exception {
        TranscriptionEvent event = transcription("{\"transcript\":[{\"role\":\"user\"}],"
                + "\"analysis\":{\"data_collection_results\":{\"a\":{\"value\":1}}}}");
        assertThatThrownBy(() -> event.data().transcript().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> event.report().collected().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void unknownPhoneCallTypeKeepsTheSharedMembers() throws Exception {
        TranscriptionEvent event = transcription("{\"metadata\":{\"phone_call\":{\"type\":\"vonage\","
                + "\"direction\":\"inbound\",\"agent_number\":\"+1555\",\"external_number\":\"+1666\",\"call_sid\":\"V1\"}}}");
        PhoneCall call = event.data().metadata().phoneCall();
        assertThat(call).isInstanceOf(PhoneCall.Other.class);
        assertThat(call.type()).isEqualTo("vonage");
        assertThat(call.direction().value()).isEqualTo(CallDirection.INBOUND);
        assertThat(call.callSid()).isEqualTo("V1");
        assertThat(event.report().callerNumber()).isEqualTo("+1666");
        assertThat(event.report().calledNumber()).isEqualTo("+1555");
    }

    @Test
    void exotelPhoneCallIsItsOwnVariant() throws Exception {
        PhoneCall call = transcription("{\"metadata\":{\"phone_call\":{\"type\":\"exotel\",\"direction\":\"outbound\","
                + "\"stream_sid\":\"S\"}}}").data().metadata().phoneCall();
        assertThat(call).isInstanceOf(PhoneCall.Exotel.class);
        assertThat(((PhoneCall.Exotel) call).streamSid()).isEqualTo("S");
    }

    @Test
    void anUnknownDirectionLeavesCallerAndCalledUnknownAndStillNamesBothParties() throws Exception {
        // the sender's system variables do not say which way the call went either: who called whom stays unknown
        CallReport report = transcription("{\"metadata\":{\"phone_call\":{\"type\":\"twilio\","
                + "\"direction\":\"sideways\",\"agent_number\":\"+3333\",\"external_number\":\"+4444\"}},"
                + "\"conversation_initiation_client_data\":{\"dynamic_variables\":{\"system__caller_id\":\"+1111\","
                + "\"system__called_number\":\"+2222\"}}}").report();
        assertThat(report.direction()).isEqualTo(Direction.UNKNOWN);
        assertThat(report.callerNumber()).isNull();
        assertThat(report.calledNumber()).isNull();
        assertThat(report.customerNumber()).isEqualTo("+4444");
        assertThat(report.agentNumber()).isEqualTo("+3333");
    }

    @Test
    void theWidenedEnumerationsKnowTheirNewValues() throws Exception {
        TranscriptionData data = transcription("{\"metadata\":{\"authorization_method\":\"audiocodes_api_key\","
                + "\"conversation_initiation_source\":\"avaya\",\"phone_call\":{\"type\":\"exotel\","
                + "\"call_result\":\"busy\"}},\"conversation_initiation_client_data\":{\"source_info\":{"
                + "\"source\":\"audiocodes\"}},\"transcript\":[{\"role\":\"user\",\"source_medium\":\"dtmf\","
                + "\"platform_event\":\"skip_turn_wait_elapsed\",\"triggered_guardrails\":[{\"guardrail_type\":"
                + "\"prompt_injection\"},{\"guardrail_type\":\"brand_new_guardrail\",\"guardrail_name\":\"x\"}]}]}")
                .data();
        assertThat(data.metadata().authorizationMethod().value()).isEqualTo(AuthorizationMethod.AUDIOCODES_API_KEY);
        assertThat(data.metadata().conversationInitiationSource().value()).isEqualTo(InitiationSource.AVAYA);
        assertThat(data.conversationInitiationClientData().sourceInfo().source().value())
                .isEqualTo(InitiationSource.AUDIOCODES);
        assertThat(data.metadata().phoneCall().callResult().value()).isEqualTo(CallResult.BUSY);
        TranscriptTurn turn = data.transcript().get(0);
        assertThat(turn.sourceMedium().value()).isEqualTo(SourceMedium.DTMF);
        assertThat(turn.platformEvent().value()).isEqualTo(PlatformEvent.SKIP_TURN_WAIT_ELAPSED);
        assertThat(turn.triggeredGuardrails().get(0).guardrailType().value()).isEqualTo(GuardrailType.PROMPT_INJECTION);
        assertThat(turn.triggeredGuardrails().get(1).guardrailType().isUnknown()).isTrue();
        assertThat(turn.triggeredGuardrails().get(1).guardrailType().raw()).isEqualTo("brand_new_guardrail");
        assertThat(transcription("{\"metadata\":{\"authorization_method\":\"avaya_api_key\"}}").data().metadata()
                .authorizationMethod().value()).isEqualTo(AuthorizationMethod.AVAYA_API_KEY);
    }

    @Test
    void absentProcedureIdsAreNotAnEmptyList() throws Exception {
        assertThat(transcription("{\"conversation_initiation_client_data\":{}}").data()
                .conversationInitiationClientData().procedureIds()).as("absent: every procedure").isNull();
        assertThat(transcription("{\"conversation_initiation_client_data\":{\"procedure_ids\":null}}").data()
                .conversationInitiationClientData().procedureIds()).as("null: every procedure").isNull();
        assertThat(transcription("{\"conversation_initiation_client_data\":{\"procedure_ids\":[]}}").data()
                .conversationInitiationClientData().procedureIds()).as("empty: none").isEmpty();
        assertThat(transcription("{\"conversation_initiation_client_data\":{\"procedure_ids\":[\"p1\",\"p2\"]}}")
                .data().conversationInitiationClientData().procedureIds()).containsExactly("p1", "p2");
    }

    @Test
    void objectAndArrayDynamicVariablesAreReadAsJsonByTheReportAndTheModel() throws Exception {
        String data = "{\"conversation_initiation_client_data\":{\"dynamic_variables\":{\"plan\":{\"tier\":\"gold\","
                + "\"seats\":[1,2]},\"tags\":[\"a\",{\"b\":null}],\"name\":\"Ana\",\"n\":3,\"none\":null}}}";
        TranscriptionEvent partsFirst = transcription(data);
        TranscriptionEvent dataFirst = transcription(data);
        ConversationInitiationClientData client = dataFirst.data().conversationInitiationClientData();
        for (CallReport report : new CallReport[] {partsFirst.report(), dataFirst.report()}) {
            assertThat(report.dynamicVariables().keySet()).containsExactly("plan", "tags", "name", "n", "none");
            assertThat(report.dynamicVariables().get("plan").toString())
                    .isEqualTo("{\"tier\":\"gold\",\"seats\":[1,2]}");
            assertThat(report.dynamicVariables().get("tags").toString()).isEqualTo("[\"a\",{\"b\":null}]");
            assertThat(report.dynamicVariables()).containsEntry("name", "Ana").containsEntry("n", 3L)
                    .containsEntry("none", null);
        }
        assertThat(partsFirst.report()).isEqualTo(dataFirst.report());
        assertThat(client.dynamicVariable("plan")).isEqualTo("{\"tier\":\"gold\",\"seats\":[1,2]}");
        assertThat(client.dynamicVariable("tags")).isEqualTo("[\"a\",{\"b\":null}]");
        assertThat(client.dynamicVariable("n")).isEqualTo("3");
        assertThat(client.dynamicVariable("none")).isNull();
        assertThat(client.dynamicVariable("missing")).isNull();
        assertThat(client.dynamicVariables().get("plan").asJsonObject().getJsonArray("seats").getInt(1)).isEqualTo(2);
    }

    @Test
    void toolResultsPickTheirVariantByType() throws Exception {
        TranscriptTurn turn = transcription("{\"transcript\":[{\"tool_results\":["
                + "{\"type\":\"webhook\",\"request_id\":\"r1\",\"is_error\":true},"
                + "{\"type\":\"api_integration_webhook\",\"integration_id\":\"i\",\"credential_id\":\"c\"},"
                + "{\"type\":\"workflow\",\"result\":{\"steps\":[{\"type\":\"edge\",\"edge_id\":\"e\"}]}},"
                + "{\"type\":\"teleport\",\"tool_name\":\"beam\"},"
                + "{\"tool_name\":\"untyped\"},"
                + "{\"type\":\"system\",\"result\":{\"result_type\":\"play_dtmf_error\",\"error\":\"no line\"}}"
                + "],\"tool_calls\":[{\"type\":\"mcp\",\"tool_details\":{\"type\":\"mcp\",\"mcp_server_id\":\"m\","
                + "\"parameters\":{\"q\":1}}},{\"type\":\"smb\",\"tool_details\":{\"type\":\"carrier_pigeon\"}},"
                + "{\"type\":\"api_integration_webhook\",\"tool_details\":{\"type\":\"api_integration_webhook\","
                + "\"integration_id\":\"i\",\"webhook_details\":{\"type\":\"webhook\",\"method\":\"GET\","
                + "\"headers\":{\"X-Num\":5}}}}]}]}").data().transcript().get(0);
        List<ToolResult> results = turn.toolResults();
        assertThat(results.get(0)).isInstanceOf(ToolResult.Basic.class);
        assertThat(results.get(0).isError()).isTrue();
        assertThat(results.get(0).requestId()).isEqualTo("r1");
        assertThat(((ToolResult.ApiIntegrationWebhook) results.get(1)).credentialId()).isEqualTo("c");
        assertThat(((ToolResult.Workflow) results.get(2)).result().getJsonArray("steps")).hasSize(1);
        assertThat(results.get(3)).isInstanceOf(ToolResult.Other.class);
        assertThat(results.get(3).type().raw()).isEqualTo("teleport");
        assertThat(results.get(3).toolName()).isEqualTo("beam");
        assertThat(results.get(4).type()).isNull();
        ToolResult.SystemOutcome dtmf = ((ToolResult.SystemTool) results.get(5)).result();
        assertThat(dtmf.isSuccess()).isFalse();
        assertThat(dtmf.error()).isEqualTo("no line");

        ToolDetails.Mcp mcp = (ToolDetails.Mcp) turn.toolCalls().get(0).toolDetails();
        assertThat(mcp.mcpServerId()).isEqualTo("m");
        assertThat(mcp.parameters().getInt("q")).isEqualTo(1);
        assertThat(turn.toolCalls().get(1).toolDetails()).isEqualTo(new ToolDetails.Other("carrier_pigeon"));
        ToolDetails.ApiIntegrationWebhook integration =
                (ToolDetails.ApiIntegrationWebhook) turn.toolCalls().get(2).toolDetails();
        assertThat(integration.webhookDetails().method()).isEqualTo("GET");
        assertThat(integration.webhookDetails().headers()).containsExactly(entry("X-Num", "5"));
    }

    @Test
    void dataThatDoesNotFitTheModelFailsWhenReadEveryTime() throws Exception {
        TranscriptionEvent event = transcription("{\"transcript\":\"not a list\",\"agent_id\":\"a\"}");
        assertThat(event.agentId()).as("the envelope still reads").isEqualTo("a");
        assertThatThrownBy(event::data).isInstanceOf(MalformedDataException.class)
                .hasMessageContaining("TranscriptionData")
                .hasCauseInstanceOf(MalformedEventException.class);
        assertThatThrownBy(event::report).isInstanceOf(MalformedDataException.class);
        assertThatThrownBy(() -> transcription("{\"metadata\":[1,2]}").data()).isInstanceOf(MalformedDataException.class);
    }

    @Test
    void dataIsBoundOnceAndShared() throws Exception {
        TranscriptionEvent event = transcription("{\"transcript\":[{\"role\":\"user\"}]}");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<TranscriptionData>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return event.data();
                }));
            }
            start.countDown();
            TranscriptionData first = futures.get(0).get();
            for (Future<TranscriptionData> f : futures) {
                assertThat(f.get()).isSameAs(first);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(event.report()).isSameAs(event.report());
    }

    @Test
    void failureWithoutMetadataHasNoProvider() throws Exception {
        CallInitiationFailureEvent event = failure("{\"failure_reason\":\"declined-by-carrier\"}");
        assertThat(event.failureReason()).isEqualTo("declined-by-carrier");
        assertThat(event.reason()).isEqualTo(FailureReason.UNKNOWN);
        assertThat(event.provider()).isNull();
        assertThat(event.sipStatusCode()).isNull();
        assertThat(event.sip()).isNull();
        assertThat(event.twilio()).isNull();
        assertThat(failure("{}").failureReason()).isNull();
        assertThat(failure("{}").reason()).isEqualTo(FailureReason.UNKNOWN);
    }

    @Test
    void failureMetadataReadsNumbersAndStringsLeniently() throws Exception {
        CallInitiationFailureData.Sip sip = failure("{\"failure_reason\":\"busy\",\"metadata\":{\"type\":\"sip\","
                + "\"body\":{\"from_number\":34910000100,\"sip_status_code\":\"486\"}}}").sip();
        assertThat(sip.fromNumber()).isEqualTo("34910000100");
        assertThat(sip.sipStatusCode()).isEqualTo(486);
        assertThat(failure("{\"metadata\":{\"type\":\"sip\",\"body\":{\"sip_status_code\":486.0}}}").sipStatusCode())
                .isEqualTo(486);
        assertThat(failure("{\"metadata\":{\"type\":\"sip\",\"body\":{\"sip_status_code\":\"n/a\"}}}").sipStatusCode())
                .isNull();
        assertThat(failure("{\"metadata\":{\"type\":\"twilio\",\"body\":{\"SipResponseCode\":\"\"}}}").sipStatusCode())
                .isNull();
        CallInitiationFailureEvent other = failure("{\"metadata\":{\"type\":\"telnyx\",\"body\":{\"x\":1}}}");
        assertThat(other.provider()).isEqualTo("telnyx");
        assertThat(((CallInitiationFailureData.Other) other.data().metadata()).body().getInt("x")).isEqualTo(1);
    }

    @Test
    void failureDataThatDoesNotFitIsMalformedAtParse() {
        assertThatThrownBy(() -> failure("{\"metadata\":\"sip\"}"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("CallInitiationFailureData");
    }

    @Test
    void collectedValuesKeepTheirTypes() throws Exception {
        CallReport report = transcription("{\"analysis\":{\"data_collection_results\":{"
                + "\"s\":{\"value\":\"x\"},\"b\":{\"value\":false},\"i\":{\"value\":7},\"f\":{\"value\":2.5},"
                + "\"big\":{\"value\":12345678901234567890},\"n\":{\"value\":null},\"absent\":{}},"
                + "\"evaluation_criteria_results\":{\"z\":{\"result\":\"failure\"},\"a\":{\"result\":\"graded\"}}}}")
                .report();
        assertThat(report.collected()).containsExactly(entry("s", "x"), entry("b", false), entry("i", 7L),
                entry("f", 2.5), entry("big", new java.math.BigDecimal("12345678901234567890")), entry("n", null),
                entry("absent", null));
        assertThat(report.evaluations()).containsExactly(entry("z", Outcome.FAILURE), entry("a", Outcome.UNKNOWN));
    }

    @Test
    void listFormsOfAnalysisFillTheReportWhenTheMapsAreAbsent() throws Exception {
        CallReport report = transcription("{\"analysis\":{\"data_collection_results_list\":["
                + "{\"data_collection_id\":\"city\",\"value\":\"Oslo\"}],\"evaluation_criteria_results_list\":["
                + "{\"criteria_id\":\"polite\",\"result\":\"success\"}]}}").report();
        assertThat(report.collected()).containsExactly(entry("city", "Oslo"));
        assertThat(report.evaluations()).containsExactly(entry("polite", Outcome.SUCCESS));
    }

    @Test
    void startTimeBeyondInstantsRangeReadsAsAbsent() throws Exception {
        assertThat(transcription("{\"metadata\":{\"start_time_unix_secs\":9223372036854775807}}").report().startTime())
                .isNull();
    }

    @Test
    void userIdFallsBackToTheInitiationClientData() throws Exception {
        assertThat(transcription("{\"conversation_initiation_client_data\":{\"user_id\":\"u-9\"}}").report().userId())
                .isEqualTo("u-9");
    }

    @Test
    void flatAndWrappedTurnMetricsGiveTheSameLatencies() throws Exception {
        List<TranscriptTurn> turns = transcription("{\"transcript\":["
                + "{\"conversation_turn_metrics\":{\"ttfb\":{\"elapsed_time\":0.5}}},"
                + "{\"conversation_turn_metrics\":{\"metrics\":{\"ttfb\":{\"elapsed_time\":0.5}},\"convai_asr_provider\":\"x\"}}"
                + "]}").data().transcript();
        assertThat(turns.get(0).latencies()).containsExactly(entry("ttfb", 0.5));
        assertThat(turns.get(1).latencies()).containsExactly(entry("ttfb", 0.5));
    }
}
