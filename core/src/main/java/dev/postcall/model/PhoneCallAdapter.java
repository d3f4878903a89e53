package dev.postcall.model;

import dev.postcall.internal.json.OrderedMapDeserializer;
import jakarta.json.JsonValue;
import jakarta.json.bind.adapter.JsonbAdapter;
import jakarta.json.bind.annotation.JsonbTypeDeserializer;

import java.util.Map;

/**
 * Binds {@code metadata.phone_call} through one record holding every variant's members, then picks the variant by
 * {@code type}; writes a variant back the same way.
 * Internal to postcall, public only because JSON-B creates it (Yasson refuses non-public classes); left out of the
 * Javadoc.
 *
 * @hidden
 */
public final class PhoneCallAdapter implements JsonbAdapter<PhoneCall, PhoneCallAdapter.AnyPhoneCall> {

    /** Created by JSON-B. */
    public PhoneCallAdapter() {
    }

    /**
     * Every member any variant of {@code phone_call} has. Internal.
     *
     * @hidden
     *
     * @param type                      tag
     * @param direction                 all
     * @param phoneNumberId             all
     * @param agentNumber               all
     * @param externalNumber            all
     * @param callResult                all
     * @param streamSid                 Twilio and Exotel
     * @param callSid                   all
     * @param callId                    SIP trunk
     * @param sipHeaderDynamicVariables SIP trunk
     */
    public record AnyPhoneCall(
            String type,
            OpenEnum<CallDirection> direction,
            String phoneNumberId,
            String agentNumber,
            String externalNumber,
            OpenEnum<CallResult> callResult,
            String streamSid,
            String callSid,
            String callId,
            @JsonbTypeDeserializer(OrderedMapDeserializer.class) Map<String, JsonValue> sipHeaderDynamicVariables) {
    }

    @Override
    public AnyPhoneCall adaptToJson(PhoneCall call) {
        if (call == null) {
            return null;
        }
        String streamSid = null;
        String callId = null;
        Map<String, JsonValue> headers = null;
        if (call instanceof PhoneCall.Twilio) {
            streamSid = ((PhoneCall.Twilio) call).streamSid();
        } else if (call instanceof PhoneCall.Exotel) {
            streamSid = ((PhoneCall.Exotel) call).streamSid();
        } else if (call instanceof PhoneCall.SipTrunk) {
            callId = ((PhoneCall.SipTrunk) call).callId();
            headers = JsonText.values(((PhoneCall.SipTrunk) call).sipHeaderDynamicVariables());
        }
        return new AnyPhoneCall(call.type(), call.direction(), call.phoneNumberId(), call.agentNumber(),
                call.externalNumber(), call.callResult(), streamSid, call.callSid(), callId, headers);
    }

    @Override
    public PhoneCall adaptFromJson(AnyPhoneCall c) {
        if (c == null) {
            return null;
        }
        if ("twilio".equals(c.type())) {
            return new PhoneCall.Twilio(c.direction(), c.phoneNumberId(), c.agentNumber(), c.externalNumber(),
                    c.callResult(), c.streamSid(), c.callSid());
        }
        if ("sip_trunking".equals(c.type())) {
            return new PhoneCall.SipTrunk(c.direction(), c.phoneNumberId(), c.agentNumber(), c.externalNumber(),
                    c.callResult(), c.callId(), c.callSid(), JsonText.texts(c.sipHeaderDynamicVariables()));
        }
        if ("exotel".equals(c.type())) {
            return new PhoneCall.Exotel(c.direction(), c.phoneNumberId(), c.agentNumber(), c.externalNumber(),
                    c.callResult(), c.streamSid(), c.callSid());
        }
        return new PhoneCall.Other(c.type(), c.direction(), c.phoneNumberId(), c.agentNumber(), c.externalNumber(),
                c.callResult(), c.callSid());
    }
}
