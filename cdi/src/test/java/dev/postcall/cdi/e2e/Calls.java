package dev.postcall.cdi.e2e;

import dev.postcall.AudioEvent;
import dev.postcall.CallReport;
import dev.postcall.PostCallEvent;
import dev.postcall.TranscriptionEvent;
import dev.postcall.cdi.Agent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The observer class of the quick start (README.md, docs/events.md), as a host application declares it: discovered
 * by Weld in a bean archive with {@code bean-discovery-mode="annotated"}, never registered by code.
 */
@ApplicationScoped
public class Calls {

    /** The agent of {@code transcription-sip-outbound.json}, whose calls this application refuses. */
    static final String REFUSED_AGENT = "agent_8801k6yn4vq7cw2et5bz9hx3md0p";

    private final List<TranscriptionEvent> calls = new CopyOnWriteArrayList<>();
    private final List<CallReport> reports = new CopyOnWriteArrayList<>();
    private final List<PostCallEvent> everything = new CopyOnWriteArrayList<>();
    private final CompletableFuture<CallReport> later = new CompletableFuture<>();
    private final CompletableFuture<byte[]> savedAudio = new CompletableFuture<>();
    private final CountDownLatch responseReceived = new CountDownLatch(1);

    // accessors, not fields: the test holds a client proxy, whose own fields are never the bean's
    List<TranscriptionEvent> calls() {
        return List.copyOf(calls);
    }

    List<PostCallEvent> everything() {
        return List.copyOf(everything);
    }

    /** The reports, read while the observer ran: a body in a temp file is gone once the request is over. */
    List<CallReport> reports() {
        return List.copyOf(reports);
    }

    CompletableFuture<CallReport> later() {
        return later;
    }

    CompletableFuture<byte[]> savedAudio() {
        return savedAudio;
    }

    /**
     * Lets {@link #saveAudioLater} go on: the test saw the HTTP answer, so the request's buffer is gone. Public for the
     * other suites on this bean archive, whose audio deliveries would otherwise keep an async copy for a minute.
     */
    public void responseReceived() {
        responseReceived.countDown();
    }

    void onCall(@Observes TranscriptionEvent call) {
        calls.add(call);
        reports.add(call.report());
    }

    void onAny(@Observes PostCallEvent event) {
        everything.add(event);
    }

    void refuse(@Observes @Priority(1) @Agent(REFUSED_AGENT) TranscriptionEvent call) {
        throw new IllegalStateException("the CRM for this agent is down");
    }

    void later(@ObservesAsync TranscriptionEvent call) {
        try {
            later.complete(call.report());
        } catch (RuntimeException e) {
            later.completeExceptionally(e);
            throw e;
        }
    }

    void saveAudioLater(@ObservesAsync AudioEvent audio) throws Exception {
        try {
            if (!responseReceived.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never saw the response");
            }
            Path file = Files.createTempFile("postcall-e2e-", ".mp3");
            try {
                audio.saveTo(file);
                savedAudio.complete(Files.readAllBytes(file));
            } finally {
                Files.delete(file);
            }
        } catch (Exception | Error e) {
            savedAudio.completeExceptionally(e);
            throw e;
        }
    }
}
