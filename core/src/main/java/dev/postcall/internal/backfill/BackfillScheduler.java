package dev.postcall.internal.backfill;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the webhook watch and then the scheduled backfill every interval, on one daemon thread
 * ({@value #THREAD_NAME}) that never keeps the JVM alive; {@link #close()} stops it with the application. A run
 * that throws (an {@code Error} from a handler included) is logged and the next one runs as planned.
 *
 * <pre>{@code
 * BackfillScheduler scheduler = BackfillScheduler.start(backfill, watch, settings.interval(), Duration.ofSeconds(30));
 * ...
 * scheduler.close();   // at undeploy
 * }</pre>
 */
public final class BackfillScheduler implements AutoCloseable {

    /** The thread's name. */
    public static final String THREAD_NAME = "postcall-backfill";

    private static final System.Logger LOG = System.getLogger("dev.postcall.backfill");

    private final ScheduledExecutorService executor;

    private BackfillScheduler(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    /**
     * Starts the runs.
     *
     * @param backfill     the scheduled backfill
     * @param watch        the webhook watch, or {@code null} for none
     * @param interval     from the end of one run to the start of the next
     * @param initialDelay before the first run (let the application finish starting)
     */
    public static BackfillScheduler start(Backfill backfill, WebhookWatch watch, Duration interval,
            Duration initialDelay) {
        Objects.requireNonNull(backfill, "backfill");
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, THREAD_NAME);
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(() -> tick(backfill, watch), initialDelay.toNanos(), interval.toNanos(),
                TimeUnit.NANOSECONDS);
        return new BackfillScheduler(executor);
    }

    /** One interval's work; never throws, so that the executor keeps scheduling. */
    private static void tick(Backfill backfill, WebhookWatch watch) {
        try {
            if (watch != null) {
                watch.poll();
            }
            if (!Thread.currentThread().isInterrupted()) {
                backfill.run();
            }
        } catch (InterruptedException e) {
            // close() is stopping us
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.ERROR, "a backfill run failed; the next runs as planned", e);
        }
    }

    /**
     * Stops the runs: a run in progress is interrupted (its API call ends, its watermark stays) and waited for up to
     * ten seconds.
     */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "the backfill run did not stop within 10 s; its thread is a"
                        + " daemon and ends with the JVM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
