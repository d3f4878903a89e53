package dev.postcall.model;

/**
 * The JSON type a data collection item asks for.
 * Read through {@link OpenEnum}, so values added later read as {@link #UNKNOWN}.
 */
public enum SchemaType {
    /** {@code boolean} */
    BOOLEAN,
    /** {@code string} */
    STRING,
    /** {@code integer} */
    INTEGER,
    /** {@code number} */
    NUMBER,
    /** A value postcall does not know (or the sender's own {@code unknown}). */
    UNKNOWN
}
