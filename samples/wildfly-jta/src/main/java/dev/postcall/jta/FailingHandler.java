package dev.postcall.jta;

import dev.postcall.PostCallEvent;
import dev.postcall.spi.PostCallEventHandler;

/** Fails on every event, so each delivery that reaches it is kept as a failed row. */
public final class FailingHandler implements PostCallEventHandler {

    /** Created by the ServiceLoader. */
    public FailingHandler() {
    }

    @Override
    public void handle(PostCallEvent event) {
        throw new IllegalStateException("this application fails on purpose: the delivery must be kept");
    }
}
