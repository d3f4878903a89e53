package dev.postcall.model;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbTypeAdapter;

import java.util.List;

/**
 * What a tool call returned ({@code tool_results} of a turn). The variant follows {@code type}: {@link SystemTool} for
 * system tools (with the typed outcome), {@link ApiIntegrationWebhook}, {@link Workflow}, {@link Basic} for client,
 * webhook, MCP and code tools and an absent type, and {@link Other} for a type postcall does not know, which keeps
 * whatever members of the known variants it carries.
 */
@JsonbTypeAdapter(ToolResultAdapter.class)
public sealed interface ToolResult
        permits ToolResult.Basic, ToolResult.SystemTool, ToolResult.ApiIntegrationWebhook, ToolResult.Workflow,
        ToolResult.Other {

    /** The fields every tool result has. */
    Common common();

    /** {@code type}, or {@code null} when absent. */
    default OpenEnum<ToolType> type() {
        return common().type();
    }

    /** {@code request_id}: the {@link ToolCall#requestId()} of the call. */
    default String requestId() {
        return common().requestId();
    }

    /** {@code tool_name} */
    default String toolName() {
        return common().toolName();
    }

    /** {@code result_value}: what the tool returned, as text (often JSON). */
    default String resultValue() {
        return common().resultValue();
    }

    /** {@code is_error} is {@code true}. */
    default boolean isError() {
        return Boolean.TRUE.equals(common().isError());
    }

    /**
     * The fields every tool result has.
     *
     * @param type                   {@code type}
     * @param requestId              {@code request_id}
     * @param toolName               {@code tool_name}
     * @param resultValue            {@code result_value}
     * @param isError                {@code is_error}
     * @param isBlocked              {@code is_blocked}
     * @param toolHasBeenCalled      {@code tool_has_been_called}
     * @param toolLatencySecs        {@code tool_latency_secs}
     * @param errorType              {@code error_type}
     * @param rawErrorMessage        {@code raw_error_message}
     * @param dynamicVariableUpdates {@code dynamic_variable_updates}; never {@code null}
     */
    record Common(OpenEnum<ToolType> type, String requestId, String toolName, String resultValue, Boolean isError,
                  Boolean isBlocked, Boolean toolHasBeenCalled, Double toolLatencySecs, String errorType,
                  String rawErrorMessage, List<DynamicVariableUpdate> dynamicVariableUpdates) {
        /** Replaces an absent list with an empty one. */
        public Common {
            dynamicVariableUpdates = Immutable.list(dynamicVariableUpdates);
        }
    }

    /**
     * A dynamic variable a tool changed.
     *
     * @param variableName  {@code variable_name}
     * @param oldValue      {@code old_value}, as raw JSON ({@code null} when absent or null)
     * @param newValue      {@code new_value}, as raw JSON
     * @param updatedAt     {@code updated_at}: unix seconds, with a fraction
     * @param toolName      {@code tool_name}
     * @param toolRequestId {@code tool_request_id}
     */
    record DynamicVariableUpdate(String variableName, JsonValue oldValue, JsonValue newValue, Double updatedAt,
                                 String toolName, String toolRequestId) {
        /** Reads JSON null as {@code null}. */
        public DynamicVariableUpdate {
            oldValue = Immutable.value(oldValue);
            newValue = Immutable.value(newValue);
        }
    }

    /**
     * A client, webhook, MCP or code tool's result, or one without a {@code type}.
     *
     * @param common the common fields
     */
    record Basic(Common common) implements ToolResult {
    }

    /**
     * The result of a tool type postcall does not know yet: the common fields, and the members the known variants
     * have, where present.
     *
     * @param common                  the common fields; {@code type().raw()} is the type as sent
     * @param result                  {@code result} as raw JSON (system and workflow tools have one), or {@code null}
     * @param integrationId           {@code integration_id}, or {@code null}
     * @param credentialId            {@code credential_id}, or {@code null}
     * @param integrationConnectionId {@code integration_connection_id}, or {@code null}
     */
    record Other(Common common, JsonObject result, String integrationId, String credentialId,
                 String integrationConnectionId) implements ToolResult {
    }

    /**
     * A system tool's result ({@code type = system}), such as {@code end_call} or {@code transfer_to_number}.
     *
     * @param common the common fields
     * @param result {@code result}: the typed outcome; {@code null} when absent
     */
    record SystemTool(Common common, SystemOutcome result) implements ToolResult {
    }

    /**
     * An API integration webhook's result ({@code type = api_integration_webhook}).
     *
     * @param common                  the common fields
     * @param integrationId           {@code integration_id}
     * @param credentialId            {@code credential_id}
     * @param integrationConnectionId {@code integration_connection_id}
     */
    record ApiIntegrationWebhook(Common common, String integrationId, String credentialId,
                                 String integrationConnectionId) implements ToolResult {
    }

    /**
     * A workflow tool's result ({@code type = workflow}).
     *
     * @param common the common fields
     * @param result {@code result} ({@code {"steps": [...]}}) as raw JSON: its steps nest further tool calls and
     *               results, which few receivers read
     */
    record Workflow(Common common, JsonObject result) implements ToolResult {
    }

    /**
     * What a system tool did, tagged by {@code result_type} ({@code end_call_success},
     * {@code transfer_to_number_sip_success}, {@code transfer_to_number_amazon_connect_success},
     * {@code transfer_to_agent_success}, {@code language_detection_success}, {@code knowledge_base_success},
     * {@code start_procedure_success} / {@code _error}, {@code end_procedure_success} / {@code _error},
     * {@code play_dtmf_error}, ...). The members most variants share are read out; the whole object stays available
     * as raw JSON for the rest, and a {@code result_type} postcall has not seen reads the same way.
     *
     * @param resultType {@code result_type}
     * @param fields     the whole {@code result} object
     */
    record SystemOutcome(String resultType, JsonObject fields) {

        /** {@code status} (for example {@code success}), or {@code null}. */
        public String status() {
            return text("status");
        }

        /** {@code reason}, or {@code null}. */
        public String reason() {
            return text("reason");
        }

        /** {@code message}, or {@code null}. */
        public String message() {
            return text("message");
        }

        /** {@code error} (the {@code *_error} variants), or {@code null}. */
        public String error() {
            return text("error");
        }

        /** {@code transfer_number} (the {@code transfer_to_number_*} variants), or {@code null}. */
        public String transferNumber() {
            return text("transfer_number");
        }

        /** {@code to_agent} ({@code transfer_to_agent_success}), or {@code null}. */
        public String toAgent() {
            return text("to_agent");
        }

        /**
         * {@code procedure_id} (the {@code start_procedure_*} and {@code end_procedure_*} variants), or
         * {@code null}.
         */
        public String procedureId() {
            return text("procedure_id");
        }

        /** {@code procedure_name} ({@code start_procedure_success}, {@code end_procedure_success}), or {@code null}. */
        public String procedureName() {
            return text("procedure_name");
        }

        /** {@code language} ({@code language_detection_success}), or {@code null}. */
        public String language() {
            return text("language");
        }

        /** Whether the outcome is a success ({@code result_type} ends in {@code _success}). */
        public boolean isSuccess() {
            return resultType != null && resultType.endsWith("_success");
        }

        /** A member as text: a string's value, another value's JSON form, {@code null} when absent or null. */
        public String text(String name) {
            JsonValue value = fields == null ? null : fields.get(name);
            if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
                return null;
            }
            return value instanceof JsonString ? ((JsonString) value).getString() : value.toString();
        }
    }
}
