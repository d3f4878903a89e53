package dev.postcall.hostile;

import dev.postcall.AudioEvent;
import dev.postcall.CallInitiationFailureEvent;
import dev.postcall.CallReport;
import dev.postcall.PostCallEvent;
import dev.postcall.TranscriptionEvent;
import dev.postcall.UnknownEvent;
import dev.postcall.model.TranscriptTurn;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.interceptor.Interceptor;
import jakarta.enterprise.event.Observes;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Counts every event the web application's observers get, reading each the way an application does (the typed
 * report, every turn's text, the audio bytes, the failure reason), and keeps what it read for the assertions.
 * Conversations whose id starts with {@link #FAILING} make it throw, as an application whose database is down.
 */
@ApplicationScoped
public class CountingObserver {

    /** Conversation ids starting with this make the observer throw after reading the event. */
    static final String FAILING = "conv_hostile_fail_";

    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    /** What the observer read from one event; {@code error} is whatever reading it threw. */
    record Seen(String type, String conversationId, CallReport report, List<String> messages, long audioBytes,
            String failureReason, Throwable error) {
    }

    // accessors, not fields: the test holds a client proxy
    List<Seen> seen() {
        return List.copyOf(seen);
    }

    void reset() {
        seen.clear();
    }

    // first among the deployment's observers: the e2e beans observe too, and one of them throwing (as report() does on
    // data that does not fit the model) would otherwise stop the delivery before this one counted it
    void on(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) PostCallEvent event) throws Exception {
        CallReport report = null;
        List<String> messages = List.of();
        long audioBytes = -1;
        String failureReason = null;
        Throwable error = null;
        try {
            if (event instanceof TranscriptionEvent) {
                TranscriptionEvent call = (TranscriptionEvent) event;
                report = call.report();
                List<String> texts = new ArrayList<>();
                for (TranscriptTurn turn : call.data().transcript()) {
                    texts.add(turn == null ? null : turn.message()); // the model keeps a JSON null turn
                }
                messages = texts;
            } else if (event instanceof AudioEvent) {
                try (InputStream in = ((AudioEvent) event).openStream()) {
                    audioBytes = in.transferTo(java.io.OutputStream.nullOutputStream());
                }
            } else if (event instanceof CallInitiationFailureEvent) {
                CallInitiationFailureEvent failure = (CallInitiationFailureEvent) event;
                failureReason = failure.reason() + "/" + failure.failureReason();
                failure.data();
            } else if (event instanceof UnknownEvent) {
                ((UnknownEvent) event).json();
            }
        } catch (Exception | Error e) {
            error = e;
        }
        seen.add(new Seen(event.type(), event.conversationId(), report, messages, audioBytes, failureReason, error));
        if (event.conversationId() != null && event.conversationId().startsWith(FAILING)) {
            throw new IllegalStateException("the application's database is down");
        }
    }
}
