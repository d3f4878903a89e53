package dev.postcall.sample.quarkus;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.postcall.AudioEvent;
import dev.postcall.CallInitiationFailureEvent;
import dev.postcall.CallReport;
import dev.postcall.PostCallEvent;
import dev.postcall.TranscriptionEvent;
import dev.postcall.cdi.Agent;

/** The whole sample: CDI observers that receive every verified post-call webhook. */
@ApplicationScoped
public class Calls {
    private static final System.Logger LOG = System.getLogger("calls");

    @ConfigProperty(name = "calls.dir")
    Path dir;

    void onCall(@Observes TranscriptionEvent call) {
        CallReport r = call.report();
        LOG.log(Level.INFO, "call {0}: {1}, {2} turns, {3} s, cost {4}, {5}", r.conversationId(), r.direction(),
                r.turnCount(), r.duration() == null ? "?" : r.duration().toSeconds(), r.cost(), r.outcome());
    }

    void onAudio(@Observes AudioEvent audio) throws IOException {
        Path file = Files.createDirectories(dir).resolve(audio.conversationId() + ".mp3");
        LOG.log(Level.INFO, "audio {0}: {1} bytes saved to {2}", audio.conversationId(), audio.saveTo(file), file);
    }

    void onFailure(@Observes CallInitiationFailureEvent failure) {
        LOG.log(Level.INFO, "call {0} not placed: {1}, SIP {2}", failure.conversationId(), failure.failureReason(),
                failure.sipStatusCode());
    }

    void onSupportLine(@Observes @Agent("agent_8801k6yn4vq7cw2et5bz9hx3md0p") TranscriptionEvent call) {
        LOG.log(Level.INFO, "support line call {0}", call.conversationId());
    }

    void onAny(@Observes PostCallEvent event) {
        LOG.log(Level.INFO, "{0} received for {1}", event.type(), event.conversationId());
    }
}
