package dev.postcall.model;

/**
 * How a phone call's dialling ended ({@code metadata.phone_call.call_result}): whether someone, a voicemail box or
 * nobody answered. Read through {@link OpenEnum}, so values added later read as {@link #UNKNOWN}.
 */
public enum CallResult {
    /** {@code answered} */
    ANSWERED,
    /** {@code voicemail} */
    VOICEMAIL,
    /** {@code busy} */
    BUSY,
    /** {@code no_answer} */
    NO_ANSWER,
    /** {@code failed} */
    FAILED,
    /** A value postcall does not know (or the sender's own {@code unknown}). */
    UNKNOWN
}
