package dev.postcall.internal.monitoring;

import dev.postcall.internal.backfill.BackfillReport;
import dev.postcall.internal.backfill.WebhookWatchState;
import dev.postcall.internal.inbox.DirectoryStore;
import dev.postcall.monitoring.ReplayReport;
import dev.postcall.monitoring.WebhookHealth;
import dev.postcall.monitoring.WebhookMonitor;
import dev.postcall.monitoring.WebhookStatistics;
import dev.postcall.monitoring.Webhooks;
import dev.postcall.spi.DeliveryStore;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The state of one webhook: the filter and the servlet of one name in one web application share it. They record
 * into it on the request path (adders only: no lock, no allocation), it answers {@link #statistics()} and
 * {@link #health()}, and while a component of it runs it is published as a JMX MXBean and, when Micrometer is on the
 * class path, as meters.
 *
 * <pre>{@code
 * Webhook webhook = Webhook.of(servletContext, "/", "postcall", reasons);
 * webhook.start(meterRegistryOrNull);           // filter or servlet init
 * webhook.rejected(index);  webhook.delivered(...);
 * webhook.stop();                                // destroy: the last one out unpublishes it
 * }</pre>
 */
public final class Webhook implements WebhookMonitor {

    private static final System.Logger LOG = System.getLogger("dev.postcall.monitoring");
    /** Keyed weakly by the web application's context object, so a stopped application is not kept alive. */
    private static final Map<Object, Map<String, Webhook>> BY_APPLICATION = new WeakHashMap<>();
    private static final boolean MICROMETER = present("io.micrometer.core.instrument.MeterRegistry");
    private static final long INBOX_RECOUNT_NANOS = 1_000_000_000L;
    /** Answers failing in a row from which health warns. */
    public static final int STREAK_WARNING = 5;

    private final java.lang.ref.WeakReference<Object> application;
    private final String contextPath;
    private final String name;
    private final List<String> reasons;
    private final LongAdder[] deliveries;
    private final LongAdder[] rejections;
    private final LongAdder verified = new LongAdder();
    private final LongAdder handlerFailures = new LongAdder();
    private final HandlingTimes times = new HandlingTimes();
    private final FailureStreak streak = new FailureStreak();

    private Webhooks.Registration listed;
    private volatile int running;
    private Object jmx;
    private Object meters;

    private volatile int secrets = -1;
    private volatile String filterFailure;
    private volatile String servletFailure;
    private volatile boolean filterMissing;
    private volatile DeliveryStore store;
    private volatile Replayer replayer;
    private volatile String filterDescription;
    private volatile String servletDescription;
    private volatile int inboxFailed;
    private volatile long inboxCountedAt;
    /** The monotonic nanoseconds the failed count's once-a-second recount is timed by. */
    private volatile LongSupplier ticker = System::nanoTime;
    private volatile Backfiller backfiller;
    private final LongAdder[] backfilled = adders(DeliveryOutcome.values().length);
    private Object backfillMeters;

    private Webhook(Object application, String contextPath, String name, List<String> reasons) {
        this.application = new java.lang.ref.WeakReference<>(application);
        this.contextPath = contextPath;
        this.name = name;
        this.reasons = List.copyOf(reasons);
        this.deliveries = adders(DeliveryType.values().length * DeliveryOutcome.values().length);
        this.rejections = adders(this.reasons.size());
    }

    /**
     * The webhook {@code name} of the application {@code application} (its context object, compared by identity),
     * created and listed in {@link Webhooks#all()} on first use.
     *
     * @param contextPath the application's context path, as statistics and names show it
     * @param reasons     the rejection reasons the filter counts, indexed by {@link #rejected(int)}
     */
    public static Webhook of(Object application, String contextPath, String name, List<String> reasons) {
        Objects.requireNonNull(application, "application");
        String path = contextPath == null || contextPath.isEmpty() ? "/" : contextPath;
        synchronized (BY_APPLICATION) {
            Webhook webhook = BY_APPLICATION.computeIfAbsent(application, a -> new HashMap<>()).get(name);
            if (webhook == null) {
                // a failed start of the same webhook in an application gone (a redeployment in one class
                // loader) is reported until the webhook starts again, not for ever
                for (Map<String, Webhook> others : BY_APPLICATION.values()) {
                    Webhook stale = others.get(name);
                    if (stale != null && stale.contextPath.equals(path) && stale.isIdle()) {
                        stale.unlist();
                    }
                }
                webhook = new Webhook(application, path, name, reasons);
                BY_APPLICATION.get(application).put(name, webhook);
                webhook.listed = Webhooks.register(webhook);
            }
            return webhook;
        }
    }

    /**
     * A component of this webhook started: the first publishes it (JMX, and Micrometer in {@code meterRegistry} or
     * the global registry).
     *
     * @param meterRegistry a {@code io.micrometer.core.instrument.MeterRegistry}, or {@code null} for
     *                      {@code Metrics.globalRegistry}; ignored without Micrometer
     */
    public synchronized void start(Object meterRegistry) {
        if (running++ > 0) {
            return;
        }
        synchronized (BY_APPLICATION) {
            if (listed == null) { // started again after it stopped
                Object app = application.get();
                if (app != null) {
                    BY_APPLICATION.computeIfAbsent(app, a -> new HashMap<>()).put(name, this);
                }
                listed = Webhooks.register(this);
            }
        }
        jmx = WebhookJmx.register(this);
        if (MICROMETER) {
            try {
                meters = MicrometerMeters.bind(this, meterRegistry);
            } catch (LinkageError | RuntimeException e) {
                LOG.log(Level.WARNING, "postcall webhook " + this + ": Micrometer meters not registered (" + e
                        + "); JMX has the same numbers");
            }
        }
    }

    /** A component of this webhook stopped: the last unpublishes it and takes it off {@link Webhooks#all()}. */
    public synchronized void stop() {
        if (running == 0 || --running > 0) {
            return;
        }
        WebhookJmx.unregister(jmx);
        jmx = null;
        if (backfillMeters != null) {
            MicrometerMeters.unbind(backfillMeters);
            backfillMeters = null;
        }
        if (meters != null) {
            MicrometerMeters.unbind(meters);
            meters = null;
        }
        synchronized (BY_APPLICATION) {
            Object app = application.get();
            Map<String, Webhook> byName = app == null ? null : BY_APPLICATION.get(app);
            if (byName != null && byName.get(name) == this) {
                byName.remove(name);
            }
            unlist();
        }
    }

    private boolean isIdle() {
        return running == 0;
    }

    /**
     * Takes it off {@link Webhooks#all()}. The caller holds the lock of {@code BY_APPLICATION}, as for every use of
     * {@code listed}; a webhook's own lock is always taken before that one, never after.
     */
    private void unlist() {
        if (listed != null) {
            listed.close();
            listed = null;
        }
    }

    /** The JMX name it is published under, or {@code null} while it is not. */
    public synchronized String objectName() {
        return WebhookJmx.name(jmx);
    }

    /** Whether it is bound to Micrometer meters. */
    public synchronized boolean hasMeters() {
        return meters != null;
    }

    // ---------------------------------------------------------------------------------------------- the components

    /** The filter started, verifying with {@code secrets} secrets; {@code description} is its part of the log line. */
    public void filterStarted(int secrets, String description) {
        this.secrets = secrets;
        this.filterFailure = null;
        this.filterDescription = description;
    }

    /** The filter did not start, for {@code why} (never a secret): health is {@code DOWN}. */
    public void filterFailed(String why) {
        this.filterFailure = oneLine(why);
    }

    /** The filter was destroyed. */
    public void filterStopped() {
        this.secrets = -1;
        this.filterDescription = null;
    }

    /** How the servlet replays what its store kept, for {@link #replayFailed()}. */
    @FunctionalInterface
    public interface Replayer {
        /** Replays every failed delivery through the servlet's handlers. */
        ReplayReport replay() throws DeliveryStore.StoreException;
    }

    /**
     * The servlet started over {@code store}, replaying with {@code replayer}; {@code description} is its part of the
     * log line.
     */
    public void servletStarted(DeliveryStore store, Replayer replayer, String description) {
        this.store = Objects.requireNonNull(store, "store");
        this.replayer = Objects.requireNonNull(replayer, "replayer");
        this.servletFailure = null;
        this.servletDescription = description;
        this.inboxCountedAt = 0;
    }

    /**
     * What the servlet's backfill answers, for health, the MBean, the meters and {@link #backfill(Instant, Instant)}:
     * from memory, without calling ElevenLabs or the store (but for {@link #backfill}).
     */
    public interface Backfiller {
        /** Backfills the window now, on this thread. */
        BackfillReport backfill(Instant from, Instant to);

        /** The last run's report, scheduled or on demand. */
        Optional<BackfillReport> lastRun();

        /** Why backfill stopped for good (the API key was rejected). */
        Optional<String> keyRejected();

        /** What the webhook watch last learned. */
        WebhookWatchState watch();

        /** The watermark as this node last read or wrote it; no I/O. */
        Optional<Instant> lastWatermark();
    }

    /** The servlet started backfill and the webhook watch; they show in health, the MBean and the meters. */
    public synchronized void backfillStarted(Backfiller backfiller) {
        this.backfiller = Objects.requireNonNull(backfiller, "backfiller");
        if (meters != null && backfillMeters == null) {
            try {
                backfillMeters = MicrometerMeters.bindBackfill(this, meters);
            } catch (LinkageError | RuntimeException e) {
                LOG.log(Level.WARNING, "postcall webhook " + this + ": backfill's meters not registered (" + e + ")");
            }
        }
    }

    /** The servlet stopped backfill. */
    public synchronized void backfillStopped() {
        this.backfiller = null;
        if (backfillMeters != null) {
            MicrometerMeters.unbind(backfillMeters);
            backfillMeters = null;
        }
    }

    /** Backfill dispatched a conversation with this outcome (counted in {@link #delivered} too). */
    public void backfilled(DeliveryOutcome outcome) {
        backfilled[outcome.ordinal()].increment();
    }

    long backfillCount(DeliveryOutcome outcome) {
        return backfilled[outcome.ordinal()].sum();
    }

    /** The servlet's backfill, or {@code null} when it runs none. */
    Backfiller backfiller() {
        return backfiller;
    }

    /** The servlet did not start, for {@code why}: health is {@code DOWN}. */
    public void servletFailed(String why) {
        this.servletFailure = oneLine(why);
    }

    /** The servlet was destroyed. */
    public void servletStopped() {
        this.store = null;
        this.replayer = null;
        this.servletDescription = null;
    }

    /** A request reached the servlet without the filter: health is {@code DOWN} until the mapping is fixed. */
    public void filterMissing() {
        filterMissing = true;
    }

    /** The filter's part of the start-up line, or {@code null} while it has not started. */
    public String filterDescription() {
        return filterDescription;
    }

    /** The servlet's part of the start-up line, or {@code null} while it has not started. */
    public String servletDescription() {
        return servletDescription;
    }

    // ---------------------------------------------------------------------------------------------- the request path

    /** The filter turned a request down for the reason at {@code index} of the reasons given to {@link #of}. */
    public void rejected(int index) {
        rejections[index].increment();
    }

    /** The filter verified a request and handed it on. */
    public void verified() {
        verified.increment();
    }

    /**
     * The servlet answered a verified delivery.
     *
     * @param handlerFailed whether a handler threw on it
     * @param nanos         from receiving the verified request to the answer
     */
    public void delivered(DeliveryType type, DeliveryOutcome outcome, boolean handlerFailed, long nanos) {
        deliveries[type.ordinal() * DeliveryOutcome.values().length + outcome.ordinal()].increment();
        if (handlerFailed) {
            handlerFailures.increment();
        }
        times.record(nanos);
    }

    /** The answers failing in a row. */
    public FailureStreak streak() {
        return streak;
    }

    // ------------------------------------------------------------------------------------------------- the readings

    @Override
    public String name() {
        return name;
    }

    @Override
    public String application() {
        return contextPath;
    }

    /** The rejection reasons counted, in index order. */
    List<String> reasons() {
        return reasons;
    }

    long deliveries(DeliveryType type, DeliveryOutcome outcome) {
        return deliveries[type.ordinal() * DeliveryOutcome.values().length + outcome.ordinal()].sum();
    }

    long deliveries(DeliveryOutcome outcome) {
        long sum = 0;
        for (DeliveryType type : DeliveryType.values()) {
            sum += deliveries(type, outcome);
        }
        return sum;
    }

    long rejections(int index) {
        return rejections[index].sum();
    }

    long verifiedCount() {
        return verified.sum();
    }

    long handlerFailures() {
        return handlerFailures.sum();
    }

    HandlingTimes times() {
        return times;
    }

    int secrets() {
        return secrets;
    }

    /**
     * Times the failed count's once-a-second recount by {@code ticker} instead of {@code System::nanoTime}, so a test
     * moves the clock instead of waiting.
     */
    public void ticker(LongSupplier ticker) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
    }

    /** Failed deliveries the store keeps, counted at most once a second; 0 without a store that keeps bodies. */
    public int inboxFailed() {
        DeliveryStore kept = store;
        if (kept == null || !kept.keepsBodies()) {
            return 0;
        }
        long now = ticker.getAsLong();
        if (inboxCountedAt == 0 || now - inboxCountedAt > INBOX_RECOUNT_NANOS) {
            try {
                inboxFailed = kept.failedCount();
            } catch (DeliveryStore.StoreException | RuntimeException e) {
                // the health check says why; the last count stands
            }
            inboxCountedAt = now == 0 ? 1 : now;
        }
        return inboxFailed;
    }

    @Override
    public WebhookStatistics statistics() {
        Map<String, Map<String, Long>> byType = new LinkedHashMap<>();
        for (DeliveryType type : DeliveryType.values()) {
            Map<String, Long> byOutcome = new LinkedHashMap<>();
            for (DeliveryOutcome outcome : DeliveryOutcome.values()) {
                byOutcome.put(outcome.label, deliveries(type, outcome));
            }
            byType.put(type.label, byOutcome);
        }
        Map<String, Long> byReason = new LinkedHashMap<>();
        for (int i = 0; i < reasons.size(); i++) {
            byReason.put(reasons.get(i), rejections(i));
        }
        return new WebhookStatistics(byType, byReason, verifiedCount(), handlerFailures(),
                deliveries(DeliveryOutcome.DUPLICATE), inboxFailed(), streak.length(), times.count(),
                Duration.ofNanos(times.totalNanos()), Duration.ofNanos(times.maxNanos()), times.quantile(0.5),
                times.quantile(0.99));
    }

    @Override
    public WebhookHealth health() {
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        String failure = filterFailure;
        if (failure != null) {
            problems.add("PostCallWebhookFilter '" + name + "' did not start: " + failure);
        }
        failure = servletFailure;
        if (failure != null) {
            problems.add("PostCallWebhookServlet '" + name + "' did not start: " + failure);
        }
        if (filterMissing) {
            problems.add("requests reach PostCallWebhookServlet '" + name + "' without PostCallWebhookFilter; map"
                    + " the filter to the servlet's URL");
        }
        if (secrets == 0) {
            problems.add("no secret configured");
        }
        DeliveryStore kept = store;
        int failed = 0;
        Path root = kept instanceof DirectoryStore directory ? directory.root() : null;
        boolean writable = true;
        if (kept instanceof DirectoryStore directory) {
            try {
                directory.probeWritable();
            } catch (IOException | RuntimeException e) {
                writable = false;
                problems.add("inbox " + directory.root() + " cannot be written (" + e + "); deliveries are answered"
                        + " 503 inbox-unavailable");
            }
        }
        if (writable && kept != null && kept.keepsBodies()) {
            try {
                failed = kept.failedCount();
                // a fresh count: the gauge and the statistics read it for the next second
                inboxFailed = failed;
                long now = ticker.getAsLong();
                inboxCountedAt = now == 0 ? 1 : now;
                if (failed > 0) {
                    warnings.add(failed + (failed == 1 ? " delivery waits" : " deliveries wait") + " in "
                            + (root != null ? root.resolve("failed").toString() : kept.description())
                            + " for replay");
                }
            } catch (DeliveryStore.StoreException | RuntimeException e) {
                problems.add("inbox " + kept.description() + " cannot be read (" + e.getMessage()
                        + "); deliveries are answered 503 inbox-unavailable");
            }
        }
        warnings.addAll(backfillWarnings());
        int inARow = streak.length();
        if (inARow >= STREAK_WARNING) {
            warnings.add(inARow + " verified deliveries in a row were not answered 200; ElevenLabs disables the"
                    + " endpoint after 10");
        }
        return new WebhookHealth(name, problems.isEmpty() ? WebhookHealth.Status.UP : WebhookHealth.Status.DOWN,
                problems, warnings, secrets, root, failed, inARow);
    }

    @Override
    public ReplayReport replayFailed() throws IOException {
        Replayer running = replayer;
        if (running == null) {
            throw new IllegalStateException("the servlet of webhook '" + name + "' is not running");
        }
        try {
            return running.replay();
        } catch (DeliveryStore.StoreException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * Backfill's warnings for health: a rejected key, a run that stopped, a webhook ElevenLabs sends nothing to.
     * Never {@code DOWN}: the vendor's state is not this application's failure.
     */
    private List<String> backfillWarnings() {
        Backfiller running = backfiller;
        if (running == null) {
            return List.of();
        }
        List<String> warnings = new ArrayList<>();
        Optional<String> rejected = running.keyRejected();
        if (rejected.isPresent()) {
            warnings.add("backfill stopped: " + rejected.get());
        } else {
            running.lastRun().filter(r -> r.ending() == BackfillReport.Ending.STOPPED && r.stoppedBy() != null)
                    .ifPresent(r -> warnings.add("backfill's last run stopped: " + r.stoppedBy()
                            + "; the next run tries again"));
        }
        warnings.addAll(running.watch().warnings());
        return warnings;
    }

    @Override
    public Optional<BackfillStatus> backfillStatus() {
        Backfiller running = backfiller;
        if (running == null) {
            return Optional.empty();
        }
        WebhookWatchState watch = running.watch();
        List<ElevenLabsWebhook> webhooks = new ArrayList<>();
        for (WebhookWatchState.Webhook w : watch.webhooks()) {
            webhooks.add(new ElevenLabsWebhook(w.id(), w.name(), w.disabled(), w.autoDisabled(),
                    w.lastFailureStatus(), w.lastFailureAt()));
        }
        return Optional.of(new BackfillStatus(running.keyRejected().orElse(null),
                running.lastWatermark().orElse(null), running.lastRun().map(Webhook::run).orElse(null),
                watch.checkedAt(), webhooks, watch.problem()));
    }

    @Override
    public BackfillRun backfill(Instant from, Instant to) {
        Backfiller running = backfiller;
        if (running == null) {
            return WebhookMonitor.super.backfill(from, to);
        }
        return run(running.backfill(from, to));
    }

    /** A report as the public API shows it. */
    static BackfillRun run(BackfillReport report) {
        Map<String, Integer> skipped = new LinkedHashMap<>();
        report.skippedByReason().forEach((reason, n) -> skipped.put(reason.name(), n));
        return new BackfillRun(report.from(), report.to(), report.ending() == BackfillReport.Ending.COMPLETED,
                report.found(), report.dispatched(), report.audioDispatched(), report.alreadyReceived(), skipped,
                report.stoppedBy(), report.summary());
    }

    @Override
    public String toString() {
        return "'" + name + "' at " + contextPath;
    }

    private static String oneLine(String text) {
        if (text == null) {
            return "unknown";
        }
        return text.strip().replace("\r", "").replace("\n - ", "; ").replace('\n', ' ');
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] adders = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, Webhook.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
