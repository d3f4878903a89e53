package dev.postcall.internal.cdi;

import dev.postcall.internal.monitoring.OpenTelemetrySource;
import jakarta.enterprise.inject.Instance;

/**
 * The CDI container's {@code io.opentelemetry.api.OpenTelemetry} bean, which MicroProfile Telemetry (WildFly, Open
 * Liberty, Payara) and {@code quarkus-opentelemetry} provide: the servlet asks it once, at its start, through
 * {@code META-INF/services}, and its deliveries' spans go there. Looked up by the API's class name, so this jar needs
 * no OpenTelemetry to load; without the API, a container or a bean it answers {@code null}.
 */
public final class CdiOpenTelemetry implements OpenTelemetrySource {

    private static final String OPEN_TELEMETRY = "io.opentelemetry.api.OpenTelemetry";

    /** Created by {@link java.util.ServiceLoader}. */
    public CdiOpenTelemetry() {
    }

    @Override
    public Object openTelemetry() {
        try {
            Class<?> type = Class.forName(OPEN_TELEMETRY, false, CdiOpenTelemetry.class.getClassLoader());
            Instance<?> bean = BeanManagerLookup.find().createInstance().select(type);
            return bean.isResolvable() ? bean.get() : null;
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            // no API, no container (a servlet-only application with postcall-cdi on its class path), or no bean
            return null;
        }
    }

    @Override
    public String description() {
        return "the CDI container's OpenTelemetry bean";
    }
}
