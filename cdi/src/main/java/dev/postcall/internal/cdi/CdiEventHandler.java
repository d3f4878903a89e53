package dev.postcall.internal.cdi;

import dev.postcall.BodySource;
import dev.postcall.PostCallEvent;
import dev.postcall.cdi.Agent;
import dev.postcall.cdi.DeliveryFailure;
import dev.postcall.spi.PostCallEventHandler;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.ObserverException;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.ObserverMethod;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The {@link PostCallEventHandler} that fires every post-call event as a CDI event of its own type; the servlet
 * finds it through {@code META-INF/services}. The rules it follows are the {@code dev.postcall.cdi} package's
 * documentation. Thread-safe; one per web application, never a CDI bean.
 */
public final class CdiEventHandler implements PostCallEventHandler {

    private static final System.Logger LOG = System.getLogger("dev.postcall.cdi");

    private static final Annotation[] NO_QUALIFIERS = {};

    private final Supplier<BeanManager> lookup;

    /** Found on first use rather than at construction, when the container may not have started yet. */
    private volatile BeanManager beanManager;

    /**
     * The selected {@link Event} and whether asynchronous observers match, per event class and agent. Weld resolves
     * observers per {@code Event} instance and caches them inside it, so selecting a new one for every delivery
     * made each delivery resolve the observers afresh (a profile of the load test put a fifth of the request's CPU
     * there). Observers cannot change after the container started, so an entry stays valid for the container's
     * life, which is this instance's. Bounded: past {@link #MAX_ROUTES} agents, deliveries select afresh.
     */
    private final ConcurrentHashMap<RouteKey, Route> routes = new ConcurrentHashMap<>();
    static final int MAX_ROUTES = 1024;

    private record RouteKey(Class<?> type, String agentId) {
    }

    private record Route(Event<PostCallEvent> event, boolean hasAsyncObservers) {
    }

    /** Creates the dispatcher; the servlet does this through {@link java.util.ServiceLoader}. */
    public CdiEventHandler() {
        this(BeanManagerLookup::find);
    }

    CdiEventHandler(Supplier<BeanManager> lookup) {
        this.lookup = Objects.requireNonNull(lookup, "lookup");
    }

    /**
     * Notifies the synchronous observers of {@code event}, then starts the asynchronous ones.
     *
     * @param event the verified, parsed event
     * @throws IllegalStateException when no CDI container can be found
     * @throws Exception what a synchronous observer threw (a checked exception unwrapped from CDI's
     *     {@link ObserverException})
     */
    @Override
    public void handle(PostCallEvent event) throws Exception {
        Objects.requireNonNull(event, "event");
        BeanManager manager = beanManager();
        Route route = route(manager, event);
        try {
            route.event().fire(event);
        } catch (ObserverException e) {
            throw unwrap(e);
        }
        if (route.hasAsyncObservers()) {
            fireAsync(manager, event, route.event());
        }
    }

    private Route route(BeanManager manager, PostCallEvent event) {
        RouteKey key = new RouteKey(event.getClass(), event.agentId());
        Route route = routes.get(key);
        if (route == null) {
            Annotation[] qualifiers = qualifiers(event);
            route = new Route(select(manager, event, qualifiers), hasAsyncObservers(manager, event, qualifiers));
            if (routes.size() < MAX_ROUTES) {
                routes.putIfAbsent(key, route);
            }
        }
        return route;
    }

    /**
     * Never throws: the synchronous observers succeeded, so the webhook has been handled. The asynchronous
     * observers get the very event the synchronous ones got and may run after the answer, when the request's hold
     * on the body has ended: they keep the body (a temp file for a large one) until the last of them returned.
     */
    private void fireAsync(BeanManager manager, PostCallEvent event, Event<PostCallEvent> selected) {
        BodySource.Lease lease = null;
        try {
            lease = event.retain();
            BodySource.Lease held = lease;
            selected.fireAsync(event).whenComplete((done, failure) -> {
                held.close();
                if (failure != null) {
                    reportAsyncFailure(manager, event, failure);
                }
            });
        } catch (RuntimeException e) {
            if (lease != null) {
                lease.close();
            }
            reportAsyncFailure(manager, event, e);
        }
    }

    private BeanManager beanManager() {
        BeanManager found = beanManager;
        if (found == null) {
            // a race only looks the same manager up twice
            found = lookup.get();
            beanManager = found;
        }
        return found;
    }

    private static Annotation[] qualifiers(PostCallEvent event) {
        String agentId = event.agentId();
        return agentId == null ? NO_QUALIFIERS : new Annotation[] {Agent.Literal.of(agentId)};
    }

    /** Selects by the runtime class so type-safe resolution starts from the concrete event type. */
    @SuppressWarnings("unchecked")
    private static Event<PostCallEvent> select(BeanManager manager, PostCallEvent event, Annotation[] qualifiers) {
        Class<PostCallEvent> type = (Class<PostCallEvent>) event.getClass();
        return manager.getEvent().select(type, qualifiers);
    }

    private static boolean hasAsyncObservers(BeanManager manager, PostCallEvent event, Annotation[] qualifiers) {
        for (ObserverMethod<?> observer : manager.resolveObserverMethods(event, qualifiers)) {
            if (observer.isAsync()) {
                return true;
            }
        }
        return false;
    }

    private static Exception unwrap(ObserverException e) {
        // CDI wraps only checked exceptions; the servlet and the user want the observer's own exception
        return e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
    }

    private static void reportAsyncFailure(BeanManager manager, PostCallEvent event, Throwable failure) {
        for (Throwable cause : observerFailures(failure)) {
            LOG.log(System.Logger.Level.WARNING, "An @ObservesAsync observer of {0} for conversation {1} failed: {2}",
                    event.type(), event.conversationId(), cause.getClass().getName());
            // the stack trace holds the observer's own messages, so it stays at DEBUG
            if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
                LOG.log(System.Logger.Level.DEBUG, "The @ObservesAsync observer failure of " + event.type()
                        + " for conversation " + event.conversationId(), cause);
            }
            DeliveryFailure report = new DeliveryFailure(event.type(), event.conversationId(), event.agentId(),
                    event.eventTimestamp(), cause);
            try {
                manager.getEvent().select(DeliveryFailure.class).fire(report);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "An observer of DeliveryFailure for conversation {0} failed: {1}",
                        event.conversationId(), e.getClass().getName());
            }
        }
    }

    /**
     * The exceptions the observers threw. CDI completes the stage with a {@link CompletionException} that carries
     * each observer's exception as a suppressed one (and, for a single failure, as its cause too).
     */
    static List<Throwable> observerFailures(Throwable failure) {
        Set<Throwable> found = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> ordered = new ArrayList<>();
        for (Throwable suppressed : failure.getSuppressed()) {
            if (found.add(unwrapObserver(suppressed))) {
                ordered.add(unwrapObserver(suppressed));
            }
        }
        if (ordered.isEmpty()) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            ordered.add(unwrapObserver(cause));
        }
        return ordered;
    }

    private static Throwable unwrapObserver(Throwable t) {
        return t instanceof ObserverException && t.getCause() != null ? t.getCause() : t;
    }
}
