package dev.postcall.model;

/**
 * The kind of feedback a conversation received.
 * Read through {@link OpenEnum}, so values added later read as {@link #UNKNOWN}.
 */
public enum FeedbackType {
    /** {@code thumbs} */
    THUMBS,
    /** {@code rating} */
    RATING,
    /** A value postcall does not know (or the sender's own {@code unknown}). */
    UNKNOWN
}
