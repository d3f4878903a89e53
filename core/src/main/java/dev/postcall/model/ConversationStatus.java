package dev.postcall.model;

/**
 * The conversation's processing status; {@code in-progress} reads as {@link #IN_PROGRESS}.
 * Read through {@link OpenEnum}, so values added later read as {@link #UNKNOWN}.
 */
public enum ConversationStatus {
    /** {@code initiated} */
    INITIATED,
    /** {@code in-progress} */
    IN_PROGRESS,
    /** {@code processing} */
    PROCESSING,
    /** {@code done} */
    DONE,
    /** {@code failed} */
    FAILED,
    /** A value postcall does not know (or the sender's own {@code unknown}). */
    UNKNOWN
}
