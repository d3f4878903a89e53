package dev.postcall.spring;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;

import org.springframework.core.task.TaskDecorator;

import dev.postcall.BodySource;
import dev.postcall.PostCallEvent;

/**
 * The one rule for {@code @Async} listeners: each call of one holds the event's body from its submission until it
 * has run. While an event is published ({@link #publishing}), every task an executor hands to {@link #decorator()} on
 * the publishing thread (which is how Spring submits an {@code @Async} listener's call) takes a hold
 * ({@link PostCallEvent#retain()}) and lets it go when it has run, so a body spilled to a temp file goes when the
 * request and the last such call are done. The starter gets the decorator into the executors Spring Boot builds (its
 * {@code applicationTaskExecutor}, which {@code @Async} uses by default). A decorated task the executor never runs (it
 * refused it after the decorator had run, or dropped it from its queue at shutdown) lets its hold go once it is
 * garbage.
 *
 * <p>Thread-safe.
 */
final class BodyLeases {

    /** Lets go of the holds of tasks that became garbage without having run, and of the events held while reachable. */
    static final Cleaner CLEANER = Cleaner.create();

    /** The event being published on this thread and the holds its submitted tasks took. */
    private final ThreadLocal<Publication> publishing = new ThreadLocal<>();
    private final LongAdder leases = new LongAdder();
    private final TaskDecorator decorator = this::decorate;

    /** Holds nothing yet. */
    BodyLeases() {
    }

    /** The decorator executors must run for listeners to hold bodies; does nothing outside {@link #publishing}. */
    TaskDecorator decorator() {
        return decorator;
    }

    /** How many holds tasks have taken, for tests. */
    long leases() {
        return leases.sum();
    }

    /**
     * Runs {@code publication} (the publishing of {@code event}) with its submitted tasks holding the body, then
     * tells {@code held} how many took a hold, however the publication ended: a listener that throws stops it, but
     * the tasks submitted before it run all the same.
     */
    void publishing(PostCallEvent event, Runnable publication, IntConsumer held) {
        Publication outer = publishing.get();
        Publication mine = new Publication(event);
        publishing.set(mine);
        try {
            publication.run();
        } finally {
            if (outer == null) {
                publishing.remove();
            } else {
                publishing.set(outer);
            }
            held.accept(mine.held);
        }
    }

    private Runnable decorate(Runnable task) {
        Publication current = publishing.get();
        if (current == null) {
            return task;
        }
        BodySource.Lease lease = current.event.retain();
        current.held++;
        leases.increment();
        Holding holding = new Holding(task, lease);
        CLEANER.register(holding, lease::close); // the action holds the lease, never the task
        return holding;
    }

    /** A submitted task and its hold, let go when it has run (or, by the cleaner, when nothing can run it any more). */
    private static final class Holding implements Runnable {
        private final Runnable task;
        private final BodySource.Lease lease;

        Holding(Runnable task, BodySource.Lease lease) {
            this.task = task;
            this.lease = lease;
        }

        @Override
        public void run() {
            try (lease) {
                task.run();
            } finally {
                Reference.reachabilityFence(this); // not garbage, and so not cleaned, while it runs
            }
        }
    }

    /** One event being published, on one thread. */
    private static final class Publication {
        final PostCallEvent event;
        int held;

        Publication(PostCallEvent event) {
            this.event = event;
        }
    }
}
