package dev.postcall.internal.monitoring;

/** The event types a webhook counts apart; any other type counts as {@link #OTHER}. */
public enum DeliveryType {
    TRANSCRIPTION("post_call_transcription"),
    AUDIO("post_call_audio"),
    INITIATION_FAILURE("call_initiation_failure"),
    /** A type postcall does not model (an {@code UnknownEvent}). */
    OTHER("other"),
    /** The body was not an event: no type could be read. */
    NONE("none");

    /** The label in statistics and meters: the wire name for the known types. */
    public final String label;

    DeliveryType(String label) {
        this.label = label;
    }

    /** The type of an event's {@code type} field; {@code null} (not an event) is {@link #NONE}. */
    public static DeliveryType of(String type) {
        if (type == null) {
            return NONE;
        }
        return switch (type) {
            case "post_call_transcription" -> TRANSCRIPTION;
            case "post_call_audio" -> AUDIO;
            case "call_initiation_failure" -> INITIATION_FAILURE;
            default -> OTHER;
        };
    }
}
