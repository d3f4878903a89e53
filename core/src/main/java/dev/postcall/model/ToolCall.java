package dev.postcall.model;

/**
 * A tool the agent called during a turn.
 *
 * @param type              {@code type}: {@code system}, {@code webhook}, {@code client}, ...
 * @param requestId         {@code request_id}: matches the {@link ToolResult#requestId()} of its result
 * @param toolName          {@code tool_name}
 * @param paramsAsJson      {@code params_as_json}: the parameters, a JSON document as text
 * @param toolHasBeenCalled {@code tool_has_been_called}
 * @param toolDetails       {@code tool_details}: how the tool was reached, by kind; {@code null} for system tools
 */
public record ToolCall(
        OpenEnum<ToolType> type,
        String requestId,
        String toolName,
        String paramsAsJson,
        Boolean toolHasBeenCalled,
        ToolDetails toolDetails) {

    /** Whether the call is of {@code type}. */
    public boolean is(ToolType type) {
        return this.type != null && this.type.is(type);
    }
}
