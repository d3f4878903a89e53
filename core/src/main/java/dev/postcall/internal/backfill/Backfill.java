package dev.postcall.internal.backfill;

import dev.postcall.EventParser;
import dev.postcall.MalformedEventException;
import dev.postcall.PostCallEvent;
import dev.postcall.internal.body.HeldBody;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Fetches the conversations no webhook delivered from ElevenLabs' Conversations API and hands each, as a backfilled
 * event, to the {@link BackfillSink}.
 *
 * <p>A scheduled {@link #run()} covers the window from (watermark − lookback) to now (from now − lookback on the
 * first run), but never from before {@link BackfillSink#earliestStart()}, oldest first, page by page ({@code page_size} {@value #PAGE_SIZE}, following {@code next_cursor}),
 * once per agent of {@code backfill-agents} or once for all. For each conversation:
 * <ol>
 *   <li>not {@code done} or {@code failed}: skipped ({@code UNFINISHED}); a later run looks again;</li>
 *   <li>{@link BackfillSink#received} says this application has its transcription: nothing to do;</li>
 *   <li>otherwise the conversation is fetched, and with {@code backfill-audio} its recording when
 *       {@code has_audio} says there is one; the recording is dispatched first, then the transcription, so that the
 *       transcription (whose dispatch makes {@code received} true) is the last step, and a run that stops between
 *       them fetches both again next time (the recording is then a {@code DUPLICATE} to the store).</li>
 * </ol>
 *
 * <p>The watermark moves only at the end of a complete run, and only past settled conversations: to the start of
 * the earliest conversation that a later run must try again, or to the window's end when there is none. A
 * conversation that is still not settled when it started more than the lookback before the run is given up on
 * (logged as a WARNING, marked in the report): it no longer holds the watermark back, and it leaves the window.
 *
 * <p>An on-demand {@link #backfill(Instant, Instant)} covers the window it is given, the same way, without reading
 * or moving the watermark and without asking {@link BackfillSink#tryLead()}. One run at a time: a second caller
 * waits for the first.
 *
 * <p>A rejected API key stops the run, and every later one (the client sends nothing more); the client logs it
 * once. A failing API call for one conversation skips that conversation; a failing list, a failing sink, or an
 * interrupt stops the run, which then leaves the watermark where it was.
 */
public final class Backfill {

    /** The {@code page_size} of every list request: the API's largest. */
    static final int PAGE_SIZE = ElevenLabsApi.MAX_PAGE_SIZE;

    private static final System.Logger LOG = System.getLogger("dev.postcall.backfill");

    private final ElevenLabsApi api;
    private final BackfillSink sink;
    private final EventParser parser;
    private final BackfilledBodies bodies;
    private final Duration lookback;
    private final List<String> agents;
    private final boolean audio;
    private final Clock clock;
    private final ReentrantLock oneRun = new ReentrantLock();
    private volatile BackfillReport last;
    /** The last stop logged, so that a run failing the same way every interval logs it once. */
    private String lastStopLogged;

    /**
     * @param api             the vendor's API
     * @param sink            the pipeline and its store
     * @param parser          parses the backfilled bodies
     * @param settings        the lookback, the agents and whether recordings are fetched
     * @param memoryThreshold bytes of a body kept in memory; a larger one goes to a temp file
     * @param tempDir         where those temp files go
     * @param clock           the time windows are measured by
     */
    public Backfill(ElevenLabsApi api, BackfillSink sink, EventParser parser, BackfillSettings settings,
            int memoryThreshold, Path tempDir, Clock clock) {
        this.api = Objects.requireNonNull(api, "api");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.parser = Objects.requireNonNull(parser, "parser");
        this.lookback = settings.lookback();
        this.agents = settings.agents();
        this.audio = settings.audio();
        this.bodies = new BackfilledBodies(memoryThreshold, Objects.requireNonNull(tempDir, "tempDir"));
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * One scheduled run: the window from (watermark − lookback) to now, if this node leads.
     *
     * <p>An interrupt ends the run ({@code STOPPED}) with the thread's interrupt status set again.
     *
     * @throws Error what the sink threw, after the run released its bodies
     */
    public BackfillReport run() {
        oneRun.lock();
        try {
            Instant now = seconds(clock.instant());
            Optional<Instant> watermark;
            Instant earliest;
            try {
                if (!sink.tryLead()) {
                    return finish(new BackfillReport(BackfillReport.Ending.NOT_LEADING, null, null, 0, 0, 0, 0,
                            List.of(), null, null));
                }
                watermark = sink.watermark();
                earliest = sink.earliestStart();
            } catch (RuntimeException e) {
                return finish(new BackfillReport(BackfillReport.Ending.STOPPED, null, null, 0, 0, 0, 0, List.of(),
                        "the store failed: " + e, null));
            }
            Instant from = seconds(watermark.orElse(now).minus(lookback));
            if (earliest.isAfter(from)) {
                // before it the store cannot tell a conversation the webhook delivered from one it never received
                from = seconds(earliest.isAfter(now) ? now : earliest);
            }
            return finish(walk(from, now, now.minus(lookback), watermark));
        } finally {
            oneRun.unlock();
        }
    }

    /**
     * Backfills the window [{@code from}, {@code to}) now, after a known outage: every finished conversation that
     * started in it and that this application never received. The watermark is neither read nor moved.
     *
     * @throws IllegalArgumentException when {@code from} is not before {@code to}
     * @throws Error                    what the sink threw, after the run released its bodies
     */
    public BackfillReport backfill(Instant from, Instant to) {
        Instant start = seconds(Objects.requireNonNull(from, "from"));
        Instant end = seconds(Objects.requireNonNull(to, "to"));
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("the window's start must be before its end");
        }
        oneRun.lock();
        try {
            return finish(walk(start, end, null, null));
        } finally {
            oneRun.unlock();
        }
    }

    /** The report of the last run, scheduled or on demand; empty before the first. */
    public Optional<BackfillReport> lastReport() {
        return Optional.ofNullable(last);
    }

    /**
     * Why backfill stopped for good (the API key was rejected), in words for health; empty while it runs.
     */
    public Optional<String> stopped() {
        return api.keyRejected();
    }

    /**
     * Goes through the window.
     *
     * @param giveUpBefore a conversation that started before this and is not settled no longer holds the watermark;
     *                     {@code null} for an on-demand window
     * @param watermark    the watermark at the start; {@code null} for an on-demand window
     */
    private BackfillReport walk(Instant from, Instant to, Instant giveUpBefore, Optional<Instant> watermark) {
        Run run = new Run();
        String stop = null;
        try {
            for (String agent : agents.isEmpty() ? Collections.<String>singletonList(null) : agents) {
                String cursor = null;
                Set<String> cursors = new HashSet<>();
                ConversationPage page;
                do {
                    // the API's "after" may or may not include its second: ask from one second earlier, keep [from, to)
                    page = api.conversations(from.minusSeconds(1), to, agent, cursor, PAGE_SIZE);
                    for (ConversationSummary c : page.conversations()) {
                        if (c.startTimeUnixSecs() >= from.getEpochSecond()
                                && c.startTimeUnixSecs() < to.getEpochSecond() && run.seen.add(c.conversationId())) {
                            run.found++;
                            if (!conversation(c, run)) {
                                run.unsettled(c, giveUpBefore);
                            }
                        }
                    }
                    cursor = page.nextCursor();
                    if (page.hasMore() && (cursor == null || !cursors.add(cursor))) {
                        throw new ApiException.Malformed("GET /v1/convai/conversations said has_more without a new"
                                + " next_cursor");
                    }
                } while (page.hasMore());
            }
        } catch (ApiException e) {
            stop = e.getMessage();
        } catch (SinkFailure e) {
            stop = e.getMessage();
        } catch (IOException e) {
            stop = "could not write a backfilled body: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop = "interrupted";
        }
        Instant after = watermark == null ? null : watermark.orElse(null);
        if (stop == null && watermark != null) {
            Instant next = run.hold != null ? run.hold : to;
            if (after == null || next.isAfter(after)) {
                try {
                    sink.advance(next);
                    after = next;
                } catch (RuntimeException e) {
                    stop = "the store could not keep the watermark " + next + ": " + e;
                }
            }
        }
        return new BackfillReport(stop == null ? BackfillReport.Ending.COMPLETED : BackfillReport.Ending.STOPPED,
                from, to, run.found, run.dispatched, run.audioDispatched, run.alreadyReceived, run.skipped, stop,
                after);
    }

    /**
     * One listed conversation.
     *
     * @return whether it is settled
     * @throws ApiException only {@link ApiException.KeyRejected}: every other API failure skips the conversation
     * @throws SinkFailure  when the sink threw
     */
    private boolean conversation(ConversationSummary c, Run run)
            throws ApiException, SinkFailure, IOException, InterruptedException {
        String id = c.conversationId();
        if (!c.finished()) {
            return run.skip(id, BackfillReport.Reason.UNFINISHED, c.status());
        }
        boolean received;
        try {
            received = sink.received(id);
        } catch (RuntimeException e) {
            throw new SinkFailure("the store failed on received(" + id + "): " + e, e);
        }
        if (received) {
            run.alreadyReceived++;
            return true;
        }
        HeldBody transcript = null;
        HeldBody recording = null;
        try {
            try {
                transcript = api.conversation(id, bodies.transcription(c));
            } catch (ApiException.NotFound e) {
                return run.skip(id, BackfillReport.Reason.GONE, e.getMessage());
            } catch (ApiException.Unavailable | ApiException.Refused | ApiException.Malformed e) {
                return run.skip(id, BackfillReport.Reason.NOT_FETCHED, e.getMessage());
            }
            PostCallEvent transcription;
            ConversationFacts facts;
            try {
                transcription = parser.parse(transcript);
                facts = ConversationFacts.of(transcript);
            } catch (MalformedEventException | IllegalArgumentException e) {
                return run.skip(id, BackfillReport.Reason.UNREADABLE, e.getMessage());
            }
            if (!builtHere(transcription, EventParser.TRANSCRIPTION)) {
                return run.skip(id, BackfillReport.Reason.UNREADABLE, "the API's conversation is not one JSON object");
            }
            if (!id.equals(facts.conversationId())) {
                return run.skip(id, BackfillReport.Reason.UNREADABLE, "the API answered with another conversation_id");
            }
            if (!facts.finished()) {
                return run.skip(id, BackfillReport.Reason.UNFINISHED, String.valueOf(facts.status()));
            }
            if (audio && facts.hasAudio()) {
                try {
                    recording = api.audio(id, bodies.audio(c));
                } catch (ApiException.NotFound e) {
                    run.skip(id, BackfillReport.Reason.AUDIO_GONE, e.getMessage());
                } catch (ApiException.Unavailable | ApiException.Refused | ApiException.Malformed e) {
                    return run.skip(id, BackfillReport.Reason.NOT_FETCHED, "the recording: " + e.getMessage());
                }
                if (recording != null) {
                    PostCallEvent recorded;
                    try {
                        recorded = parser.parse(recording);
                    } catch (MalformedEventException e) {
                        return run.skip(id, BackfillReport.Reason.UNREADABLE, "the recording: " + e.getMessage());
                    }
                    if (!builtHere(recorded, EventParser.AUDIO)) {
                        return run.skip(id, BackfillReport.Reason.UNREADABLE, "the recording is not one body");
                    }
                    BackfillSink.Outcome outcome = dispatch(recorded);
                    if (!outcome.settled()) {
                        return run.skip(id, reason(outcome), "the recording: " + outcome);
                    }
                    if (outcome != BackfillSink.Outcome.DUPLICATE) {
                        run.audioDispatched++;
                    }
                }
            }
            BackfillSink.Outcome outcome = dispatch(transcription);
            if (outcome == BackfillSink.Outcome.HANDLED || outcome == BackfillSink.Outcome.KEPT) {
                run.dispatched++;
                return true;
            }
            return run.skip(id, reason(outcome), outcome.toString());
        } finally {
            if (recording != null) {
                recording.release();
            }
            if (transcript != null) {
                transcript.release();
            }
        }
    }

    /**
     * Whether the parsed body is the envelope {@link BackfilledBodies} built: an answer that closes the {@code data}
     * object early could otherwise add envelope members of its own after it (JSON's last member wins).
     */
    private static boolean builtHere(PostCallEvent event, String type) {
        return event.backfilled() && type.equals(event.type());
    }

    private BackfillSink.Outcome dispatch(PostCallEvent event) throws SinkFailure {
        BackfillSink.Outcome outcome;
        try {
            outcome = sink.dispatch(event);
        } catch (RuntimeException e) {
            throw new SinkFailure("the pipeline failed on " + event + ": " + e, e);
        }
        if (outcome == null) {
            throw new SinkFailure("the pipeline answered no outcome for " + event, null);
        }
        return outcome;
    }

    private static BackfillReport.Reason reason(BackfillSink.Outcome outcome) {
        return switch (outcome) {
            case DUPLICATE -> BackfillReport.Reason.DUPLICATE;
            case IN_PROGRESS -> BackfillReport.Reason.IN_PROGRESS;
            case NOT_KEPT -> BackfillReport.Reason.NOT_KEPT;
            case HANDLED, KEPT -> throw new IllegalArgumentException(outcome + " is dispatched, not skipped");
        };
    }

    /** Keeps the report and logs it: a line when something happened, a stop once per distinct cause. */
    private BackfillReport finish(BackfillReport report) {
        last = report;
        for (BackfillReport.Skipped s : report.skipped()) {
            if (s.givenUp()) {
                LOG.log(System.Logger.Level.WARNING, "backfill gave up on conversation {0}: {1} ({2}) since it"
                        + " started more than {3} ago", s.conversationId(), s.reason(), s.detail(), lookback);
            }
        }
        // called under oneRun, like every use of lastStopLogged
        if (report.ending() == BackfillReport.Ending.STOPPED) {
            // a rejected key is logged once by the client, which sees it first
            if (!report.stoppedBy().equals(lastStopLogged) && api.keyRejected().isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, report.summary());
            }
            lastStopLogged = report.stoppedBy();
            return report;
        }
        lastStopLogged = null;
        System.Logger.Level level = report.dispatched() + report.audioDispatched() > 0 || !report.skipped().isEmpty()
                ? System.Logger.Level.INFO : System.Logger.Level.DEBUG;
        LOG.log(level, report.summary());
        return report;
    }

    private static Instant seconds(Instant instant) {
        return Instant.ofEpochSecond(instant.getEpochSecond());
    }

    /** What one run has counted so far. */
    private static final class Run {
        final Set<String> seen = new HashSet<>();
        final List<BackfillReport.Skipped> skipped = new ArrayList<>();
        int found;
        int dispatched;
        int audioDispatched;
        int alreadyReceived;
        /** The start of the earliest conversation a later run must try again; {@code null} for none. */
        Instant hold;

        /** Notes a skip; answers whether the conversation is settled all the same. */
        boolean skip(String id, BackfillReport.Reason reason, String detail) {
            skipped.add(new BackfillReport.Skipped(id, reason, detail, false));
            return !reason.triedAgain();
        }

        /** A conversation a later run must try again: it holds the watermark, unless it is given up on. */
        void unsettled(ConversationSummary c, Instant giveUpBefore) {
            if (giveUpBefore != null && c.started().isBefore(giveUpBefore)) {
                // the skip that made it unsettled is the last one noted
                BackfillReport.Skipped s = skipped.remove(skipped.size() - 1);
                skipped.add(new BackfillReport.Skipped(s.conversationId(), s.reason(), s.detail(), true));
                return;
            }
            if (hold == null || c.started().isBefore(hold)) {
                hold = c.started();
            }
        }
    }

    /** The sink threw: the run stops. */
    private static final class SinkFailure extends Exception {
        private static final long serialVersionUID = 1L;

        SinkFailure(String message, RuntimeException cause) {
            super(message, cause);
        }
    }
}
