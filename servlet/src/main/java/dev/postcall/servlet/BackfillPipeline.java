package dev.postcall.servlet;

import java.io.File;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.servlet.ServletContext;

import dev.postcall.EventParser;
import dev.postcall.PostCallEvent;
import dev.postcall.internal.backfill.Backfill;
import dev.postcall.internal.backfill.BackfillReport;
import dev.postcall.internal.backfill.BackfillScheduler;
import dev.postcall.internal.backfill.BackfillSettings;
import dev.postcall.internal.backfill.BackfillSink;
import dev.postcall.internal.backfill.ElevenLabsApi;
import dev.postcall.internal.backfill.WebhookWatch;
import dev.postcall.internal.backfill.WebhookWatchState;
import dev.postcall.internal.delivery.Dispatcher;
import dev.postcall.internal.delivery.HandlerRunner;
import dev.postcall.internal.monitoring.Webhook;
import dev.postcall.spi.DeliveryKey;
import dev.postcall.spi.DeliveryStore;

/**
 * Backfill as the servlet runs it: the engine's {@link BackfillSink} over the servlet's own store, dispatcher and
 * handlers, so a backfilled conversation is admitted under the same key as its webhook (whichever comes second is a
 * duplicate), handled by the same handlers, logged in the same line ({@code backfilled} instead of an answer) and
 * counted in the same meters. It starts with the servlet (after the store, before the first request) and stops with
 * it.
 *
 * <p>Backfill needs a store that {@linkplain DeliveryStore#backfilling() offers its state}: the directory
 * ({@code inbox-dir}) or the database ({@code inbox=…}); with the memory store start-up is refused.
 */
final class BackfillPipeline implements BackfillSink, Webhook.Backfiller, AutoCloseable {

    /** From the servlet's start to the first run: let the application finish starting. */
    static final Duration FIRST_RUN_AFTER = Duration.ofSeconds(2);

    private final Dispatcher dispatcher;
    private final HandlerRunner handlers;
    private final DeliveryStore.Backfilling state;
    private final BackfillSettings settings;
    private final Duration lease;
    private final ElevenLabsApi api;
    private final Backfill backfill;
    private final WebhookWatch watch;
    private volatile Optional<Instant> watermark = Optional.empty();
    private DeliveryLog log;
    private Webhook webhook;
    private BackfillScheduler scheduler;

    private BackfillPipeline(BackfillSettings settings, Dispatcher dispatcher, HandlerRunner handlers,
            DeliveryStore.Backfilling state, Path tempDir, Clock clock) {
        this.settings = settings;
        this.dispatcher = dispatcher;
        this.handlers = handlers;
        this.state = state;
        // held two intervals, renewed by each run: a node that died hands it on after two intervals at most
        this.lease = settings.interval().multipliedBy(2);
        this.api = new ElevenLabsApi(settings.baseUrl(), settings.apiKey(), ElevenLabsApi.Policy.DEFAULT, clock,
                ElevenLabsApi.Pause.SLEEP);
        this.backfill = new Backfill(api, this, new EventParser(), settings, Settings.DEFAULT_MEMORY_THRESHOLD, tempDir,
                clock);
        this.watch = new WebhookWatch(api, clock);
    }

    /**
     * Readies the store for backfill, before anything runs: a store that cannot backfill fails the servlet's start.
     *
     * @throws IllegalStateException with the start-up message when the store cannot backfill (the memory store, a
     *                               missing table); never the API key
     */
    static BackfillPipeline prepare(BackfillSettings settings, Dispatcher dispatcher, HandlerRunner handlers,
            ServletContext context) {
        DeliveryStore store = dispatcher.store();
        DeliveryStore.Backfilling state = store.backfilling().orElseThrow(() -> new IllegalStateException(
                BackfillSettings.API_KEY + " is set, but the store (" + store.description() + ") forgets at a restart"
                + " what it handled, so backfill would fetch every conversation again: set " + DeliverySettings.INBOX_DIR
                + " (a directory of this node's) or " + DeliverySettings.INBOX + "=jndi:<DataSource name> (a database"
                + " shared by the cluster), or remove " + BackfillSettings.API_KEY));
        try {
            state.prepare(settings.lookback().plus(settings.interval().multipliedBy(2)));
        } catch (DeliveryStore.StoreException | RuntimeException e) {
            throw new IllegalStateException(BackfillSettings.API_KEY + " is set, but the store cannot backfill: "
                    + PostCallWebhookServlet.withoutPasswords(e), e);
        }
        Object dir = context.getAttribute(ServletContext.TEMPDIR);
        Path tempDir = dir instanceof File file ? file.toPath() : Path.of(System.getProperty("java.io.tmpdir"));
        return new BackfillPipeline(settings, dispatcher, handlers, state, tempDir, Clock.systemUTC());
    }

