package dev.postcall.model;

import jakarta.json.bind.annotation.JsonbTypeAdapter;

import java.util.Map;

/**
 * The telephony side of a conversation ({@code metadata.phone_call}), one variant per {@code type}; a type postcall
 * does not know gives {@link Other} with the members all variants share. {@code agentNumber} is the ElevenLabs
 * side, {@code externalNumber} the other party: the caller on inbound calls, the callee on outbound ones, and still
 * the other party when the direction is one postcall does not know.
 */
@JsonbTypeAdapter(PhoneCallAdapter.class)
public sealed interface PhoneCall permits PhoneCall.Twilio, PhoneCall.SipTrunk, PhoneCall.Exotel, PhoneCall.Other {

    /** {@code type} exactly as sent ({@code twilio}, {@code sip_trunking}, {@code exotel}, ...). */
    String type();

    /** {@code direction}: inbound or outbound. */
    OpenEnum<CallDirection> direction();

    /** {@code phone_number_id}: the ElevenLabs phone number's id. */
    String phoneNumberId();

    /** {@code agent_number}: the ElevenLabs-side number. */
    String agentNumber();

    /** {@code external_number}: the other party's number. */
    String externalNumber();

    /**
     * {@code call_result}: whether the call was answered, reached voicemail, was busy, unanswered or failed;
     * {@code null} when not sent.
     */
    OpenEnum<CallResult> callResult();

    /** {@code call_sid}: the provider's call id. */
    String callSid();

    /**
     * A call through Twilio.
     *
     * @param direction      {@code direction}
     * @param phoneNumberId  {@code phone_number_id}
     * @param agentNumber    {@code agent_number}
     * @param externalNumber {@code external_number}
     * @param callResult     {@code call_result}
     * @param streamSid      {@code stream_sid}
     * @param callSid        {@code call_sid}
     */
    record Twilio(OpenEnum<CallDirection> direction, String phoneNumberId, String agentNumber, String externalNumber,
                  OpenEnum<CallResult> callResult, String streamSid, String callSid) implements PhoneCall {
        @Override
        public String type() {
            return "twilio";
        }
    }

    /**
     * A call through a SIP trunk.
     *
     * @param direction                 {@code direction}
     * @param phoneNumberId             {@code phone_number_id}
     * @param agentNumber               {@code agent_number}
     * @param externalNumber            {@code external_number}
     * @param callResult                {@code call_result}
     * @param callId                    {@code call_id}: the SIP Call-ID
     * @param callSid                   {@code call_sid}
     * @param sipHeaderDynamicVariables {@code sip_header_dynamic_variables}; never {@code null}
     */
    record SipTrunk(OpenEnum<CallDirection> direction, String phoneNumberId, String agentNumber,
                    String externalNumber, OpenEnum<CallResult> callResult, String callId, String callSid,
                    Map<String, String> sipHeaderDynamicVariables) implements PhoneCall {
        /** Replaces an absent map with an empty one. */
        public SipTrunk {
            sipHeaderDynamicVariables = Immutable.map(sipHeaderDynamicVariables);
        }

        @Override
        public String type() {
            return "sip_trunking";
        }
    }

    /**
     * A call through Exotel.
     *
     * @param direction      {@code direction}
     * @param phoneNumberId  {@code phone_number_id}
     * @param agentNumber    {@code agent_number}
     * @param externalNumber {@code external_number}
     * @param callResult     {@code call_result}
     * @param streamSid      {@code stream_sid}
     * @param callSid        {@code call_sid}
     */
    record Exotel(OpenEnum<CallDirection> direction, String phoneNumberId, String agentNumber, String externalNumber,
                  OpenEnum<CallResult> callResult, String streamSid, String callSid) implements PhoneCall {
        @Override
        public String type() {
            return "exotel";
        }
    }

    /**
     * A provider postcall does not know; the shared members are still read.
     *
     * @param type           {@code type} as sent, or {@code null} when absent
     * @param direction      {@code direction}
     * @param phoneNumberId  {@code phone_number_id}
     * @param agentNumber    {@code agent_number}
     * @param externalNumber {@code external_number}
     * @param callResult     {@code call_result}
     * @param callSid        {@code call_sid}
     */
    record Other(String type, OpenEnum<CallDirection> direction, String phoneNumberId, String agentNumber,
                 String externalNumber, OpenEnum<CallResult> callResult, String callSid) implements PhoneCall {
    }
}
