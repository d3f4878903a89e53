package dev.postcall.cdi.e2e;

import dev.postcall.PostCallEvent;
import dev.postcall.TranscriptionEvent;
import dev.postcall.cdi.Agent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The observer class of the README's quick start, as a host application declares it: discovered by Weld in a bean
 * archive with {@code bean-discovery-mode="annotated"}, never registered by code.
 */
@ApplicationScoped
public class Calls {

    /** The agent of {@code transcription-sip-outbound.json}, whose calls this application refuses. */
    static final String REFUSED_AGENT = "agent_8801k6yn4vq7cw2et5bz9hx3md0p";

    private final List<TranscriptionEvent> calls = new CopyOnWriteArrayList<>();
    private final List<PostCallEvent> everything = new CopyOnWriteArrayList<>();
    private final CompletableFuture<TranscriptionEvent> later = new CompletableFuture<>();

    // accessors, not fields: the test holds a client proxy, whose own fields are never the bean's
    List<TranscriptionEvent> calls() {
        return List.copyOf(calls);
    }

    List<PostCallEvent> everything() {
        return List.copyOf(everything);
    }

    CompletableFuture<TranscriptionEvent> later() {
        return later;
    }

    void onCall(@Observes TranscriptionEvent call) {
        calls.add(call);
    }

    void onAny(@Observes PostCallEvent event) {
        everything.add(event);
    }

    void refuse(@Observes @Priority(1) @Agent(REFUSED_AGENT) TranscriptionEvent call) {
        throw new IllegalStateException("the CRM for this agent is down");
    }

    void later(@ObservesAsync TranscriptionEvent call) {
        later.complete(call);
    }
}
