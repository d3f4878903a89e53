package dev.postcall.jdbc;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where the store's background work runs: the heartbeats of the claims this node holds, and maintenance (late
 * outcomes, pruning, recovery of stale claims). One daemon thread per store ({@link #daemon}), stopped by
 * {@link #close()}; tests drive one by hand instead.
 */
interface Schedule extends AutoCloseable {

    /**
     * Runs {@code task} every {@code period}, the first time one period from now. A task that throws is logged and
     * runs again at its next time.
     */
    void every(Duration period, Runnable task);

    /** Stops: no task starts after this returns; one running is interrupted. */
    @Override
    void close();

    /** One daemon thread named {@code name}, which never keeps a JVM alive and ends with {@link #close()}. */
    static Schedule daemon(String name) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return new Schedule() {
            @Override
            public void every(Duration period, Runnable task) {
                long nanos = Math.max(1, period.toNanos());
                executor.scheduleWithFixedDelay(() -> {
                    try {
                        task.run();
                    } catch (RuntimeException | Error e) {
                        // a periodic task that throws is never run again: log it and keep the heartbeats going
                        System.getLogger("dev.postcall.jdbc").log(Level.WARNING, "postcall delivery store: a"
                                + " background task failed; it runs again in " + period, e);
                    }
                }, nanos, nanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void close() {
                executor.shutdownNow();
            }
        };
    }
}
