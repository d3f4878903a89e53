package dev.postcall.spring;

import java.lang.reflect.UndeclaredThrowableException;
import java.util.Objects;
import java.util.function.Predicate;

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
 * (over {@code memory-threshold}) has been deleted. So when such a body meets an {@code @Async} listener of its
 * event type, the event is published over a copy of its own ({@link DetachedBodies}), which lives as long as
 * anything still holds the event or its body. Bodies held in memory are published as they are.
 */
final class SpringEventDispatcher implements PostCallEventHandler {

    private final ApplicationEventPublisher publisher;
    private final Predicate<Class<?>> asyncListenerOf;
    private final DetachedBodies detached;

    /**
     * @param publisher       where events go
     * @param asyncListenerOf whether an {@code @Async} listener receives events of the given class
     * @param detached        makes events over copies of their bodies
     */
    SpringEventDispatcher(ApplicationEventPublisher publisher, Predicate<Class<?>> asyncListenerOf,
            DetachedBodies detached) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.asyncListenerOf = Objects.requireNonNull(asyncListenerOf, "asyncListenerOf");
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
        PostCallEvent published = event;
        if (event.body().inMemoryBytes() == null && asyncListenerOf.test(event.getClass())) {
            published = detached.copyOf(event);
        }
        try {
            publisher.publishEvent(published);
        } catch (UndeclaredThrowableException e) {
            // Spring wraps a checked exception a listener declared; the servlet and its log want the listener's own
            throw e.getUndeclaredThrowable() instanceof Exception ? (Exception) e.getUndeclaredThrowable() : e;
        }
    }
}
