package dev.postcall.internal.backfill;

import dev.postcall.AudioEvent;
import dev.postcall.PostCallEvent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A sink that stands in for the pipeline and its durable store: it remembers what it settled (so a new
 * {@link Backfill} over the same instance is a restart), copies what each dispatched event holds while it is
 * dispatched, and answers what a test scripts.
 */
final class FakeSink implements BackfillSink {

    /**
     * What a dispatched event held, read during {@code dispatch}.
     *
     * @param audioSha the decoded recording's SHA-256 (audio only)
     * @param body     the whole body (transcriptions only)
     */
    record Dispatched(String eventClass, String type, String conversationId, String agentId, long eventTimestamp,
                      boolean backfilled, boolean answered, boolean bodyInMemory, byte[] body, String audioSha,
                      long audioLength, BackfillSink.Outcome outcome) {
    }

    /** The store's durable state, shared by every engine over this sink. */
    final Set<String> received = new HashSet<>();
    private final Set<String> keys = new HashSet<>();
    final List<Dispatched> dispatched = new ArrayList<>();
    final List<Instant> advances = new ArrayList<>();
    Instant watermark;
    /** What {@code earliestStart} answers: the store knows what it handled since then. */
    Instant earliest = Instant.EPOCH;
    boolean leading = true;
    int tryLeadCalls;
    int receivedCalls;
    /** What the handlers do with an event; by default they succeed. */
    Function<PostCallEvent, Outcome> handlers = e -> Outcome.HANDLED;
    /** Throws in {@code received}, when set. */
    RuntimeException failReceived;
    /** Throws in {@code advance}, when set. */
    RuntimeException failAdvance;
    /** Runs first in each {@code tryLead} (and may throw). */
    Runnable onTryLead = () -> { };

    @Override
    public synchronized boolean received(String conversationId) {
        receivedCalls++;
        if (failReceived != null) {
            throw failReceived;
        }
        return received.contains(conversationId);
    }

    @Override
    public synchronized Outcome dispatch(PostCallEvent event) {
        String key = event.type() + "|" + event.conversationId() + "|" + event.eventTimestamp();
        Outcome outcome = keys.contains(key) ? Outcome.DUPLICATE : handlers.apply(event);
        byte[] body = null;
        String sha = null;
        long audioLength = -1;
        try {
            if (event instanceof AudioEvent audio) {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                try (InputStream in = audio.openStream()) {
                    byte[] buffer = new byte[64 * 1024];
                    audioLength = 0;
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        digest.update(buffer, 0, n);
                        audioLength += n;
                    }
                }
                sha = HexFormat.of().formatHex(digest.digest());
            } else {
                try (InputStream in = event.body().openStream()) {
                    body = in.readAllBytes();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        dispatched.add(new Dispatched(event.getClass().getSimpleName(), event.type(), event.conversationId(),
                event.agentId(), event.eventTimestamp(), event.backfilled(),
                event.answered().toCompletableFuture().isDone(), event.body().inMemoryBytes() != null, body, sha,
                audioLength, outcome));
        if (outcome.settled()) {
            keys.add(key);
            if (event.type().equals("post_call_transcription")) {
                received.add(event.conversationId());
            }
        }
        return outcome;
    }

    @Override
    public synchronized Instant earliestStart() {
        return earliest;
    }

    @Override
    public synchronized Optional<Instant> watermark() {
        return Optional.ofNullable(watermark);
    }

    @Override
    public synchronized void advance(Instant next) {
        if (failAdvance != null) {
            throw failAdvance;
        }
        advances.add(next);
        watermark = next;
    }

    @Override
    public synchronized boolean tryLead() {
        tryLeadCalls++;
        onTryLead.run();
        return leading;
    }

    /** The conversation ids of the dispatched transcriptions, in order. */
    synchronized List<String> transcriptions() {
        return dispatched.stream().filter(d -> d.type().equals("post_call_transcription"))
                .map(Dispatched::conversationId).toList();
    }
}
