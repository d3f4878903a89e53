package dev.postcall.jdbc;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where the store's background work runs: the heartbeats of the claims this node holds, and maintenance (late
 * outcomes, pruning, recovery of stale claims). Each task on a daemon thread of its own ({@link #daemon}), stopped by
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

    /**
     * Daemon threads named {@code name}, one per task, which never keep a JVM alive and end with {@link #close()}.
     * One per task so that a slow one never holds up another: a maintenance round that prunes a large table, each
     * statement up to the statement timeout, must not delay the heartbeats past the take-over age, or another node
     * would take over claims whose handlers are still running here.
     */
    static Schedule daemon(String name) {
        List<ScheduledThreadPoolExecutor> executors = new CopyOnWriteArrayList<>();
        return new Schedule() {
            private boolean closed;

            @Override
            public synchronized void every(Duration period, Runnable task) {
                if (closed) {
                    throw new IllegalStateException("closed");
                }
                ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
                    Thread thread = new Thread(runnable, name);
                    thread.setDaemon(true);
                    return thread;
                });
                executor.setRemoveOnCancelPolicy(true);
                executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
                executors.add(executor);
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
            public synchronized void close() {
                closed = true;
                executors.forEach(ScheduledThreadPoolExecutor::shutdownNow);
            }
        };
    }
}
