package dev.postcall.model;

import dev.postcall.internal.json.OrderedMapDeserializer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbTypeDeserializer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code data.conversation_initiation_client_data}: what the conversation was started with. The configuration
 * override echoes the agent's settings and is kept as raw JSON.
 *
 * @param conversationConfigOverride {@code conversation_config_override} ({@code agent}, {@code tts}, {@code asr},
 *                                   {@code turn}, {@code conversation}), as raw JSON
 * @param customLlmExtraBody         {@code custom_llm_extra_body}, as raw JSON
 * @param userId                     {@code user_id}
 * @param sourceInfo                 {@code source_info}
 * @param branchId                   {@code branch_id}
 * @param environment                {@code environment}
 * @param startingWorkflowNodeId     {@code starting_workflow_node_id}
 * @param procedureIds               {@code procedure_ids}: the only procedures the starting agent could use.
 *                                   Unlike every other list of the model, {@code null} when not sent, because the
 *                                   sender gives absent and empty different meanings: absent, every procedure of
 *                                   the agent was available; empty, none was
 * @param dynamicVariables           {@code dynamic_variables}: name to raw JSON value of any type (string, number,
 *                                   boolean, object, array; JSON null reads as {@code null}), in payload order,
 *                                   including {@code system__*} entries; never {@code null}
 */
public record ConversationInitiationClientData(
        JsonObject conversationConfigOverride,
        JsonObject customLlmExtraBody,
        String userId,
        SourceInfo sourceInfo,
        String branchId,
        String environment,
        String startingWorkflowNodeId,
        List<String> procedureIds,
        @JsonbTypeDeserializer(OrderedMapDeserializer.class) Map<String, JsonValue> dynamicVariables) {

    /**
     * Replaces an absent map with an empty one (JSON null values read as {@code null}) and keeps
     * {@code procedureIds} absent when it is.
     */
    public ConversationInitiationClientData {
        procedureIds = procedureIds == null ? null : Immutable.list(procedureIds);
        dynamicVariables = Immutable.values(dynamicVariables);
    }

    /**
     * The dynamic variables as Java values ({@code String}, {@code Boolean}, {@code Long}, {@code Double}, or
     * {@code null}; objects and arrays stay {@link JsonValue}, whose {@code toString()} is their JSON), in payload
     * order; unmodifiable.
     */
    public Map<String, Object> dynamicVariableValues() {
        Map<String, Object> values = new LinkedHashMap<>();
        dynamicVariables.forEach((k, v) -> values.put(k, ConversationAnalysis.DataCollectionResult.toJava(v)));
        return Collections.unmodifiableMap(values);
    }

    /**
     * One dynamic variable as text: a string's value, the Java value of a number or boolean ({@code 42},
     * {@code true}), the JSON of an object or array ({@code {"tier":"gold"}}, {@code [1,2]}); {@code null} when
     * absent or JSON null.
     *
     * <pre>{@code
     * String plan = client.dynamicVariable("plan");        // {"tier":"gold","seats":3}
     * JsonObject parsed = client.dynamicVariables().get("plan").asJsonObject();
     * }</pre>
     */
    public String dynamicVariable(String name) {
        Object value = ConversationAnalysis.DataCollectionResult.toJava(dynamicVariables.get(name));
        return value == null ? null : value.toString();
    }

    /**
     * Where the conversation was started from.
     *
     * @param source  {@code source}
     * @param version {@code version}
     */
    public record SourceInfo(OpenEnum<InitiationSource> source, String version) {
    }
}
