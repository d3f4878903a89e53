package dev.postcall.model;

import jakarta.json.JsonObject;
import jakarta.json.bind.annotation.JsonbTypeAdapter;

import java.util.Map;

/**
 * How a called tool was reached ({@code tool_details}), one variant per {@code type}; a type postcall does not know
 * gives {@link Other}.
 */
@JsonbTypeAdapter(ToolDetailsAdapter.class)
public sealed interface ToolDetails
        permits ToolDetails.Webhook, ToolDetails.Client, ToolDetails.Mcp, ToolDetails.ApiIntegrationWebhook,
        ToolDetails.Other {

    /** The {@code type} exactly as sent. */
    String type();

    /**
     * An HTTP request to the user's server ({@code type = webhook}).
     *
     * @param method      {@code method}
     * @param url         {@code url}
     * @param headers     {@code headers}; never {@code null}
     * @param pathParams  {@code path_params}; never {@code null}
     * @param queryParams {@code query_params}; never {@code null}
     * @param body        {@code body}: the request body as text
     */
    record Webhook(String method, String url, Map<String, String> headers, Map<String, String> pathParams,
                   Map<String, String> queryParams, String body) implements ToolDetails {
        /** Replaces absent maps with empty ones. */
        public Webhook {
            headers = Immutable.map(headers);
            pathParams = Immutable.map(pathParams);
            queryParams = Immutable.map(queryParams);
        }

        @Override
        public String type() {
            return "webhook";
        }
    }

    /**
     * A tool run by the client application ({@code type = client}).
     *
     * @param parameters {@code parameters}, as text
     */
    record Client(String parameters) implements ToolDetails {
        @Override
        public String type() {
            return "client";
        }
    }

    /**
     * A tool on an MCP server ({@code type = mcp}).
     *
     * @param mcpServerId        {@code mcp_server_id}
     * @param mcpServerName      {@code mcp_server_name}
     * @param integrationType    {@code integration_type}
     * @param approvalPolicy     {@code approval_policy}
     * @param parameters         {@code parameters}, as raw JSON
     * @param requiresApproval   {@code requires_approval}
     * @param mcpToolName        {@code mcp_tool_name}
     * @param mcpToolDescription {@code mcp_tool_description}
     */
    record Mcp(String mcpServerId, String mcpServerName, String integrationType, String approvalPolicy,
               JsonObject parameters, Boolean requiresApproval, String mcpToolName, String mcpToolDescription)
            implements ToolDetails {
        @Override
        public String type() {
            return "mcp";
        }
    }

    /**
     * A webhook through an API integration ({@code type = api_integration_webhook}).
     *
     * @param integrationId           {@code integration_id}
     * @param credentialId            {@code credential_id}
     * @param integrationConnectionId {@code integration_connection_id}
     * @param webhookDetails          {@code webhook_details}
     */
    record ApiIntegrationWebhook(String integrationId, String credentialId, String integrationConnectionId,
                                 Webhook webhookDetails) implements ToolDetails {
        @Override
        public String type() {
            return "api_integration_webhook";
        }
    }

    /**
     * Details of a kind postcall does not know; read them from the event's raw body.
     *
     * @param type {@code type} as sent, or {@code null} when absent
     */
    record Other(String type) implements ToolDetails {
    }
}
