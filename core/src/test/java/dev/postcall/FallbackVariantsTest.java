package dev.postcall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postcall.CallReport.Direction;
import dev.postcall.model.CallDirection;
import dev.postcall.model.CallInitiationFailureData;
import dev.postcall.model.CallInitiationFailureData.FailureMetadata;
import dev.postcall.model.PhoneCall;
import dev.postcall.model.ToolResult;
import dev.postcall.model.ToolType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A tagged union whose tag postcall does not know yet (a new telephony provider, a new failure provider, a new tool
 * type) still gives what its known variants share, so a report of such a call still says who called whom.
 */
class FallbackVariantsTest {

    private final EventParser parser = new EventParser();

    private PostCallEvent parse(String type, String data) throws MalformedEventException {
        String body = "{\"type\":\"" + type + "\",\"event_timestamp\":1761400000,\"data\":" + data + "}";
        return parser.parse(BodySource.ofBytes(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static final String VONAGE_CALL = "{\"agent_id\":\"agent_v\",\"conversation_id\":\"conv_v\","
            + "\"transcript\":[{\"role\":\"user\",\"message\":\"hello\"}],"
            + "\"metadata\":{\"start_time_unix_secs\":1761400000,\"call_duration_secs\":12,"
            + "\"phone_call\":{\"type\":\"vonage\",\"direction\":\"inbound\",\"phone_number_id\":\"pn_1\","
            + "\"agent_number\":\"+14155550100\",\"external_number\":\"+14155550199\",\"call_sid\":\"VON-42\","
            + "\"stream_sid\":\"S-1\",\"vonage_uuid\":\"u-1\"}}}";

    @Test
    void aPhoneCallOfAnUnknownProviderKeepsNumbersDirectionAndIds() throws Exception {
        TranscriptionEvent event = (TranscriptionEvent) parse("post_call_transcription", VONAGE_CALL);

        PhoneCall call = event.data().metadata().phoneCall();
        assertThat(call).isInstanceOf(PhoneCall.Other.class);
        assertThat(call.type()).isEqualTo("vonage");
        assertThat(call.direction().value()).isEqualTo(CallDirection.INBOUND);
        assertThat(call.agentNumber()).isEqualTo("+14155550100");
        assertThat(call.externalNumber()).isEqualTo("+14155550199");
        assertThat(call.phoneNumberId()).isEqualTo("pn_1");
        assertThat(call.callSid()).isEqualTo("VON-42");
    }

    @Test
    void theReportOfACallThroughAnUnknownProviderSaysWhoCalledWhom() throws Exception {
        // report() alone binds only its parts: check that path, and the one after data()
        CallReport alone = ((TranscriptionEvent) parse("post_call_transcription", VONAGE_CALL)).report();
        TranscriptionEvent whole = (TranscriptionEvent) parse("post_call_transcription", VONAGE_CALL);
        whole.data();
        for (CallReport report : new CallReport[] {alone, whole.report()}) {
            assertThat(report.callerNumber()).isEqualTo("+14155550199");
            assertThat(report.calledNumber()).isEqualTo("+14155550100");
            assertThat(report.direction()).isEqualTo(Direction.INBOUND);
            assertThat(report.duration()).hasSeconds(12);
        }
        String outbound = VONAGE_CALL.replace("\"inbound\"", "\"outbound\"");
        CallReport out = ((TranscriptionEvent) parse("post_call_transcription", outbound)).report();
        assertThat(out.callerNumber()).isEqualTo("+14155550100");
        assertThat(out.calledNumber()).isEqualTo("+14155550199");
        assertThat(out.direction()).isEqualTo(Direction.OUTBOUND);
    }

    @Test
    void failureMetadataOfAnUnknownProviderReadsTheSipSpelling() throws Exception {
        CallInitiationFailureEvent event = (CallInitiationFailureEvent) parse("call_initiation_failure",
                "{\"conversation_id\":\"conv_f\",\"failure_reason\":\"busy\",\"metadata\":{\"type\":\"telnyx\","
                        + "\"body\":{\"from_number\":\"+14155550100\",\"to_number\":14155550123,"
                        + "\"sip_status_code\":\"503\",\"call_sid\":\"tx-9\",\"telnyx_leg\":\"a\"}}}");

        FailureMetadata metadata = event.data().metadata();
        assertThat(metadata).isInstanceOf(CallInitiationFailureData.Other.class);
        assertThat(event.provider()).isEqualTo("telnyx");
        assertThat(metadata.fromNumber()).isEqualTo("+14155550100");
        assertThat(metadata.toNumber()).isEqualTo("14155550123");
        assertThat(metadata.sipStatusCode()).isEqualTo(503);
        assertThat(event.sipStatusCode()).isEqualTo(503);
        assertThat(metadata.callSid()).isEqualTo("tx-9");
        assertThat(((CallInitiationFailureData.Other) metadata).body().getString("telnyx_leg")).isEqualTo("a");
    }

    @Test
    void failureMetadataOfAnUnknownProviderReadsTheTwilioSpelling() throws Exception {
        FailureMetadata metadata = ((CallInitiationFailureEvent) parse("call_initiation_failure",
                "{\"metadata\":{\"type\":\"plivo\",\"body\":{\"From\":\"+442079460001\",\"To\":\"+442079460002\","
                        + "\"SipResponseCode\":\"480\",\"CallSid\":\"PL-1\"}}}")).data().metadata();
        assertThat(metadata.fromNumber()).isEqualTo("+442079460001");
        assertThat(metadata.toNumber()).isEqualTo("+442079460002");
        assertThat(metadata.sipStatusCode()).isEqualTo(480);
        assertThat(metadata.callSid()).isEqualTo("PL-1");
    }

    @Test
    void failureMetadataOfAnUnknownProviderWithoutABodyAnswersNull() throws Exception {
        FailureMetadata metadata = ((CallInitiationFailureEvent) parse("call_initiation_failure",
                "{\"metadata\":{\"type\":\"pigeon\"}}")).data().metadata();
        assertThat(metadata).isEqualTo(new CallInitiationFailureData.Other("pigeon", null, null, null, null, null));
    }

    @Test
    void theKnownFailureProvidersAnswerTheSharedMembersToo() throws Exception {
        FailureMetadata sip = ((CallInitiationFailureEvent) parse("call_initiation_failure",
                "{\"metadata\":{\"type\":\"sip\",\"body\":{\"from_number\":\"+1\",\"to_number\":\"+2\","
                        + "\"call_sid\":\"c\"}}}")).data().metadata();
        FailureMetadata twilio = ((CallInitiationFailureEvent) parse("call_initiation_failure",
                "{\"metadata\":{\"type\":\"twilio\",\"body\":{\"From\":\"+1\",\"To\":\"+2\",\"CallSid\":\"c\"}}}"))
                .data().metadata();
        for (FailureMetadata m : new FailureMetadata[] {sip, twilio}) {
            assertThat(m.fromNumber()).isEqualTo("+1");
            assertThat(m.toNumber()).isEqualTo("+2");
            assertThat(m.callSid()).isEqualTo("c");
        }
    }

    @Test
    void aToolResultOfAnUnknownTypeKeepsItsCommonFieldsResultAndIntegrationIds() throws Exception {
        TranscriptionEvent event = (TranscriptionEvent) parse("post_call_transcription",
                "{\"transcript\":[{\"role\":\"agent\",\"tool_results\":[{\"type\":\"quantum\",\"request_id\":\"r9\","
                        + "\"tool_name\":\"entangle\",\"result_value\":\"{}\",\"is_error\":false,"
                        + "\"integration_id\":\"int_1\",\"result\":{\"result_type\":\"entangled\",\"qubits\":2}}]}]}");

        ToolResult result = event.data().transcript().get(0).toolResults().get(0);
        assertThat(result).isInstanceOf(ToolResult.Other.class);
        assertThat(result.type().value()).isEqualTo(ToolType.UNKNOWN);
        assertThat(result.type().raw()).isEqualTo("quantum");
        assertThat(result.requestId()).isEqualTo("r9");
        assertThat(result.toolName()).isEqualTo("entangle");
        ToolResult.Other other = (ToolResult.Other) result;
        assertThat(other.integrationId()).isEqualTo("int_1");
        assertThat(other.result().getInt("qubits")).isEqualTo(2);
    }
}