    /** Starts the scheduled runs and the watch, logged in {@code log} and shown by {@code webhook}; once. */
    BackfillPipeline start(DeliveryLog log, Webhook webhook) {
        this.log = log;
        this.webhook = webhook;
        webhook.backfillStarted(this);
        scheduler = BackfillScheduler.start(backfill, watch, settings.interval(), FIRST_RUN_AFTER);
        Log.LOGGER.log(Level.INFO, "webhook ''{0}'': backfill from {1} every {2}, looking back {3}; the first run in"
                + " {4}", webhook.name(), settings.baseUrl(), settings.interval(), settings.lookback(),
                FIRST_RUN_AFTER);
        return this;
    }

    /** Stops the runs (one in progress is interrupted and waited for) and takes backfill out of the monitoring. */
    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.close();
        }
        if (webhook != null) {
            webhook.backfillStopped();
        }
    }

    // ------------------------------------------------------------------------------------------------ the sink

    @Override
    public boolean received(String conversationId) {
        try {
            return state.knows(new DeliveryKey(EventParser.TRANSCRIPTION, conversationId, 0));
        } catch (DeliveryStore.StoreException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public Outcome dispatch(PostCallEvent event) {
        long started = System.nanoTime();
        // no signature: the t kept with it is 0, and the CLI's replay signs anew in any case
        Dispatcher.Result result = dispatcher.deliver(event, 0, "application/json", handlers);
        try {
            log.backfilled(event, result, System.nanoTime() - started);
        } catch (RuntimeException e) {
            // a logging back-end that throws changes nothing of what became of the delivery
        }
        return switch (result.outcome()) {
            case HANDLED, HANDLED_UNRECORDED -> Outcome.HANDLED;
            // a durable store still has what it kept at admission when it could not record the failure
            case FAILED_KEPT, MALFORMED_KEPT, FAILED_UNRECORDED -> Outcome.KEPT;
            case DUPLICATE -> Outcome.DUPLICATE;
            case IN_PROGRESS -> Outcome.IN_PROGRESS;
            case FAILED, MALFORMED, NO_HANDLER -> Outcome.NOT_KEPT;
            case STORE_UNAVAILABLE -> throw new IllegalStateException("the store could not keep a backfilled"
                    + " delivery: " + (result.store() == null ? "unknown" : result.store().getMessage()));
        };
    }

    @Override
    public Optional<Instant> watermark() {
        try {
            Optional<Instant> read = state.watermark();
            watermark = read;
            return read;
        } catch (DeliveryStore.StoreException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public Instant earliestStart() {
        try {
            return state.knowsSince();
        } catch (DeliveryStore.StoreException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public void advance(Instant next) {
        try {
            state.advance(next);
            watermark = Optional.of(next);
        } catch (DeliveryStore.StoreException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public boolean tryLead() {
        try {
            return state.tryLead(lease);
        } catch (DeliveryStore.StoreException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------------------------- what monitoring reads

    @Override
    public BackfillReport backfill(Instant from, Instant to) {
        return backfill.backfill(from, to);
    }

    @Override
    public Optional<BackfillReport> lastRun() {
        return backfill.lastReport();
    }

    @Override
    public Optional<String> keyRejected() {
        return api.keyRejected();
    }

    @Override
    public WebhookWatchState watch() {
        return watch.state();
    }

    @Override
    public Optional<Instant> lastWatermark() {
        return watermark;
    }
}
