package dev.postcall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.postcall.CallReport.Direction;
import dev.postcall.model.CallDirection;
import dev.postcall.model.CallResult;
import dev.postcall.model.ConversationInitiationClientData;
import dev.postcall.model.ConversationMetadata;
import dev.postcall.model.OpenEnum;
import dev.postcall.model.PhoneCall;
import dev.postcall.model.TranscriptTurn;
import dev.postcall.model.TranscriptionData;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link CallReports} from model records built in the test, without a body: what each report field says. */
class CallReportsTest {

    private static ConversationMetadata metadata(Double queueWaitSecs, PhoneCall call) {
        return new ConversationMetadata(1765202318L, null, 104, queueWaitSecs, 596L, null, null, null, null, call,
                null, null, null, null, "en", null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null);
    }

    private static PhoneCall twilio(String direction, String callResult) {
        return new PhoneCall.Twilio(direction == null ? null : OpenEnum.of(CallDirection.class, direction), "pn",
                "+14155550120", "+14155550176", callResult == null ? null : OpenEnum.of(CallResult.class, callResult),
                "MZ", "CA");
    }

    private static ConversationInitiationClientData client(Map<String, JsonValue> dynamicVariables) {
        return new ConversationInitiationClientData(null, null, "u-1", null, null, null, null, null, dynamicVariables);
    }

    private static CallReport report(ConversationMetadata meta, ConversationInitiationClientData client,
            Integer turns) {
        return CallReports.of("agent_1", "conv_1", null, meta, null, client, turns);
    }

    private static TranscriptionData data(List<TranscriptTurn> transcript, boolean sent) {
        return new TranscriptionData("agent_1", null, null, null, null, null, null, metadata(null, null), null, null,
                null, null, "conv_1", null, null, null, null, transcript, sent, null, null);
    }

    @Test
    void aCallWithoutATranscriptHasNoTurnCountNotZero() {
        CallReport notSent = CallReports.of(data(null, false), null, null);
        assertThat(notSent.transcriptSent()).isFalse();
        assertThat(notSent.turnCount()).isNull();
        assertThat(notSent.duration()).hasSeconds(104);

        CallReport empty = CallReports.of(data(List.of(), true), null, null);
        assertThat(empty.transcriptSent()).isTrue();
        assertThat(empty.turnCount()).isZero();
        assertThat(empty).isNotEqualTo(notSent);
    }

    @Test
    void theModelRefusesTurnsForATranscriptThatWasNotSent() {
        TranscriptTurn turn = new TranscriptTurn(null, null, "hello", null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        assertThatThrownBy(() -> data(List.of(turn), false)).isInstanceOf(IllegalArgumentException.class);
        assertThat(data(List.of(turn), true).transcript()).containsExactly(turn);
        assertThat(data(List.of(), false).transcriptSent()).isFalse();
    }

    @Test
    void anInboundCallNamesCallerCustomerAndAgent() {
        CallReport r = report(metadata(null, twilio("inbound", "answered")), null, 3);
        assertThat(r.direction()).isEqualTo(Direction.INBOUND);
        assertThat(r.callerNumber()).isEqualTo("+14155550176").isEqualTo(r.customerNumber());
        assertThat(r.calledNumber()).isEqualTo("+14155550120").isEqualTo(r.agentNumber());
        assertThat(r.callResult().value()).isEqualTo(CallResult.ANSWERED);
    }

    @Test
    void anOutboundCallNamesTheCustomerAsTheOneCalled() {
        CallReport r = report(metadata(null, twilio("outbound", "voicemail")), null, 3);
        assertThat(r.callerNumber()).isEqualTo("+14155550120").isEqualTo(r.agentNumber());
        assertThat(r.calledNumber()).isEqualTo("+14155550176").isEqualTo(r.customerNumber());
        assertThat(r.callResult().value()).isEqualTo(CallResult.VOICEMAIL);
    }

    @Test
    void anUnknownOrAbsentDirectionLeavesCallerAndCalledUnknownButNamesBothParties() {
        for (String direction : new String[] {"sideways", "unknown", null}) {
            Map<String, JsonValue> variables = new LinkedHashMap<>();
            variables.put("system__caller_id", Json.createValue("+19995550100"));
            variables.put("system__called_number", Json.createValue("+19995550101"));
            CallReport r = report(metadata(null, twilio(direction, "no_answer")), client(variables), 3);
            assertThat(r.direction()).as(direction).isEqualTo(Direction.UNKNOWN);
            assertThat(r.callerNumber()).as(direction).isNull();
            assertThat(r.calledNumber()).as(direction).isNull();
            assertThat(r.customerNumber()).as(direction).isEqualTo("+14155550176");
            assertThat(r.agentNumber()).as(direction).isEqualTo("+14155550120");
            assertThat(r.callResult().value()).isEqualTo(CallResult.NO_ANSWER);
        }
    }

    @Test
    void aConversationWithoutAPhoneCallHasNoNumbersAndNoCallResult() {
        CallReport r = report(metadata(12.0, null), null, 2);
        assertThat(r.direction()).isEqualTo(Direction.NONE);
        assertThat(r.customerNumber()).isNull();
        assertThat(r.agentNumber()).isNull();
        assertThat(r.callResult()).isNull();
        assertThat(report(null, null, 2).customerNumber()).isNull();
    }

    @Test
    void anUnknownCallResultKeepsItsRawValue() {
        CallReport r = report(metadata(null, twilio("inbound", "fax_tone")), null, 1);
        assertThat(r.callResult().isUnknown()).isTrue();
        assertThat(r.callResult().raw()).isEqualTo("fax_tone");
    }

    @Test
    void theQueueWaitIsItsOwnDurationBesideTheCallsDuration() {
        CallReport r = report(metadata(37.4, twilio("inbound", null)), null, 1);
        assertThat(r.queueWait()).isEqualTo(Duration.ofMillis(37_400));
        assertThat(r.duration()).isEqualTo(Duration.ofSeconds(104));
        assertThat(r.callResult()).isNull();
        assertThat(report(metadata(null, null), null, 1).queueWait()).isNull();
        assertThat(report(metadata(Double.NaN, null), null, 1).queueWait()).isNull();
    }

    @Test
    void dynamicVariablesOfEveryJsonTypeAreReadInOrderObjectsAndArraysAsJson() {
        Map<String, JsonValue> variables = new LinkedHashMap<>();
        variables.put("policy", Json.createObjectBuilder().add("tier", "gold").add("seats", 3).build());
        variables.put("products", Json.createArrayBuilder().add("home").add(2).build());
        variables.put("name", Json.createValue("Dana"));
        variables.put("count", Json.createValue(7));
        variables.put("ratio", Json.createValue(0.5));
        variables.put("vip", JsonValue.TRUE);
        variables.put("broker", JsonValue.NULL);
        CallReport r = report(null, client(variables), 1);

        assertThat(r.dynamicVariables()).containsExactly(
                entry("policy", variables.get("policy")), entry("products", variables.get("products")),
                entry("name", "Dana"), entry("count", 7L), entry("ratio", 0.5), entry("vip", true),
                entry("broker", null));
        assertThat(r.dynamicVariables().get("policy").toString()).isEqualTo("{\"tier\":\"gold\",\"seats\":3}");
        assertThat(r.dynamicVariables().get("products").toString()).isEqualTo("[\"home\",2]");
        assertThat(r.userId()).isEqualTo("u-1");
        assertThat(report(null, null, 1).dynamicVariables()).isEmpty();
    }
}
