package dev.postcall.bench;

import dev.postcall.AudioEvent;
import dev.postcall.CallReport;
import dev.postcall.TranscriptionEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;

/**
 * The application's observer in the {@code postcall} load modes: calls {@code report()} on every transcription
 * (unless {@code -Dpostcall.bench.report=false}, the {@code postcall-noreport} mode, which reads only the envelope's
 * conversation id) and saves every audio event under {@code -Dpostcall.bench.audioDir}.
 */
@ApplicationScoped
public class CallObserver {

    static final boolean READ_REPORT = Boolean.parseBoolean(System.getProperty("postcall.bench.report", "true"));
    static final Path AUDIO_DIR = Path.of(System.getProperty("postcall.bench.audioDir",
            System.getProperty("java.io.tmpdir") + "/postcall-bench-audio"));

    /** How many transcriptions were observed, with a report whose duration was read. */
    static final LongAdder CALLS = new LongAdder();
    static final LongAdder SECONDS = new LongAdder();

    void onCall(@Observes TranscriptionEvent call) {
        if (READ_REPORT) {
            CallReport report = call.report();
            if (report.duration() != null) {
                SECONDS.add(report.duration().getSeconds());
            }
        } else if (call.conversationId() == null) {
            throw new IllegalStateException("a transcription without a conversation id");
        }
        CALLS.increment();
    }

    void onAudio(@Observes AudioEvent audio) throws IOException {
        Files.createDirectories(AUDIO_DIR);
        audio.saveTo(AUDIO_DIR.resolve(audio.conversationId() + ".mp3"));
    }
}
