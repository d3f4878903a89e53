package dev.postcall;

/**
 * Thrown by {@link TranscriptionEvent#data()} and {@link TranscriptionEvent#report()} when the event's
 * {@code data} is well-formed JSON but does not fit the model (for example a string where an object belongs). The
 * typed content is bound when first asked for, so this surfaces then rather than from {@link EventParser#parse}.
 * The cause is a {@link MalformedEventException} naming the problem; messages never quote payload text.
 *
 * <pre>{@code
 * try {
 *     crm.save(call.report());
 * } catch (MalformedDataException e) {
 *     throw e;   // rethrow: the delivery is kept (with an inbox) and replayed once postcall's model fits the data
 * }
 * }</pre>
 */
public final class MalformedDataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With the parser's checked exception as the cause; its message becomes this one's. */
    public MalformedDataException(MalformedEventException cause) {
        super(cause.getMessage(), cause);
    }

    /** The checked exception that says what is wrong. */
    @Override
    public synchronized MalformedEventException getCause() {
        return (MalformedEventException) super.getCause();
    }
}
