package dev.postcall.model;

import dev.postcall.internal.json.OrderedMapDeserializer;
import jakarta.json.bind.annotation.JsonbTypeDeserializer;

import java.util.Map;

/**
 * Tokens and price per LLM model ({@code llm_usage} of a turn, and of {@code charging}).
 *
 * @param modelUsage {@code model_usage}: model name to its usage, in payload order; never {@code null}
 */
public record LlmUsage(@JsonbTypeDeserializer(OrderedMapDeserializer.class) Map<String, ModelUsage> modelUsage) {

    /** Replaces an absent map with an empty one. */
    public LlmUsage {
        modelUsage = Immutable.map(modelUsage);
    }

    /**
     * One model's usage.
     *
     * @param input           {@code input}
     * @param inputCacheRead  {@code input_cache_read}
     * @param inputCacheWrite {@code input_cache_write}
     * @param outputTotal     {@code output_total}
     */
    public record ModelUsage(Tokens input, Tokens inputCacheRead, Tokens inputCacheWrite, Tokens outputTotal) {
    }

    /**
     * A token count and its price.
     *
     * @param tokens {@code tokens}
     * @param price  {@code price}, in US dollars
     */
    public record Tokens(Long tokens, Double price) {
    }
}
