package dev.postcall.sample;

import dev.postcall.AudioEvent;
import dev.postcall.CallInitiationFailureEvent;
import dev.postcall.MalformedDataException;
import dev.postcall.TranscriptionEvent;
import dev.postcall.UnknownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The sample's whole use of postcall: four observer methods that keep what the webhooks bring in a
 * {@link ReceivedCalls}, and the MP3s in a temporary folder.
 *
 * <pre>{@code
 * void onCall(@Observes TranscriptionEvent call)             // who, when, how long, cost, summary, transcript;
 *                                                            // call.backfilled(): fetched from the API, no webhook
 * void onAudio(@Observes AudioEvent audio)                   // the recording, streamed to a file
 * void onFailure(@Observes CallInitiationFailureEvent fail)  // busy, no answer, SIP status
 * void onOther(@Observes UnknownEvent event)                 // a type postcall does not model
 * }</pre>
 */
@ApplicationScoped
public class CallRecorder {

    private static final System.Logger LOG = System.getLogger(CallRecorder.class.getName());

    private final ReceivedCalls calls = new ReceivedCalls();
    private final Clock clock = Clock.systemUTC();
    private Path audioDir;

    /** The application stops: the audio files go with it (nothing to do when no call ever created this bean). */
    synchronized void deleteAudioFolder(
            @Observes(notifyObserver = Reception.IF_EXISTS) @BeforeDestroyed(ApplicationScoped.class) Object app) {
        if (audioDir == null) {
            return;
        }
        try (Stream<Path> files = Files.list(audioDir)) {
            files.forEach(CallRecorder::deleteQuietly);
            Files.deleteIfExists(audioDir);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not delete the audio folder " + audioDir, e);
        }
    }

    /** Keeps the call's report and its transcript, turn by turn, and whether backfill fetched it. */
    void onCall(@Observes TranscriptionEvent call) {
        deleteAll(calls.addCall(call.report(), transcript(call), clock.instant(), call.backfilled()));
    }

    /**
     * The call's turns; none when the webhook sent no transcript, or when it does not fit the model (the report
     * still shows the call).
     */
    static List<ReceivedCalls.Turn> transcript(TranscriptionEvent call) {
        try {
            return call.data().transcript().stream().map(ReceivedCalls.Turn::of).toList();
        } catch (MalformedDataException e) {
            // the exception's text may quote the payload, so only the id is logged
            LOG.log(Level.WARNING, () -> "the transcript of " + call.conversationId()
                    + " does not fit the model; the call is shown without it");
            return List.of();
        }
    }

    /** Streams the call's MP3 into the audio folder; the page then shows a player on that call's row. */
    void onAudio(@Observes AudioEvent audio) throws IOException {
        // our own file name: the conversation id comes from the sender and never becomes a path
        Path file = audioFolder().resolve(UUID.randomUUID() + ".mp3");
        long bytes = audio.saveTo(file);
        LOG.log(Level.DEBUG, () -> "saved " + bytes + " bytes of audio for " + audio.conversationId());
        deleteAll(calls.addAudio(audio.conversationId(), file));
    }

    /** Keeps why the call could not be placed. */
    void onFailure(@Observes CallInitiationFailureEvent failure) {
        calls.addFailure(new ReceivedCalls.FailedInitiation(failure.conversationId(), failure.agentId(),
                failure.failureReason(), failure.provider(), failure.sipStatusCode(), clock.instant()));
    }

    /** Lists an event of a type postcall does not model, so the page shows that it arrived. */
    void onOther(@Observes UnknownEvent event) {
        long secs = event.eventTimestamp();
        calls.addOther(new ReceivedCalls.OtherEvent(event.type(), event.conversationId(),
                secs > 0 ? Instant.ofEpochSecond(secs) : null, clock.instant()));
    }

    private synchronized Path audioFolder() {
        if (audioDir == null) {
            try {
                audioDir = Files.createTempDirectory("postcall-sample-audio");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temporary folder for call audio", e);
            }
        }
        return audioDir;
    }

    /** What has been received so far. */
    public ReceivedCalls received() {
        return calls;
    }

    private static void deleteAll(List<Path> files) {
        files.forEach(CallRecorder::deleteQuietly);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not delete " + file, e);
        }
    }
}
