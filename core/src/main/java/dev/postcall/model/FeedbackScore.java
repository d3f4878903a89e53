package dev.postcall.model;

/** A user's thumbs up or down. Read through {@link OpenEnum}, so values added later read as {@link #UNKNOWN}. */
public enum FeedbackScore {
    /** {@code like} */
    LIKE,
    /** {@code dislike} */
    DISLIKE,
    /** A value postcall does not know (or the sender's own {@code unknown}). */
    UNKNOWN
}
