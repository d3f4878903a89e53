package dev.postcall.model;

import jakarta.json.JsonObject;
import jakarta.json.bind.adapter.JsonbAdapter;

import java.util.List;

/**
 * Binds a tool result through one record holding every variant's members, then picks the variant by {@code type};
 * writes a variant back the same way.
 * Internal to postcall, public only because JSON-B creates it (Yasson refuses non-public classes); left out of the
 * Javadoc.
 *
 * @hidden
 */
public final class ToolResultAdapter implements JsonbAdapter<ToolResult, ToolResultAdapter.AnyToolResult> {

    /** Created by JSON-B. */
    public ToolResultAdapter() {
    }

    /**
     * Every member any variant of a tool result has. Internal.
     *
     * @hidden
     *
     * @param type                    tag
     * @param requestId               common
     * @param toolName                common
     * @param resultValue             common
     * @param isError                 common
     * @param isBlocked               common
     * @param toolHasBeenCalled       common
     * @param toolLatencySecs         common
     * @param errorType               common
     * @param rawErrorMessage         common
     * @param dynamicVariableUpdates  common
     * @param result                  system and workflow
     * @param integrationId           API integration
     * @param credentialId            API integration
     * @param integrationConnectionId API integration
     */
    public record AnyToolResult(
            OpenEnum<ToolType> type,
            String requestId,
            String toolName,
            String resultValue,
            Boolean isError,
            Boolean isBlocked,
            Boolean toolHasBeenCalled,
            Double toolLatencySecs,
            String errorType,
            String rawErrorMessage,
            List<ToolResult.DynamicVariableUpdate> dynamicVariableUpdates,
            JsonObject result,
            String integrationId,
            String credentialId,
            String integrationConnectionId) {
    }

    @Override
    public AnyToolResult adaptToJson(ToolResult result) {
        if (result == null) {
            return null;
        }
        ToolResult.Common c = result.common();
        JsonObject detail = null;
        String integrationId = null;
        String credentialId = null;
        String connectionId = null;
        if (result instanceof ToolResult.SystemTool) {
            ToolResult.SystemOutcome outcome = ((ToolResult.SystemTool) result).result();
            detail = outcome == null ? null : outcome.fields();
        } else if (result instanceof ToolResult.Workflow) {
            detail = ((ToolResult.Workflow) result).result();
        } else if (result instanceof ToolResult.ApiIntegrationWebhook) {
            ToolResult.ApiIntegrationWebhook a = (ToolResult.ApiIntegrationWebhook) result;
            integrationId = a.integrationId();
            credentialId = a.credentialId();
            connectionId = a.integrationConnectionId();
        } else if (result instanceof ToolResult.Other) {
            ToolResult.Other o = (ToolResult.Other) result;
            detail = o.result();
            integrationId = o.integrationId();
            credentialId = o.credentialId();
            connectionId = o.integrationConnectionId();
        }
        return new AnyToolResult(c.type(), c.requestId(), c.toolName(), c.resultValue(), c.isError(), c.isBlocked(),
                c.toolHasBeenCalled(), c.toolLatencySecs(), c.errorType(), c.rawErrorMessage(),
                c.dynamicVariableUpdates(), detail, integrationId, credentialId, connectionId);
    }

    @Override
    public ToolResult adaptFromJson(AnyToolResult r) {
        if (r == null) {
            return null;
        }
        ToolResult.Common common = new ToolResult.Common(r.type(), r.requestId(), r.toolName(), r.resultValue(),
                r.isError(), r.isBlocked(), r.toolHasBeenCalled(), r.toolLatencySecs(), r.errorType(),
                r.rawErrorMessage(), r.dynamicVariableUpdates());
        ToolType type = r.type() == null ? null : r.type().value();
        if (type == ToolType.SYSTEM) {
            return new ToolResult.SystemTool(common, r.result() == null ? null
                    : new ToolResult.SystemOutcome(JsonText.text(r.result(), "result_type"), r.result()));
        }
        if (type == ToolType.API_INTEGRATION_WEBHOOK) {
            return new ToolResult.ApiIntegrationWebhook(common, r.integrationId(), r.credentialId(),
                    r.integrationConnectionId());
        }
        if (type == ToolType.WORKFLOW) {
            return new ToolResult.Workflow(common, r.result());
        }
        if (type == ToolType.UNKNOWN) {
            return new ToolResult.Other(common, r.result(), r.integrationId(), r.credentialId(),
                    r.integrationConnectionId());
        }
        return new ToolResult.Basic(common);
    }
}
