package dev.postcall.spring;

import java.lang.reflect.UndeclaredThrowableException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.ApplicationEventPublisher;

import dev.postcall.BodySource;
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
 * delivery kept in the store).
 *
 * <p>{@code @Async} listeners get the very event the synchronous ones got ({@code answered()} included), and each call
 * holds its body until it has run ({@link BodyLeases}). A call on an executor that does not run the starter's
 * decorator (one the application built itself) cannot be seen ending: for an event such a listener receives, the
 * body is held until the event is garbage, and a warning says so once per event class.
 */
final class SpringEventDispatcher implements PostCallEventHandler {

    private static final System.Logger LOG = System.getLogger("dev.postcall.spring");

    private final ApplicationEventPublisher publisher;
    private final AsyncListeners asyncListeners;
    private final BodyLeases leases;
    private final Map<Class<?>, Boolean> warned = new ConcurrentHashMap<>();

    /**
     * @param publisher      where events go
     * @param asyncListeners the application's {@code @Async} listeners
     * @param leases         holds bodies for the calls of {@code @Async} listeners
     */
    SpringEventDispatcher(ApplicationEventPublisher publisher, AsyncListeners asyncListeners, BodyLeases leases) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.asyncListeners = Objects.requireNonNull(asyncListeners, "asyncListeners");
        this.leases = Objects.requireNonNull(leases, "leases");
    }

    /**
     * Publishes {@code event} to every listener.
     *
     * @throws Exception what the first failing synchronous listener threw
     */
    @Override
    public void handle(PostCallEvent event) throws Exception {
        try {
            int async = event.body().inMemoryBytes() != null ? 0 : asyncListeners.of(event.getClass()).size();
            if (async == 0) {
                publisher.publishEvent(event);
                return;
            }
            leases.publishing(event, () -> publisher.publishEvent(event), held -> {
                if (held < async) {
                    holdWhileReachable(event);
                }
            });
        } catch (UndeclaredThrowableException e) {
            // Spring wraps a checked exception a listener declared; the servlet and its log want the listener's own
            throw e.getUndeclaredThrowable() instanceof Exception ? (Exception) e.getUndeclaredThrowable() : e;
        }
    }

    /** A listener's call went to an executor that does not run the decorator: the body lives as long as the event. */
    private void holdWhileReachable(PostCallEvent event) {
        BodySource.Lease lease = event.retain();
        BodyLeases.CLEANER.register(event, lease::close); // the action holds the lease, never the event
        if (warned.putIfAbsent(event.getClass(), Boolean.TRUE) == null) {
            LOG.log(System.Logger.Level.WARNING, "An @Async listener of {0} runs on an executor that does not run"
                    + " Spring Boot''s task decorators (one the application built itself): bodies over"
                    + " postcall.memory-threshold it receives stay on disk until the event is garbage. Build the"
                    + " executor with Spring Boot''s ThreadPoolTaskExecutorBuilder, or use applicationTaskExecutor.",
                    event.getClass().getSimpleName());
        }
    }
}
