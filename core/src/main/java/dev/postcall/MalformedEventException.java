package dev.postcall;

/**
 * A verified body that is not a post-call event: not JSON, not an object, or without {@code type} or {@code data}.
 * The message says what is wrong in terms of the JSON structure and never quotes payload text.
 *
 * <pre>{@code
 * try {
 *     PostCallEvent event = new EventParser().parse(BodySource.ofBytes(body));
 * } catch (MalformedEventException e) {
 *     log.warning("not an event: " + e.getMessage());   // safe to log: no payload text
 * }
 * }</pre>
 */
public final class MalformedEventException extends Exception {
    private static final long serialVersionUID = 1L;

    /** With a message that names the problem, never payload text. */
    public MalformedEventException(String message) {
        super(message);
    }

    /** With a message that names the problem and the parser's own exception as the cause. */
    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
