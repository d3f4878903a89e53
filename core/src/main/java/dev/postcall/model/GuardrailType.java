package dev.postcall.model;

/**
 * Which kind of guardrail a transcript turn triggered ({@code triggered_guardrails[*].guardrail_type}).
 * Read through {@link OpenEnum}, so values added later read as {@link #UNKNOWN}.
 */
public enum GuardrailType {
    /** {@code custom}: one the agent's owner wrote */
    CUSTOM,
    /** {@code prompt_injection} */
    PROMPT_INJECTION,
    /** {@code self_harm_intent} */
    SELF_HARM_INTENT,
    /** {@code violence_graphic} */
    VIOLENCE_GRAPHIC,
    /** {@code sexual} */
    SEXUAL,
    /** {@code violence} */
    VIOLENCE,
    /** {@code harassment} */
    HARASSMENT,
    /** {@code sexual_minors} */
    SEXUAL_MINORS,
    /** {@code self_harm} */
    SELF_HARM,
    /** {@code self_harm_instructions} */
    SELF_HARM_INSTRUCTIONS,
    /** {@code harassment_threatening} */
    HARASSMENT_THREATENING,
    /** {@code hate} */
    HATE,
    /** {@code hate_threatening} */
    HATE_THREATENING,
    /** {@code profanity} */
    PROFANITY,
    /** {@code religion_or_politics} */
    RELIGION_OR_POLITICS,
    /** {@code medical_and_legal} */
    MEDICAL_AND_LEGAL,
    /** {@code guardrail} */
    GUARDRAIL,
    /** A value postcall does not know (or the sender's own {@code unknown}). */
    UNKNOWN
}
