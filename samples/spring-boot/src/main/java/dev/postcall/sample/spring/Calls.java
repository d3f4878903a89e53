package dev.postcall.sample.spring;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.event.EventListener;

import dev.postcall.AudioEvent;
import dev.postcall.CallInitiationFailureEvent;
import dev.postcall.CallReport;
import dev.postcall.PostCallEvent;
import dev.postcall.TranscriptionEvent;

/** The whole sample: a Spring Boot application whose listeners receive every verified post-call webhook. */
@SpringBootApplication
public class Calls {
    private static final System.Logger LOG = System.getLogger("calls");

    /** Starts the application; the webhook is at http://localhost:8080/elevenlabs/webhook. */
    public static void main(String[] args) {
        SpringApplication.run(Calls.class, args);
    }

    @EventListener
    void onCall(TranscriptionEvent call) {
        CallReport r = call.report();
        LOG.log(Level.INFO, "call {0}: {1}, {2}, {3} s, cost {4}, {5}", r.conversationId(), r.direction(),
                r.transcriptSent() ? r.turnCount() + " turns" : "transcript not sent",
                r.duration() == null ? "?" : r.duration().toSeconds(), r.cost(), r.outcome());
    }

    @EventListener
    void onAudio(AudioEvent audio) throws IOException {
        Path file = Files.createDirectories(Path.of("calls")).resolve(audio.conversationId() + ".mp3");
        LOG.log(Level.INFO, "audio {0}: {1} bytes saved to {2}", audio.conversationId(), audio.saveTo(file), file);
    }

    @EventListener
    void onFailure(CallInitiationFailureEvent failure) {
        LOG.log(Level.INFO, "call {0} not placed: {1}, SIP {2}", failure.conversationId(), failure.failureReason(),
                failure.sipStatusCode());
    }

    @EventListener
    void onAny(PostCallEvent event) {
        LOG.log(Level.INFO, "{0} received for {1}", event.type(), event.conversationId());
    }
}
