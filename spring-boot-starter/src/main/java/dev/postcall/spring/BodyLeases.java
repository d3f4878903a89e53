package dev.postcall.spring;

import java.lang.ref.Cleaner;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.LongAdder;

import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.interceptor.AsyncExecutionInterceptor;
import org.springframework.core.task.TaskDecorator;

import dev.postcall.BodySource;
import dev.postcall.PostCallEvent;

/**
 * Keeps a body alive for the {@code @Async} listeners that run after the request, without copying it: while an
 * event is published ({@link #publishing}), every task an executor hands to {@link #decorator()} on the publishing
 * thread (which is how an {@code @Async} listener's call is submitted) takes a hold on the event's body
 * ({@link PostCallEvent#retain()}) and lets it go when it has run. The body (a temp file for a large one) then goes
 * when the request and the last such listener are done.
 *
 * <p>That works only for listeners whose executor runs the decorator. The starter gets it into the executors Spring
 * Boot builds (its {@code applicationTaskExecutor}, which {@code @Async} uses by default); an executor of the
 * application's own does not run it. {@link #reaches} tells, per listener, by submitting a task that does nothing
 * the way Spring submits the listener's calls and seeing whether the decorator saw it; {@link SpringEventDispatcher}
 * copies the body ({@link DetachedBodies}) for an event that any unreached listener receives.
 *
 * <p>Thread-safe.
 */
final class BodyLeases {

    private static final Cleaner CLEANER = Cleaner.create();

    /** The event being published on this thread, whose body the tasks submitted now hold. */
    private final ThreadLocal<PostCallEvent> publishing = new ThreadLocal<>();
    /** Set while {@link #reaches} submits its probe on this thread; the decorator marks it seen. */
    private final ThreadLocal<boolean[]> probing = new ThreadLocal<>();
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

    /** Runs {@code publication} (the publishing of {@code event}) with its submitted tasks holding the body. */
    void publishing(PostCallEvent event, Runnable publication) {
        PostCallEvent outer = publishing.get();
        publishing.set(event);
        try {
            publication.run();
        } finally {
            if (outer == null) {
                publishing.remove();
            } else {
                publishing.set(outer);
            }
        }
    }

    private Runnable decorate(Runnable task) {
        boolean[] probe = probing.get();
        if (probe != null) {
            probe[0] = true;
            return task;
        }
        PostCallEvent event = publishing.get();
        if (event == null) {
            return task;
        }
        BodySource.Lease lease = event.retain();
        leases.increment();
        return new Held(task, lease);
    }

    /**
     * Whether the calls of {@code method} (a listener of {@code bean}, its {@code @Async} proxy) run the decorator:
     * asks the bean's own {@link AsyncExecutionInterceptor} to run a call that does nothing, which it submits to the
     * very executor it would use for the method (by its {@code @Async("name")}, the application's
     * {@code AsyncConfigurer} or its default). {@code false} when the bean is not such a proxy (AspectJ mode, for
     * one) or the submission fails.
     */
    boolean reaches(Object bean, Method method) {
        if (!(bean instanceof Advised advised)) {
            return false;
        }
        for (Advisor advisor : advised.getAdvisors()) {
            if (advisor.getAdvice() instanceof AsyncExecutionInterceptor interceptor) {
                return probe(interceptor, method);
            }
        }
        return false;
    }

    private boolean probe(AsyncExecutionInterceptor interceptor, Method method) {
        boolean[] seen = {false};
        probing.set(seen);
        try {
            interceptor.invoke(new NothingToDo(method));
        } catch (Throwable e) {
            return false;
        } finally {
            probing.remove();
        }
        return seen[0];
    }

    /** A task holding a body until it has run; a task never run (rejected) lets it go once unreachable. */
    private static final class Held implements Runnable {
        private final Runnable task;
        private final BodySource.Lease lease;

        Held(Runnable task, BodySource.Lease lease) {
            this.task = task;
            this.lease = lease;
            CLEANER.register(this, lease::close);
        }

        @Override
        public void run() {
            try (lease) {
                task.run();
            }
        }
    }

    /** A call of the listener method that does nothing: what {@link #probe} submits. */
    private record NothingToDo(Method method) implements MethodInvocation {
        private static final Object[] NO_ARGUMENTS = {};

        @Override
        public Method getMethod() {
            return method;
        }

        @Override
        public Object[] getArguments() {
            return NO_ARGUMENTS;
        }

        @Override
        public Object proceed() {
            return null;
        }

        @Override
        public Object getThis() {
            return null;
        }

        @Override
        public AccessibleObject getStaticPart() {
            return method;
        }
    }
}
