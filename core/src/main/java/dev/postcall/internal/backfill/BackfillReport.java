package dev.postcall.internal.backfill;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What one backfill run found and did: for the log, the MBean operation and the Actuator endpoint.
 *
 * @param ending          whether the run went through its window
 * @param from            the window's start (inclusive, whole seconds); {@code null} when the run did not start
 * @param to              the window's end (exclusive, whole seconds); {@code null} when the run did not start
 * @param found           conversations of the window the API listed
 * @param dispatched      conversations whose transcription went to the handlers (handled, or kept for replay)
 * @param audioDispatched recordings that went to the handlers
 * @param alreadyReceived conversations this application had received already (by webhook or backfill)
 * @param skipped         every other conversation, with the reason
 * @param stoppedBy       why the run stopped before the end of its window; {@code null} unless {@code STOPPED}
 * @param watermark       the watermark after the run; {@code null} for an on-demand window or before the first one
 */
public record BackfillReport(Ending ending, Instant from, Instant to, int found, int dispatched, int audioDispatched,
                             int alreadyReceived, List<Skipped> skipped, String stoppedBy, Instant watermark) {

    /** Copies the list. */
    public BackfillReport {
        skipped = List.copyOf(skipped);
    }

    /** How a run ended. */
    public enum Ending {
        /** It went through its whole window. */
        COMPLETED,
        /** Another node of the cluster runs the scheduled backfill; this one did nothing. */
        NOT_LEADING,
        /** It stopped part way: see {@link BackfillReport#stoppedBy()}. */
        STOPPED
    }

    /** Why a conversation was not dispatched. */
    public enum Reason {
        /** Not {@code done} or {@code failed} yet (initiated, in progress, processing); a later run looks again. */
        UNFINISHED(false),
        /** The API no longer has it (deleted, past its retention); nothing to dispatch, ever. */
        GONE(false),
        /** The API did not answer in time or refused the request; a later run tries again. */
        NOT_FETCHED(false),
        /** The API's answer is not a conversation postcall can read; a later run tries again. */
        UNREADABLE(false),
        /** The store had this delivery already. */
        DUPLICATE(false),
        /** Another thread or node is handling it now; a later run looks again. */
        IN_PROGRESS(false),
        /** A handler failed and nothing was kept; a later run tries again. */
        NOT_KEPT(false),
        /** {@code has_audio} said there is a recording and the API has none: the transcription went alone. */
        AUDIO_GONE(true);

        private final boolean dispatched;

        Reason(boolean dispatched) {
            this.dispatched = dispatched;
        }

        /** Whether the conversation's transcription was dispatched all the same (only the recording is missing). */
        public boolean transcriptionDispatched() {
            return dispatched;
        }

        /** Whether a later run tries the conversation again. */
        public boolean triedAgain() {
            return this == UNFINISHED || this == NOT_FETCHED || this == UNREADABLE || this == IN_PROGRESS
                    || this == NOT_KEPT;
        }
    }

    /**
     * One conversation not dispatched (or dispatched without its recording).
     *
     * @param conversationId the conversation
     * @param reason         why
     * @param detail         the status, the API's answer or the outcome, in words (never payload content)
     * @param givenUp        whether the scheduled run stopped waiting for it: it started more than the lookback
     *                       before the run, so the watermark passed it
     */
    public record Skipped(String conversationId, Reason reason, String detail, boolean givenUp) {
    }

    /** The skipped conversations counted by reason. */
    public Map<Reason, Integer> skippedByReason() {
        Map<Reason, Integer> counts = new EnumMap<>(Reason.class);
        skipped.forEach(s -> counts.merge(s.reason(), 1, Integer::sum));
        return counts;
    }

    /** One line: the window, the counts and the ending. */
    public String summary() {
        if (ending == Ending.NOT_LEADING) {
            return "backfill: another node runs it";
        }
        if (from == null) {
            return "backfill did not start: " + stoppedBy;
        }
        StringBuilder line = new StringBuilder("backfill ").append(from).append(" to ").append(to)
                .append(": found ").append(found).append(", dispatched ").append(dispatched);
        if (audioDispatched > 0) {
            line.append(" (and ").append(audioDispatched).append(" recordings)");
        }
        line.append(", already received ").append(alreadyReceived).append(", skipped ").append(skipped.size());
        if (!skipped.isEmpty()) {
            line.append(' ').append(skippedByReason());
        }
        if (ending == Ending.STOPPED) {
            line.append("; stopped: ").append(stoppedBy);
        }
        if (watermark != null) {
            line.append("; watermark ").append(watermark);
        }
        return line.toString();
    }
}
