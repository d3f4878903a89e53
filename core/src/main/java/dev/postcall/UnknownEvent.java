package dev.postcall;

/**
 * A verified webhook whose {@code type} postcall does not model (a type the sender added later). It is
 * acknowledged with 200 and handed on with its raw body, so nothing the sender sends is dropped.
 */
public final class UnknownEvent implements PostCallEvent {
    // CONTRACT STUB: the model issue fills this in.
    private UnknownEvent() { throw new UnsupportedOperationException("not built yet"); }
    @Override public String type() { throw new UnsupportedOperationException(); }
    @Override public long eventTimestamp() { throw new UnsupportedOperationException(); }
    @Override public String agentId() { throw new UnsupportedOperationException(); }
    @Override public String conversationId() { throw new UnsupportedOperationException(); }
    @Override public BodySource body() { throw new UnsupportedOperationException(); }
}
