package dev.postcall.spring;

import java.lang.reflect.UndeclaredThrowableException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.ApplicationEventPublisher;

import dev.postcall.PostCallEvent;
import dev.postcall.spi.PostCallEventHandler;

/**
 * Publishes every verified post-call event with the application's {@link ApplicationEventPublisher}, so that
 * {@code @EventListener void on(TranscriptionEvent event)} methods receive it (and likewise {@code AudioEvent},
 * {@code CallInitiationFailureEvent}, {@code UnknownEvent}, and {@code PostCallEvent} for all of them).
 *
 * <p>Synchronous listeners run on the request thread, in Spring's listener order. The first one that throws stops
 * the listeners after it, and {@link #handle} throws what it threw (a checked exception unwrapped from Spring's
 * {@link UndeclaredThrowableException}): the servlet then answers as a handler failure (500, or 200 with the
 * delivery kept in the inbox's {@code failed/} folder).
 *
 * <p>{@code @Async} listeners may run after the request has ended, when a body the servlet buffered in a temp file
 * (over {@code memory-threshold}) would have been deleted. When every {@code @Async} listener of the event's type
 * runs on an executor that runs the starter's task decorator (Spring Boot's {@code applicationTaskExecutor}, the
 * default for {@code @Async}), they get the very event the synchronous listeners got, and each holds its body until
 * it has run ({@link BodyLeases}): no copy. Otherwise (an executor of the application's own) the event is published
 * over a copy of its body ({@link DetachedBodies}), which lives as long as anything still holds the event or its
 * body. Bodies held in memory are published as they are.
 */
final class SpringEventDispatcher implements PostCallEventHandler {

    private final ApplicationEventPublisher publisher;
    private final AsyncListeners asyncListeners;
    private final BodyLeases leases;
    private final DetachedBodies detached;
    /** Per event class: whether every {@code @Async} listener of it holds bodies through {@link #leases}. */
    private final Map<Class<?>, Boolean> held = new ConcurrentHashMap<>();

    /**
     * @param publisher      where events go
     * @param asyncListeners the application's {@code @Async} listeners
     * @param leases         keeps bodies alive for listeners on executors that run its decorator
     * @param detached       makes events over copies of their bodies, for the others
     */
    SpringEventDispatcher(ApplicationEventPublisher publisher, AsyncListeners asyncListeners, BodyLeases leases,
            DetachedBodies detached) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.asyncListeners = Objects.requireNonNull(asyncListeners, "asyncListeners");
        this.leases = Objects.requireNonNull(leases, "leases");
        this.detached = Objects.requireNonNull(detached, "detached");
    }

    /**
     * Publishes {@code event} to every listener.
     *
     * @throws Exception what the first failing synchronous listener threw, or an {@link java.io.IOException} when a
     *                   body for {@code @Async} listeners could not be copied (the delivery is then failed too,
     *                   never acknowledged with a body nobody can read)
     */
    @Override
    public void handle(PostCallEvent event) throws Exception {
        try {
            if (event.body().inMemoryBytes() != null) {
                publisher.publishEvent(event);
                return;
            }
            List<AsyncListeners.Listener> later = asyncListeners.of(event.getClass());
            if (later.isEmpty()) {
                publisher.publishEvent(event);
            } else if (holds(event.getClass(), later)) {
                leases.publishing(event, () -> publisher.publishEvent(event));
            } else {
                publisher.publishEvent(detached.copyOf(event));
            }
        } catch (UndeclaredThrowableException e) {
            // Spring wraps a checked exception a listener declared; the servlet and its log want the listener's own
            throw e.getUndeclaredThrowable() instanceof Exception ? (Exception) e.getUndeclaredThrowable() : e;
        }
    }

    private boolean holds(Class<?> type, List<AsyncListeners.Listener> listeners) {
        Boolean known = held.get(type);
        if (known == null) {
            // learned on the first large body of a type; a race only asks twice
            known = allHold(listeners);
            held.put(type, known);
        }
        return known;
    }

    private boolean allHold(List<AsyncListeners.Listener> listeners) {
        for (AsyncListeners.Listener listener : listeners) {
            Object bean;
            try {
                bean = asyncListeners.bean(listener);
            } catch (RuntimeException e) {
                return false;
            }
            if (!leases.reaches(bean, listener.method())) {
                return false;
            }
        }
        return true;
    }
}
