package dev.postcall.model;

/** How a turn reached the agent. Read through {@link OpenEnum}, so values added later read as {@link #UNKNOWN}. */
public enum SourceMedium {
    /** {@code audio} */
    AUDIO,
    /** {@code dtmf}: keys the caller pressed */
    DTMF,
    /** {@code text} */
    TEXT,
    /** {@code image} */
    IMAGE,
    /** {@code file} */
    FILE,
    /** A value postcall does not know (or the sender's own {@code unknown}). */
    UNKNOWN
}
