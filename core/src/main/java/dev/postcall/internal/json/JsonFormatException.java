package dev.postcall.internal.json;

/**
 * Bytes that are not the JSON a read expects, or that could not be read. The message names the problem and a byte
 * offset, never payload text; the event layer turns it into its own exception with the same message and cause.
 */
public final class JsonFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    /** With a message that names the problem. */
    public JsonFormatException(String message) {
        super(message);
    }

    /** With a message that names the problem and what caused it. */
    public JsonFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
