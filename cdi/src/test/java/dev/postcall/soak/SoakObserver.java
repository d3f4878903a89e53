package dev.postcall.soak;

import dev.postcall.AudioEvent;
import dev.postcall.CallInitiationFailureEvent;
import dev.postcall.CallReport;
import dev.postcall.TranscriptionEvent;
import dev.postcall.UnknownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak server's only observer (discovered when the system property {@code postcall.soak} is set): reads every
 * event as an application does, synchronously and asynchronously, and keeps counters only, so that whatever the
 * heap holds after a full GC is the stack's and not the application's.
 */
@ApplicationScoped
public class SoakObserver {
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong turns = new AtomicLong();
    private final AtomicLong audioBytes = new AtomicLong();
    private final AtomicLong asyncAudioBytes = new AtomicLong();
    private final AtomicLong other = new AtomicLong();

    void onCall(@Observes TranscriptionEvent call) {
        calls.incrementAndGet();
        CallReport report = call.report();
        if (report.transcriptSent()) {
            turns.addAndGet(report.turnCount());
        }
    }

    void onAudio(@Observes AudioEvent audio) throws IOException {
        audioBytes.addAndGet(drain(audio));
    }

    // an asynchronous observer makes the CDI dispatcher copy each spilled audio body for it
    void onAudioLater(@ObservesAsync AudioEvent audio) throws IOException {
        asyncAudioBytes.addAndGet(drain(audio));
    }

    void onOther(@Observes UnknownEvent event) {
        other.incrementAndGet();
    }

    void onFailure(@Observes CallInitiationFailureEvent failure) {
        failure.reason();
        other.incrementAndGet();
    }

    private static long drain(AudioEvent audio) throws IOException {
        try (InputStream in = audio.openStream()) {
            return in.transferTo(OutputStream.nullOutputStream());
        }
    }

    /** One line of counters. */
    String counters() {
        return "calls=" + calls + " turns=" + turns + " audioBytes=" + audioBytes + " asyncAudioBytes="
                + asyncAudioBytes + " other=" + other;
    }
}
