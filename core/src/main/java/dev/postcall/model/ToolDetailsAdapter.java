package dev.postcall.model;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import dev.postcall.internal.json.OrderedMapDeserializer;
import jakarta.json.JsonValue;
import jakarta.json.bind.adapter.JsonbAdapter;
import jakarta.json.bind.annotation.JsonbTypeDeserializer;

import java.util.Map;

/**
 * Binds {@code tool_details} through one record holding every variant's members, then picks the variant by
 * {@code type}; writes a variant back the same way.
 * Internal to postcall, public only because JSON-B creates it (Yasson refuses non-public classes); left out of the
 * Javadoc.
 *
 * @hidden
 */
public final class ToolDetailsAdapter implements JsonbAdapter<ToolDetails, ToolDetailsAdapter.AnyToolDetails> {

    /** Created by JSON-B. */
    public ToolDetailsAdapter() {
    }

    /**
     * Every member any variant of {@code tool_details} has. Internal.
     *
     * @hidden
     *
     * @param type                    tag
     * @param method                  webhook
     * @param url                     webhook
     * @param headers                 webhook
     * @param pathParams              webhook
     * @param queryParams             webhook
     * @param body                    webhook
     * @param parameters              client (text) or MCP (object)
     * @param mcpServerId             MCP
     * @param mcpServerName           MCP
     * @param integrationType         MCP
     * @param approvalPolicy          MCP
     * @param requiresApproval        MCP
     * @param mcpToolName             MCP
     * @param mcpToolDescription      MCP
     * @param integrationId           API integration
     * @param credentialId            API integration
     * @param integrationConnectionId API integration
     * @param webhookDetails          API integration
     */
    public record AnyToolDetails(
            String type,
            String method,
            String url,
            @JsonbTypeDeserializer(OrderedMapDeserializer.class) Map<String, JsonValue> headers,
            @JsonbTypeDeserializer(OrderedMapDeserializer.class) Map<String, JsonValue> pathParams,
            @JsonbTypeDeserializer(OrderedMapDeserializer.class) Map<String, JsonValue> queryParams,
            String body,
            JsonValue parameters,
            String mcpServerId,
            String mcpServerName,
            String integrationType,
            String approvalPolicy,
            Boolean requiresApproval,
            String mcpToolName,
            String mcpToolDescription,
            String integrationId,
            String credentialId,
            String integrationConnectionId,
            AnyToolDetails webhookDetails) {
    }

    @Override
    public AnyToolDetails adaptToJson(ToolDetails details) {
        if (details instanceof ToolDetails.Webhook) {
            ToolDetails.Webhook w = (ToolDetails.Webhook) details;
            return new AnyToolDetails("webhook", w.method(), w.url(), JsonText.values(w.headers()),
                    JsonText.values(w.pathParams()), JsonText.values(w.queryParams()), w.body(), null, null, null, null,
                    null, null, null, null, null, null, null, null);
        }
        if (details instanceof ToolDetails.Client) {
            String parameters = ((ToolDetails.Client) details).parameters();
            return new AnyToolDetails("client", null, null, null, null, null, null,
                    parameters == null ? null : Json.createValue(parameters), null, null, null, null, null, null, null,
                    null, null, null, null);
        }
        if (details instanceof ToolDetails.Mcp) {
            ToolDetails.Mcp m = (ToolDetails.Mcp) details;
            return new AnyToolDetails("mcp", null, null, null, null, null, null, m.parameters(), m.mcpServerId(),
                    m.mcpServerName(), m.integrationType(), m.approvalPolicy(), m.requiresApproval(), m.mcpToolName(),
                    m.mcpToolDescription(), null, null, null, null);
        }
        if (details instanceof ToolDetails.ApiIntegrationWebhook) {
            ToolDetails.ApiIntegrationWebhook a = (ToolDetails.ApiIntegrationWebhook) details;
            return new AnyToolDetails("api_integration_webhook", null, null, null, null, null, null, null, null, null,
                    null, null, null, null, null, a.integrationId(), a.credentialId(), a.integrationConnectionId(),
                    adaptToJson(a.webhookDetails()));
        }
        return details == null ? null : new AnyToolDetails(details.type(), null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null);
    }

    @Override
    public ToolDetails adaptFromJson(AnyToolDetails d) {
        if (d == null) {
            return null;
        }
        String type = d.type();
        if ("webhook".equals(type)) {
            return webhook(d);
        }
        if ("client".equals(type)) {
            return new ToolDetails.Client(d.parameters() instanceof JsonObject ? d.parameters().toString()
                    : JsonText.text(d.parameters()));
        }
        if ("mcp".equals(type)) {
            return new ToolDetails.Mcp(d.mcpServerId(), d.mcpServerName(), d.integrationType(), d.approvalPolicy(),
                    d.parameters() instanceof JsonObject ? (JsonObject) d.parameters() : null,
                    d.requiresApproval(), d.mcpToolName(), d.mcpToolDescription());
        }
        if ("api_integration_webhook".equals(type)) {
            return new ToolDetails.ApiIntegrationWebhook(d.integrationId(), d.credentialId(),
                    d.integrationConnectionId(), d.webhookDetails() == null ? null : webhook(d.webhookDetails()));
        }
        return new ToolDetails.Other(type);
    }

    private static ToolDetails.Webhook webhook(AnyToolDetails d) {
        return new ToolDetails.Webhook(d.method(), d.url(), JsonText.texts(d.headers()),
                JsonText.texts(d.pathParams()), JsonText.texts(d.queryParams()), d.body());
    }
}
