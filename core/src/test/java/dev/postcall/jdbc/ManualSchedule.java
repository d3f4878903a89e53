package dev.postcall.jdbc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The store's background thread, run by the test: each task runs when the test says, on the test's thread. */
final class ManualSchedule implements Schedule {

    /** A task the store scheduled. */
    record Task(Duration period, Runnable task) { }

    private final List<Task> tasks = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    @Override
    public void every(Duration period, Runnable task) {
        tasks.add(new Task(period, task));
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Whether the store closed it. */
    boolean closed() {
        return closed;
    }

    /** The periods of the tasks the store scheduled, in order. */
    List<Duration> periods() {
        List<Duration> periods = new ArrayList<>();
        for (Task task : tasks) {
            periods.add(task.period());
        }
        return periods;
    }

    /** Runs, once, every task scheduled every {@code period}; fails the test when there is none. */
    void run(Duration period) {
        boolean ran = false;
        for (Task task : tasks) {
            if (task.period().equals(period)) {
                task.task().run();
                ran = true;
            }
        }
        if (!ran) {
            throw new AssertionError("no task runs every " + period + "; the store scheduled " + periods());
        }
    }
}
