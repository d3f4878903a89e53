package dev.postcall.sample.quarkus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.postcall.AudioEvent;
import dev.postcall.CallInitiationFailureEvent;
import dev.postcall.CallReport;
import dev.postcall.PostCallEvent;
import dev.postcall.TranscriptionEvent;
import dev.postcall.cdi.Agent;

/** The whole sample: CDI observers that receive every verified post-call webhook. */
@ApplicationScoped
public class Calls {
    private static final Logger LOG = Logger.getLogger("calls");

    @ConfigProperty(name = "calls.dir")
    Path dir;

    void onCall(@Observes TranscriptionEvent call) {
        CallReport r = call.report();
        LOG.infof("call %s: %s, %d turns, %s s, cost %s, %s", r.conversationId(), r.direction(), r.turnCount(),
                r.duration() == null ? "?" : r.duration().toSeconds(), r.cost(), r.outcome());
    }

    void onAudio(@Observes AudioEvent audio) throws IOException {
        Path file = Files.createDirectories(dir).resolve(audio.conversationId() + ".mp3");
        LOG.infof("audio %s: %d bytes saved to %s", audio.conversationId(), audio.saveTo(file), file);
    }

    void onFailure(@Observes CallInitiationFailureEvent failure) {
        LOG.infof("call %s not placed: %s, SIP %s", failure.conversationId(), failure.failureReason(),
                failure.sipStatusCode());
    }

    void onSupportLine(@Observes @Agent("agent_8801k6yn4vq7cw2et5bz9hx3md0p") TranscriptionEvent call) {
        LOG.infof("support line call %s", call.conversationId());
    }

    void onAny(@Observes PostCallEvent event) {
        LOG.infof("%s received for %s", event.type(), event.conversationId());
    }
}
