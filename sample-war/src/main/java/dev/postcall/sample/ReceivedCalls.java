package dev.postcall.sample;

import dev.postcall.CallReport;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the sample has received, in memory and bounded: the last {@value #LIMIT} calls (transcriptions, with their
 * audio file once it arrived) and the last {@value #LIMIT} failed initiations. Thread-safe: webhooks arrive on
 * request threads while the page reads.
 *
 * <p>A plain class so it can be tested without a container; {@link CallRecorder} is the CDI bean that fills one.
 */
public final class ReceivedCalls {

    /** How many calls and failures are kept; older ones are dropped first. */
    public static final int LIMIT = 500;

    /** One received call: its report, when the webhook arrived, and its audio file when that arrived too. */
    public record Call(CallReport report, Instant receivedAt, Path audio) {
        Call withAudio(Path file) {
            return new Call(report, receivedAt, file);
        }
    }

    /** A call that never connected, as the {@code call_initiation_failure} webhook described it. */
    public record FailedInitiation(String conversationId, String agentId, String reason, String provider,
                                   Integer sipStatusCode, Instant receivedAt) {
    }

    private final int limit;
    // by conversation id, oldest first; a second delivery of the same call replaces the first in place
    private final LinkedHashMap<String, Call> calls = new LinkedHashMap<>();
    // audio that arrived before its transcription, kept until the transcription comes (bounded like the calls)
    private final LinkedHashMap<String, Path> pendingAudio = new LinkedHashMap<>();
    private final Deque<FailedInitiation> failures = new ArrayDeque<>();

    /** A store that keeps the last {@value #LIMIT} of each. */
    public ReceivedCalls() {
        this(LIMIT);
    }

    ReceivedCalls(int limit) {
        this.limit = limit;
    }

    /** Records a transcription; returns the audio files dropped to stay within the limit (the caller deletes them). */
    public synchronized List<Path> addCall(CallReport report, Instant receivedAt) {
        String id = report.conversationId();
        Call previous = calls.get(id);
        Path audio = previous != null ? previous.audio() : pendingAudio.remove(id);
        calls.put(id, new Call(report, receivedAt, audio));
        return trim();
    }

    /**
     * Records that a call's audio is saved in {@code file}; returns the files no longer referenced (a replaced one,
     * or those dropped to stay within the limit).
     */
    public synchronized List<Path> addAudio(String conversationId, Path file) {
        List<Path> unused = new ArrayList<>();
        Call call = calls.get(conversationId);
        Path previous;
        if (call != null) {
            previous = call.audio();
            calls.put(conversationId, call.withAudio(file));
        } else {
            previous = pendingAudio.put(conversationId, file);
        }
        if (previous != null && !previous.equals(file)) {
            unused.add(previous);
        }
        unused.addAll(trim());
        return unused;
    }

    /** Records a failed initiation. */
    public synchronized void addFailure(FailedInitiation failure) {
        failures.addLast(failure);
        while (failures.size() > limit) {
            failures.removeFirst();
        }
    }

    /** The calls, newest first. */
    public synchronized List<Call> calls() {
        List<Call> newestFirst = new ArrayList<>(calls.values());
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    /** The failed initiations, newest first. */
    public synchronized List<FailedInitiation> failures() {
        List<FailedInitiation> newestFirst = new ArrayList<>(failures);
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    /** The audio file of a call, when it arrived (also before its transcription). */
    public synchronized Optional<Path> audio(String conversationId) {
        Call call = calls.get(conversationId);
        if (call != null && call.audio() != null) {
            return Optional.of(call.audio());
        }
        return Optional.ofNullable(pendingAudio.get(conversationId));
    }

    private List<Path> trim() {
        List<Path> dropped = new ArrayList<>();
        dropOldest(calls, dropped, Call::audio);
        dropOldest(pendingAudio, dropped, p -> p);
        return dropped;
    }

    private <V> void dropOldest(LinkedHashMap<String, V> map, List<Path> dropped,
                                Function<V, Path> audioOf) {
        Iterator<Map.Entry<String, V>> it = map.entrySet().iterator();
        int excess = map.size() - limit;
        while (excess-- > 0 && it.hasNext()) {
            Map.Entry<String, V> eldest = it.next();
            Path audio = audioOf.apply(eldest.getValue());
            if (audio != null) {
                dropped.add(audio);
            }
            it.remove();
        }
    }
}
