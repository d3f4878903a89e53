package dev.postcall.sample;

import dev.postcall.CallReport;
import dev.postcall.model.ToolCall;
import dev.postcall.model.TranscriptTurn;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
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
 * transcript and their audio file once it arrived), the last {@value #LIMIT} failed initiations and the last
 * {@value #LIMIT} events of a type postcall does not model. Thread-safe: webhooks arrive on request threads while
 * the page reads.
 *
 * <p>A plain class so it can be tested without a container; {@link CallRecorder} is the CDI bean that fills one.
 */
public final class ReceivedCalls {

    /** How many calls and failures are kept; older ones are dropped first. */
    public static final int LIMIT = 500;

    /**
     * One received call: its report, its transcript (empty when the sender's transcript was not sent or did not fit
     * the model; {@link CallReport#transcriptSent()} tells which), when it arrived, whether backfill fetched it from
     * ElevenLabs' Conversations API rather than a webhook bringing it, and its audio file when that arrived too.
     */
    public record Call(CallReport report, List<Turn> transcript, Instant receivedAt, boolean backfilled, Path audio) {
        /** Keeps an unmodifiable copy of the transcript. */
        public Call {
            transcript = List.copyOf(transcript);
        }

        Call withAudio(Path file) {
            return new Call(report, transcript, receivedAt, backfilled, file);
        }
    }

    /**
     * One turn of a call's transcript, as the page shows it: who spoke, when, what, and which tools the agent called.
     *
     * @param role           {@code agent} or {@code user} as the sender named it; {@code null} when absent
     * @param timeInCallSecs seconds since the call started; {@code null} when absent
     * @param message        what was said; {@code null} for a turn that only called tools
     * @param toolCalls      the names of the tools called in this turn, in order
     */
    public record Turn(String role, Integer timeInCallSecs, String message, List<String> toolCalls) {
        /** Keeps an unmodifiable copy of the tool names. */
        public Turn {
            toolCalls = List.copyOf(toolCalls);
        }

        /** The parts of {@code turn} the page shows. */
        public static Turn of(TranscriptTurn turn) {
            List<String> tools = new ArrayList<>();
            for (ToolCall call : turn.toolCalls()) {
                tools.add(call.toolName() == null ? "unnamed tool" : call.toolName());
            }
            return new Turn(turn.role() == null ? null : turn.role().raw(), turn.timeInCallSecs(), turn.message(),
                    tools);
        }
    }

    /**
     * A verified event of a type postcall does not model, as far as the page lists it.
     *
     * @param type           the event's {@code type}
     * @param conversationId its {@code data.conversation_id}; {@code null} when it has none
     * @param eventTime      its {@code event_timestamp}; {@code null} when it has none
     * @param receivedAt     when the webhook arrived here
     */
    public record OtherEvent(String type, String conversationId, Instant eventTime, Instant receivedAt) {
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
    private final Deque<OtherEvent> others = new ArrayDeque<>();

    /** A store that keeps the last {@value #LIMIT} of each. */
    public ReceivedCalls() {
        this(LIMIT);
    }

    ReceivedCalls(int limit) {
        this.limit = limit;
    }

    /**
     * Records a transcription a webhook brought, and its turns; returns the audio files dropped to stay within the
     * limit (the caller deletes them).
     */
    public synchronized List<Path> addCall(CallReport report, List<Turn> transcript, Instant receivedAt) {
        return addCall(report, transcript, receivedAt, false);
    }

    /**
     * Records a transcription and its turns, {@code backfilled} when backfill fetched it from the Conversations API;
     * returns the audio files dropped to stay within the limit (the caller deletes them).
     */
    public synchronized List<Path> addCall(CallReport report, List<Turn> transcript, Instant receivedAt,
            boolean backfilled) {
        String id = report.conversationId();
        Call previous = calls.get(id);
        Path audio = previous != null ? previous.audio() : pendingAudio.remove(id);
        calls.put(id, new Call(report, transcript, receivedAt, backfilled, audio));
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
        addBounded(failures, failure);
    }

    /** Records an event of a type postcall does not model. */
    public synchronized void addOther(OtherEvent event) {
        addBounded(others, event);
    }

    /** The calls, newest first. */
    public synchronized List<Call> calls() {
        return newestFirst(calls.values());
    }

    /** The failed initiations, newest first. */
    public synchronized List<FailedInitiation> failures() {
        return newestFirst(failures);
    }

    /** The events of types postcall does not model, newest first. */
    public synchronized List<OtherEvent> others() {
        return newestFirst(others);
    }

    /** The audio file of a call, when it arrived (also before its transcription). */
    public synchronized Optional<Path> audio(String conversationId) {
        Call call = calls.get(conversationId);
        if (call != null && call.audio() != null) {
            return Optional.of(call.audio());
        }
        return Optional.ofNullable(pendingAudio.get(conversationId));
    }

    private static <T> List<T> newestFirst(Collection<T> oldestFirst) {
        List<T> list = new ArrayList<>(oldestFirst);
        Collections.reverse(list);
        return list;
    }

    private <T> void addBounded(Deque<T> list, T entry) {
        list.addLast(entry);
        while (list.size() > limit) {
            list.removeFirst();
        }
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
