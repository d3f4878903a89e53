package dev.postcall.servlet;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import dev.postcall.PostCallEvent;
import dev.postcall.spi.PostCallEventHandler;

/** Remembers every event it is handed; can be told to fail. */
final class RecordingHandler implements PostCallEventHandler {
    private final ConcurrentLinkedQueue<PostCallEvent> events = new ConcurrentLinkedQueue<>();
    private volatile boolean failing;
    private volatile EventCheck check;

    /** Runs on the request thread while the body is still there (a spilled body is deleted afterwards). */
    interface EventCheck {
        void accept(PostCallEvent event) throws Exception;
    }

    @Override
    public void handle(PostCallEvent event) throws Exception {
        events.add(event);
        if (check != null) {
            check.accept(event);
        }
        if (failing) {
            throw new IllegalStateException("told to fail");
        }
    }

    void failing(boolean failing) {
        this.failing = failing;
    }

    void onEvent(EventCheck check) {
        this.check = check;
    }

    List<PostCallEvent> events() {
        return List.copyOf(events);
    }
}
