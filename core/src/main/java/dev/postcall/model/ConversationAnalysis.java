package dev.postcall.model;

import dev.postcall.internal.json.OrderedMapDeserializer;
import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbTypeDeserializer;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * {@code data.analysis} of a transcription: whether the call succeeded, its summary, how each evaluation criterion
 * was judged and what data was collected. Maps keep payload order and are never {@code null}.
 *
 * @param evaluationCriteriaResults     {@code evaluation_criteria_results}: criterion id to its result
 * @param dataCollectionResults         {@code data_collection_results}: item id to what was collected
 * @param evaluationCriteriaResultsList {@code evaluation_criteria_results_list}: the newer list form
 * @param dataCollectionResultsList     {@code data_collection_results_list}: the newer list form
 * @param callSuccessful                {@code call_successful}: success, failure or unknown
 * @param callSuccessScore              {@code call_success_score}
 * @param transcriptSummary             {@code transcript_summary}
 * @param callSummaryTitle              {@code call_summary_title}
 * @param scoped                        {@code scoped}: per-agent analyses in multi-agent conversations
 */
public record ConversationAnalysis(
        @JsonbTypeDeserializer(OrderedMapDeserializer.class)
        Map<String, EvaluationResult> evaluationCriteriaResults,
        @JsonbTypeDeserializer(OrderedMapDeserializer.class)
        Map<String, DataCollectionResult> dataCollectionResults,
        List<EvaluationResult> evaluationCriteriaResultsList,
        List<DataCollectionResult> dataCollectionResultsList,
        OpenEnum<EvaluationSuccessResult> callSuccessful,
        Double callSuccessScore,
        String transcriptSummary,
        String callSummaryTitle,
        List<Scoped> scoped) {

    /** Replaces absent collections with empty ones. */
    public ConversationAnalysis {
        evaluationCriteriaResults = Immutable.map(evaluationCriteriaResults);
        dataCollectionResults = Immutable.map(dataCollectionResults);
        evaluationCriteriaResultsList = Immutable.list(evaluationCriteriaResultsList);
        dataCollectionResultsList = Immutable.list(dataCollectionResultsList);
        scoped = Immutable.list(scoped);
    }

    /**
     * How one evaluation criterion was judged.
     *
     * @param criteriaId  {@code criteria_id}
     * @param result      {@code result}: success, failure or unknown
     * @param rationale   {@code rationale}
     * @param scoringMode {@code scoring_mode}: binary or numeric
     * @param score       {@code score}, for numeric criteria
     * @param maxScore    {@code max_score}, for numeric criteria
     */
    public record EvaluationResult(String criteriaId, OpenEnum<EvaluationSuccessResult> result, String rationale,
                                   OpenEnum<ScoringMode> scoringMode, Integer score, Integer maxScore) {
    }

    /**
     * One collected data item.
     *
     * @param dataCollectionId {@code data_collection_id}
     * @param name             {@code name}: the item's display name, when it has one
     * @param value            {@code value} as raw JSON (usually a string, number or boolean); {@code null} when
     *                         nothing was collected; {@link #javaValue()} gives it as a Java object
     * @param jsonSchema       {@code json_schema}: what the item asks for
     * @param rationale        {@code rationale}
     */
    public record DataCollectionResult(String dataCollectionId, String name, JsonValue value, DataSchema jsonSchema,
                                       String rationale) {

        /** Reads a JSON null as an absent value. */
        public DataCollectionResult {
            value = Immutable.value(value);
        }

        /**
         * The value as a Java object: {@code String}, {@code Boolean}, {@code Long} for whole numbers that fit,
         * {@code Double} for other numbers ({@code BigDecimal} beyond a double's range), {@code null} when none;
         * objects and arrays stay {@link JsonValue}.
         */
        public Object javaValue() {
            return toJava(value);
        }

        static Object toJava(JsonValue value) {
            if (value == null) {
                return null;
            }
            switch (value.getValueType()) {
                case STRING:
                    return ((JsonString) value).getString();
                case TRUE:
                    return Boolean.TRUE;
                case FALSE:
                    return Boolean.FALSE;
                case NULL:
                    return null;
                case NUMBER:
                    JsonNumber number = (JsonNumber) value;
                    if (number.isIntegral()) {
                        try {
                            return number.longValueExact();
                        } catch (ArithmeticException tooBig) {
                            return number.bigDecimalValue();
                        }
                    }
                    BigDecimal exact = number.bigDecimalValue();
                    double d = exact.doubleValue();
                    return Double.isInfinite(d) ? exact : (Object) d;
                default:
                    return value;
            }
        }
    }

    /**
     * What a data collection item asks for (a JSON-schema property).
     *
     * @param type                         {@code type}: boolean, string, integer or number
     * @param description                  {@code description}
     * @param allowedValues                {@code enum}; never {@code null}
     * @param isSystemProvided             {@code is_system_provided}
     * @param dynamicVariable              {@code dynamic_variable}
     * @param allowedValuesDynamicVariable {@code allowed_values_dynamic_variable}
     * @param constantValue                {@code constant_value}, as raw JSON
     * @param isOmitted                    {@code is_omitted}
     */
    public record DataSchema(OpenEnum<SchemaType> type, String description,
                             @JsonbProperty("enum") List<String> allowedValues, Boolean isSystemProvided,
                             String dynamicVariable, String allowedValuesDynamicVariable, JsonValue constantValue,
                             Boolean isOmitted) {
        /** Replaces an absent list with an empty one and reads JSON null as {@code null}. */
        public DataSchema {
            allowedValues = Immutable.list(allowedValues);
            constantValue = Immutable.value(constantValue);
        }
    }

    /**
     * The analysis scoped to one agent.
     *
     * @param scope                     {@code scope}: {@code conversation} or {@code agent}
     * @param sourceAgentId             {@code source_agent_id}
     * @param sourceBranchId            {@code source_branch_id}
     * @param evaluationCriteriaResults {@code evaluation_criteria_results}
     * @param dataCollectionResults     {@code data_collection_results}
     * @param successful                {@code successful}
     * @param successScore              {@code success_score}
     */
    public record Scoped(String scope, String sourceAgentId, String sourceBranchId,
                         @JsonbTypeDeserializer(OrderedMapDeserializer.class)
                         Map<String, EvaluationResult> evaluationCriteriaResults,
                         @JsonbTypeDeserializer(OrderedMapDeserializer.class)
                         Map<String, DataCollectionResult> dataCollectionResults,
                         OpenEnum<EvaluationSuccessResult> successful, Double successScore) {
        /** Replaces absent maps with empty ones. */
        public Scoped {
            evaluationCriteriaResults = Immutable.map(evaluationCriteriaResults);
            dataCollectionResults = Immutable.map(dataCollectionResults);
        }
    }
}
