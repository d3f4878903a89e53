package dev.postcall.model;

/**
 * Why an outbound call could not be initiated; {@code no-answer} reads as {@link #NO_ANSWER}.
 * Read through {@link OpenEnum}, so values added later read as {@link #UNKNOWN}.
 */
public enum FailureReason {
    /** {@code busy} */
    BUSY,
    /** {@code no-answer} */
    NO_ANSWER,
    /** A value postcall does not know (or the sender's own {@code unknown}). */
    UNKNOWN
}
