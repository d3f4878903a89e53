package dev.postcall.bench;

import dev.postcall.AudioEvent;
import dev.postcall.CallReport;
import dev.postcall.TranscriptionEvent;
import dev.postcall.cdi.Agent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;

/**
 * The application's observer in the {@code postcall} load modes: calls {@code report()} on every transcription
 * (unless {@code -Dpostcall.bench.report=false}, the {@code postcall-noreport} mode, which reads only the envelope's
 * conversation id) and saves every audio event under {@code -Dpostcall.bench.audioDir} (unless
 * {@code -Dpostcall.bench.saveAudio=false}). The audio of agent {@value #DISK_AGENT} (the disk measurement's
 * delivery, {@code benchmarks/disk.sh}) is also read to its end by an asynchronous observer.
 */
@ApplicationScoped
public class CallObserver {

    static final boolean READ_REPORT = Boolean.parseBoolean(System.getProperty("postcall.bench.report", "true"));
    static final Path AUDIO_DIR = Path.of(System.getProperty("postcall.bench.audioDir",
            System.getProperty("java.io.tmpdir") + "/postcall-bench-audio"));
    static final boolean SAVE_AUDIO = Boolean.parseBoolean(System.getProperty("postcall.bench.saveAudio", "true"));
    /** Only this agent's audio has an asynchronous observer: the load runs' audio keeps none. */
    static final String DISK_AGENT = "agent_disk";
    /** The decoded audio bytes the asynchronous observer read. */
    static final LongAdder ASYNC_AUDIO_BYTES = new LongAdder();

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
        if (SAVE_AUDIO) {
            Files.createDirectories(AUDIO_DIR);
            audio.saveTo(AUDIO_DIR.resolve(audio.conversationId() + ".mp3"));
        }
    }

    void onAudioLater(@ObservesAsync @Agent(DISK_AGENT) AudioEvent audio) throws IOException {
        byte[] buffer = new byte[192 * 1024];
        try (InputStream in = audio.openStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                ASYNC_AUDIO_BYTES.add(n);
            }
        }
    }
}
