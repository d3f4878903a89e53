package dev.postcall.model;

/**
 * How an evaluation criterion is scored.
 * Read through {@link OpenEnum}, so values added later read as {@link #UNKNOWN}.
 */
public enum ScoringMode {
    /** {@code binary} */
    BINARY,
    /** {@code numeric_uniform} */
    NUMERIC_UNIFORM,
    /** A value postcall does not know (or the sender's own {@code unknown}). */
    UNKNOWN
}
