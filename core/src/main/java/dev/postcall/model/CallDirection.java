package dev.postcall.model;

/**
 * Which way a phone call, SMS or WhatsApp conversation went.
 * Read through {@link OpenEnum}, so values added later read as {@link #UNKNOWN}.
 */
public enum CallDirection {
    /** {@code inbound} */
    INBOUND,
    /** {@code outbound} */
    OUTBOUND,
    /** A value postcall does not know (or the sender's own {@code unknown}). */
    UNKNOWN
}
