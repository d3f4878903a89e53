package dev.postcall.spring;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

import org.springframework.aop.framework.autoproxy.AutoProxyUtils;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.AsyncAnnotationBeanPostProcessor;

/**
 * The {@code @Async} listeners of the application and which event classes they receive: {@code @EventListener} methods (and
 * annotations that carry it, such as {@code @TransactionalEventListener}) and {@link ApplicationListener} beans, with
 * {@code @Async} on the method or its class, while {@code @EnableAsync} is on. Found once, on first use (after the
 * context has started), the way Spring's own {@code EventListenerMethodProcessor} finds listeners.
 *
 * <p>Conservative: a listener's {@code condition} is not evaluated, and a parameter of {@code Object},
 * {@code ApplicationEvent} or a raw {@code PayloadApplicationEvent} counts as receiving everything.
 */
final class AsyncListeners implements Predicate<Class<?>> {

    /**
     * One {@code @Async} listener.
     *
     * @param type     the class of what it receives ({@code Object} for everything)
     * @param beanName the bean whose method it is
     * @param method   the method Spring calls through the bean's {@code @Async} proxy
     */
    record Listener(Class<?> type, String beanName, Method method) {
    }

    private final ConfigurableListableBeanFactory beanFactory;
    private volatile List<Listener> listeners;

    /** @param beanFactory the application's beans, looked at on first use */
    AsyncListeners(ConfigurableListableBeanFactory beanFactory) {
        this.beanFactory = Objects.requireNonNull(beanFactory, "beanFactory");
    }

    /** Whether an {@code @Async} listener receives events of {@code eventClass}. */
    @Override
    public boolean test(Class<?> eventClass) {
        return !of(eventClass).isEmpty();
    }

    /** The {@code @Async} listeners that receive events of {@code eventClass}. */
    List<Listener> of(Class<?> eventClass) {
        List<Listener> all = listeners;
        if (all == null) {
            // a race only scans twice
            all = scan(beanFactory);
            listeners = all;
        }
        List<Listener> receiving = new ArrayList<>();
        for (Listener listener : all) {
            if (listener.type().isAssignableFrom(eventClass)) {
                receiving.add(listener);
            }
        }
        return receiving;
    }

    static List<Listener> scan(ConfigurableListableBeanFactory beanFactory) {
        // by type, not by name: Spring 7 renamed the bean @EnableAsync registers (and a constant is compiled in)
        if (beanFactory.getBeanNamesForType(AsyncAnnotationBeanPostProcessor.class, false, false).length == 0) {
            return List.of(); // without @EnableAsync, @Async changes nothing
        }
        List<Listener> types = new ArrayList<>();
        for (String name : beanFactory.getBeanNamesForType(Object.class, true, false)) {
            if (ScopedProxyUtils.isScopedTarget(name)) {
                continue;
            }
            Class<?> beanClass;
            try {
                beanClass = AutoProxyUtils.determineTargetClass(beanFactory, name);
            } catch (RuntimeException e) {
                continue; // as Spring's listener detection does for a bean whose type cannot be told
            }
            if (beanClass == null) {
                continue;
            }
            boolean classAsync = AnnotatedElementUtils.hasAnnotation(beanClass, Async.class);
            Map<Method, EventListener> listeners = MethodIntrospector.selectMethods(beanClass,
                    (MethodIntrospector.MetadataLookup<EventListener>) method ->
                            AnnotatedElementUtils.findMergedAnnotation(method, EventListener.class));
            for (Map.Entry<Method, EventListener> listener : listeners.entrySet()) {
                Method method = listener.getKey();
                if (classAsync || AnnotatedElementUtils.hasAnnotation(method, Async.class)) {
                    Class<?>[] declared = listener.getValue().classes();
                    if (declared.length > 0) {
                        for (Class<?> type : declared) {
                            types.add(new Listener(payload(ResolvableType.forClass(type)), name, method));
                        }
                    } else if (method.getParameterCount() == 1) {
                        types.add(new Listener(payload(ResolvableType.forMethodParameter(method, 0)), name, method));
                    }
                }
            }
            Method onEvent = onApplicationEvent(beanClass);
            if (onEvent != null && (classAsync || AnnotatedElementUtils.hasAnnotation(onEvent, Async.class))) {
                types.add(new Listener(payload(ResolvableType.forClass(beanClass).as(ApplicationListener.class)
                        .getGeneric()), name, onEvent));
            }
        }
        return List.copyOf(types);
    }

    /** An {@link ApplicationListener}'s own {@code onApplicationEvent} (not a bridge), or {@code null}. */
    private static Method onApplicationEvent(Class<?> listenerClass) {
        if (!ApplicationListener.class.isAssignableFrom(listenerClass)) {
            return null;
        }
        Method found = null;
        for (Method method : listenerClass.getMethods()) {
            if (method.getName().equals("onApplicationEvent") && method.getParameterCount() == 1) {
                if (!method.isBridge()) {
                    return method;
                }
                found = method;
            }
        }
        return found;
    }

    /** The class of what a listener of {@code declared} is handed for a published object. */
    private static Class<?> payload(ResolvableType declared) {
        Class<?> type = declared.resolve(Object.class);
        if (PayloadApplicationEvent.class.isAssignableFrom(type)) {
            return declared.as(PayloadApplicationEvent.class).getGeneric().resolve(Object.class);
        }
        if (type.isAssignableFrom(PayloadApplicationEvent.class)) {
            return Object.class; // Object or ApplicationEvent: handed the wrapper, whose payload it can read
        }
        if (ApplicationEvent.class.isAssignableFrom(type)) {
            return Void.class; // another kind of application event: never one of ours
        }
        return type;
    }
}
