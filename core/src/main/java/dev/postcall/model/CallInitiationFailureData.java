package dev.postcall.model;

import jakarta.json.JsonObject;
import jakarta.json.bind.annotation.JsonbTypeAdapter;

import java.util.Map;

/**
 * The {@code data} of a {@code call_initiation_failure} webhook: an outbound call that never connected.
 *
 * @param agentId        {@code agent_id}
 * @param conversationId {@code conversation_id}
 * @param failureReason  {@code failure_reason}: busy, no-answer, unknown, or newer values
 * @param metadata       {@code metadata}: the provider's details; {@code null} when absent
 */
public record CallInitiationFailureData(
        String agentId,
        String conversationId,
        OpenEnum<FailureReason> failureReason,
        FailureMetadata metadata) {

    /**
     * The provider's details of a failed call ({@code metadata}, tagged by {@code type}); a provider postcall does
     * not know gives {@link Other}, which still reads the members the known providers share. Every variant answers
     * who was called from where, the provider's call id and the SIP status.
     */
    @JsonbTypeAdapter(FailureMetadataAdapter.class)
    public sealed interface FailureMetadata permits Sip, Twilio, Other {

        /** {@code type} exactly as sent ({@code sip}, {@code twilio}, ...). */
        String type();

        /** The SIP status code the provider reported, or {@code null}. */
        Integer sipStatusCode();

        /** The number the call was placed from, or {@code null}. */
        String fromNumber();

        /** The number that was called, or {@code null}. */
        String toNumber();

        /** The provider's call id, or {@code null}. */
        String callSid();
    }

    /**
     * A SIP trunk's report ({@code type = sip}); numbers sent as JSON numbers or strings are both read.
     *
     * @param fromNumber    {@code body.from_number}
     * @param toNumber      {@code body.to_number}
     * @param sipStatusCode {@code body.sip_status_code}, e.g. 486
     * @param errorReason   {@code body.error_reason}
     * @param callSid       {@code body.call_sid}
     * @param twirpCode     {@code body.twirp_code}
     * @param sipStatus     {@code body.sip_status}, e.g. {@code Busy here}
     * @param body          the whole {@code body}, as raw JSON
     */
    public record Sip(String fromNumber, String toNumber, Integer sipStatusCode, String errorReason, String callSid,
                      String twirpCode, String sipStatus, JsonObject body) implements FailureMetadata {
        @Override
        public String type() {
            return "sip";
        }
    }

    /**
     * Twilio's status callback ({@code type = twilio}): every value is a string, kept as sent.
     *
     * @param body the callback's fields ({@code CallSid}, {@code CallStatus}, {@code SipResponseCode}, ...), in
     *             payload order; never {@code null}
     */
    public record Twilio(Map<String, String> body) implements FailureMetadata {

        /** Replaces an absent map with an empty one. */
        public Twilio {
            body = Immutable.map(body);
        }

        @Override
        public String type() {
            return "twilio";
        }

        /** One callback field as sent, or {@code null}. */
        public String get(String name) {
            return body.get(name);
        }

        /** {@code CallSid} */
        @Override
        public String callSid() {
            return body.get("CallSid");
        }

        /** {@code CallStatus}: {@code busy}, {@code no-answer}, {@code failed}, {@code canceled}, ... */
        public String callStatus() {
            return body.get("CallStatus");
        }

        /** {@code From} */
        public String from() {
            return body.get("From");
        }

        /** {@code To} */
        public String to() {
            return body.get("To");
        }

        /** {@code From}, as {@link FailureMetadata#fromNumber()}. */
        @Override
        public String fromNumber() {
            return from();
        }

        /** {@code To}, as {@link FailureMetadata#toNumber()}. */
        @Override
        public String toNumber() {
            return to();
        }

        /** {@code AccountSid} */
        public String accountSid() {
            return body.get("AccountSid");
        }

        /** {@code SipResponseCode} as a number ({@code "480"} is 480), or {@code null}. */
        @Override
        public Integer sipStatusCode() {
            String code = body.get("SipResponseCode");
            if (code == null) {
                return null;
            }
            try {
                return Integer.valueOf(code.strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    /**
     * A provider postcall does not know. The members the known providers share are read from {@code body} under
     * either provider's spelling: SIP's ({@code from_number}, {@code to_number}, {@code sip_status_code},
     * {@code call_sid}) first, then Twilio's ({@code From}, {@code To}, {@code SipResponseCode}, {@code CallSid});
     * numbers sent as JSON numbers or strings are both read.
     *
     * @param type          {@code type} as sent, or {@code null} when absent
     * @param fromNumber    the number called from, or {@code null}
     * @param toNumber      the number called, or {@code null}
     * @param sipStatusCode the SIP status, or {@code null}
     * @param callSid       the provider's call id, or {@code null}
     * @param body          {@code body}, as raw JSON, or {@code null}
     */
    public record Other(String type, String fromNumber, String toNumber, Integer sipStatusCode, String callSid,
                        JsonObject body) implements FailureMetadata {
    }
}
