package dev.postcall.spring;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.postcall.AudioEvent;
import dev.postcall.CallInitiationFailureEvent;
import dev.postcall.CallReport;
import dev.postcall.PostCallEvent;
import dev.postcall.TranscriptionEvent;
import dev.postcall.UnknownEvent;

/**
 * The listeners of the test applications: one per event type, one for every event, one for one agent's calls. Each
 * reads what the tests check while the request is still on, as the README asks of synchronous listeners.
 */
@Component
class Recorder {
    /** What a listener saw: the event, its body's bytes and what the listener read of it. */
    record Seen(String listener, PostCallEvent event, byte[] body, Object read, Thread thread) {
    }

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    /**
     * Thrown by the {@code PostCallEvent} listener, after it has recorded the event as {@code any}, while set. Spring
     * calls no listener after the first that throws, and the listeners of one bean without {@code @Order} run in no
     * fixed order (it differs from one JVM to the next), so a test that makes it throw counts {@code any}: the others
     * may or may not have seen the event.
     */
    volatile Exception failWith;

    @EventListener
    void onTranscription(TranscriptionEvent event) throws IOException {
        CallReport report = event.report();
        seen.add(new Seen("transcription", event, bytes(event), report, Thread.currentThread()));
    }

    @EventListener
    void onAudio(AudioEvent event) throws IOException {
        byte[] audio;
        try (InputStream in = event.openStream()) {
            audio = in.readAllBytes();
        }
        seen.add(new Seen("audio", event, bytes(event), audio, Thread.currentThread()));
    }

    @EventListener
    void onFailure(CallInitiationFailureEvent event) throws IOException {
        seen.add(new Seen("failure", event, bytes(event), event.failureReason(), Thread.currentThread()));
    }

    @EventListener
    void onUnknown(UnknownEvent event) throws IOException {
        seen.add(new Seen("unknown", event, bytes(event), event.json(), Thread.currentThread()));
    }

    @EventListener
    void onAny(PostCallEvent event) throws Exception {
        seen.add(new Seen("any", event, bytes(event), null, Thread.currentThread()));
        Exception failure = failWith;
        if (failure != null) {
            throw failure;
        }
    }

    /** The README's example of one agent's calls; {@code #event} names the parameter (compiled with -parameters). */
    @EventListener(condition = "#event.agentId() == 'agent_7f3a'")
    void onAgent(TranscriptionEvent event) throws IOException {
        seen.add(new Seen("agent_7f3a", event, bytes(event), null, Thread.currentThread()));
    }

    /** The same, for code compiled without -parameters: the first argument by its index. */
    @EventListener(condition = "#a0.agentId() == 'agent_7f3a'")
    void onAgentByIndex(TranscriptionEvent event) throws IOException {
        seen.add(new Seen("agent_7f3a by index", event, bytes(event), null, Thread.currentThread()));
    }

    List<Seen> of(String listener) {
        return seen.stream().filter(s -> s.listener().equals(listener)).toList();
    }

    void reset() {
        seen.clear();
        failWith = null;
    }

    private static byte[] bytes(PostCallEvent event) throws IOException {
        try (InputStream in = event.body().openStream()) {
            return in.readAllBytes();
        }
    }
}
