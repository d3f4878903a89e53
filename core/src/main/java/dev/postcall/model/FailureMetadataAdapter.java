package dev.postcall.model;

import dev.postcall.model.CallInitiationFailureData.FailureMetadata;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.bind.adapter.JsonbAdapter;

import java.util.Map;

/**
 * Binds a failure's {@code metadata} ({@code {type, body}}) and reads {@code body} by {@code type}, leniently:
 * numbers may come as strings and strings as numbers; writes it back as {@code {type, body}}.
 * Internal to postcall, public only because JSON-B creates it (Yasson refuses non-public classes); left out of the
 * Javadoc.
 *
 * @hidden
 */
public final class FailureMetadataAdapter implements JsonbAdapter<FailureMetadata, FailureMetadataAdapter.AnyMetadata> {

    /** Created by JSON-B. */
    public FailureMetadataAdapter() {
    }

    /**
     * The metadata as sent. Internal.
     *
     * @hidden
     *
     * @param type tag
     * @param body the provider's fields
     */
    public record AnyMetadata(String type, JsonObject body) {
    }

    @Override
    public AnyMetadata adaptToJson(FailureMetadata metadata) {
        if (metadata instanceof CallInitiationFailureData.Sip) {
            return new AnyMetadata("sip", ((CallInitiationFailureData.Sip) metadata).body());
        }
        if (metadata instanceof CallInitiationFailureData.Twilio) {
            JsonObjectBuilder body = Json.createObjectBuilder();
            ((CallInitiationFailureData.Twilio) metadata).body().forEach((k, v) -> {
                if (v == null) {
                    body.addNull(k);
                } else {
                    body.add(k, v);
                }
            });
            return new AnyMetadata("twilio", body.build());
        }
        if (metadata instanceof CallInitiationFailureData.Other) {
            return new AnyMetadata(metadata.type(), ((CallInitiationFailureData.Other) metadata).body());
        }
        return null;
    }

    @Override
    public FailureMetadata adaptFromJson(AnyMetadata m) {
        if (m == null) {
            return null;
        }
        JsonObject body = m.body();
        if ("sip".equals(m.type())) {
            return new CallInitiationFailureData.Sip(JsonText.text(body, "from_number"),
                    JsonText.text(body, "to_number"),
                    body == null ? null : JsonText.integer(body.get("sip_status_code")),
                    JsonText.text(body, "error_reason"), JsonText.text(body, "call_sid"),
                    JsonText.text(body, "twirp_code"), JsonText.text(body, "sip_status"), body);
        }
        if ("twilio".equals(m.type())) {
            return new CallInitiationFailureData.Twilio(body == null ? Map.of() : JsonText.texts(body));
        }
        if (body == null) {
            return new CallInitiationFailureData.Other(m.type(), null, null, null, null, null);
        }
        return new CallInitiationFailureData.Other(m.type(),
                either(JsonText.text(body, "from_number"), JsonText.text(body, "From")),
                either(JsonText.text(body, "to_number"), JsonText.text(body, "To")),
                either(JsonText.integer(body.get("sip_status_code")), JsonText.integer(body.get("SipResponseCode"))),
                either(JsonText.text(body, "call_sid"), JsonText.text(body, "CallSid")),
                body);
    }

    private static <T> T either(T first, T second) {
        return first != null ? first : second;
    }
}
