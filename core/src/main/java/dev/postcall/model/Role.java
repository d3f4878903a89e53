package dev.postcall.model;

/** Who spoke a transcript turn. Read through {@link OpenEnum}, so values added later read as {@link #UNKNOWN}. */
public enum Role {
    /** {@code user} */
    USER,
    /** {@code agent} */
    AGENT,
    /** A value postcall does not know (or the sender's own {@code unknown}). */
    UNKNOWN
}
