package dev.postcall.spring;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

import dev.postcall.monitoring.WebhookHealth;
import dev.postcall.monitoring.WebhookMonitor;

/**
 * The Actuator health indicator {@code postcall}: {@code UP} when the webhook's filter started with a secret and its
 * inbox (if any) can be written, {@code DOWN} (HTTP 503 on {@code /actuator/health}) otherwise, with
 * {@link WebhookHealth#details()} as its details (deliveries waiting in {@code failed/} among them, as a warning that
 * leaves it {@code UP}).
 *
 * <p>One starter jar serves Spring Boot 4, whose indicator is
 * {@code org.springframework.boot.health.contributor.HealthIndicator} (module {@code spring-boot-health}), and Spring
 * Boot 3.5, whose indicator is {@code org.springframework.boot.actuate.health.HealthIndicator}. A class compiled
 * against one would not load on the other, so the indicator is a {@link Proxy} of whichever interface is present,
 * building the {@code Health} of the same package; both have the same {@code Health.status(String)},
 * {@code withDetails(Map)} and {@code build()}. Without Actuator nothing is registered.
 * {@code management.health.postcall.enabled=false} (or {@code management.health.defaults.enabled=false}) turns it
 * off, as for Spring's own indicators.
 */
final class PostCallHealth implements InvocationHandler {

    /** Spring Boot 4's packages first, then 3.5's. */
    private static final String[] PACKAGES = {"org.springframework.boot.health.contributor",
            "org.springframework.boot.actuate.health"};

    /** The bean's name; Actuator names the indicator after it without the suffix: {@code postcall}. */
    static final String BEAN_NAME = "postcallHealthIndicator";

    private final Supplier<WebhookMonitor> monitor;
    private final Method status;
    private final Method withDetails;
    private final Method build;

    private PostCallHealth(Supplier<WebhookMonitor> monitor, Class<?> health) throws NoSuchMethodException {
        this.monitor = monitor;
        this.status = health.getMethod("status", String.class);
        Class<?> builder = status.getReturnType();
        this.withDetails = builder.getMethod("withDetails", Map.class);
        this.build = builder.getMethod("build");
    }

    /**
     * The Actuator {@code HealthIndicator} interface present on {@code loader}, or {@code null} without Actuator.
     */
    static Class<?> indicatorInterface(ClassLoader loader) {
        for (String pkg : PACKAGES) {
            if (ClassUtils.isPresent(pkg + ".HealthIndicator", loader) && ClassUtils.isPresent(pkg + ".Health", loader)) {
                return ClassUtils.resolveClassName(pkg + ".HealthIndicator", loader);
            }
        }
        return null;
    }

    /** A health indicator of {@code indicator}'s kind over the webhook {@code monitor} gives (or {@code null}). */
    static Object indicator(Class<?> indicator, Supplier<WebhookMonitor> monitor) {
        Objects.requireNonNull(monitor, "monitor");
        ClassLoader loader = indicator.getClassLoader();
        Class<?> health = ClassUtils.resolveClassName(indicator.getPackageName() + ".Health", loader);
        try {
            return Proxy.newProxyInstance(loader, new Class<?>[] {indicator}, new PostCallHealth(monitor, health));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("this Actuator's " + health.getName() + " has no status(String),"
                    + " withDetails(Map) and build(): " + e.getMessage(), e);
        }
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        switch (method.getName()) {
            case "health":
                if (method.getParameterCount() == 0) {
                    return health();
                }
                break;
            case "toString":
                return "postcall health indicator";
            case "hashCode":
                return System.identityHashCode(proxy);
            case "equals":
                return proxy == args[0];
            default:
                break;
        }
        if (method.isDefault()) {
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        throw new UnsupportedOperationException(method.toString());
    }

    private Object health() throws Throwable {
        WebhookMonitor webhook = monitor.get();
        String code;
        Map<String, Object> details;
        if (webhook == null) {
            code = "DOWN";
            details = new LinkedHashMap<>();
            details.put("problem", "the webhook has not started (the web server is not up yet, or it stopped)");
        } else {
            WebhookHealth health = webhook.health();
            code = health.isUp() ? "UP" : "DOWN";
            details = health.details();
        }
        try {
            return build.invoke(withDetails.invoke(status.invoke(null, code), details));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * Registers the indicator as a bean of the {@code HealthIndicator} type present, so Actuator finds it by type;
     * nothing without Actuator.
     */
    static final class Registrar implements ImportBeanDefinitionRegistrar, BeanFactoryAware, EnvironmentAware {
        private BeanFactory beanFactory;
        private Environment environment;

        /** Created by Spring. */
        Registrar() {
        }

        @Override
        public void setBeanFactory(BeanFactory beanFactory) {
            this.beanFactory = beanFactory;
        }

        @Override
        public void setEnvironment(Environment environment) {
            this.environment = environment;
        }

        @Override
        public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
            ClassLoader loader = beanFactory instanceof org.springframework.beans.factory.config.ConfigurableBeanFactory
                    configurable ? configurable.getBeanClassLoader() : getClass().getClassLoader();
            Class<?> type = indicatorInterface(loader);
            boolean enabled = environment.getProperty("management.health.postcall.enabled", Boolean.class,
                    environment.getProperty("management.health.defaults.enabled", Boolean.class, true));
            if (type == null || !enabled || registry.containsBeanDefinition(BEAN_NAME)) {
                return;
            }
            BeanFactory beans = beanFactory;
            Supplier<WebhookMonitor> monitor = () -> beans.getBean(PostCallRegistration.class).monitor();
            RootBeanDefinition definition = new RootBeanDefinition(type);
            definition.setTargetType(type);
            definition.setInstanceSupplier(() -> indicator(type, monitor));
            registry.registerBeanDefinition(BEAN_NAME, definition);
        }
    }
}
