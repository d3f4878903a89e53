package dev.postcall;

/**
 * Parses a verified webhook body into its typed {@link PostCallEvent}. Thread-safe; create one and share it.
 *
 * <pre>{@code
 * PostCallEvent event = new EventParser().parse(BodySource.ofBytes(body));
 * }</pre>
 */
public final class EventParser {
    // CONTRACT STUB: the model issue fills this in.

    /** Creates a parser (its JSON-B instance is built lazily, once). */
    public EventParser() {
    }

    /**
     * Reads the envelope ({@code type}, {@code event_timestamp}, {@code data}) with a streaming read and returns the
     * typed event; the typed content is parsed when first asked for.
     *
     * @throws MalformedEventException when the body is not JSON, not an object, or lacks {@code type} or {@code data}
     */
    public PostCallEvent parse(BodySource body) throws MalformedEventException {
        throw new UnsupportedOperationException("not built yet");
    }
}
