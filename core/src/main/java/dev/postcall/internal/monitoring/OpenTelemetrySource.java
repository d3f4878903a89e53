package dev.postcall.internal.monitoring;

/**
 * Where an application's container offers its OpenTelemetry: {@code postcall-cdi} lists one in
 * {@code META-INF/services} that looks up the CDI container's {@code OpenTelemetry} bean (MicroProfile Telemetry on
 * WildFly, Open Liberty and Payara, {@code quarkus-opentelemetry}). {@link Tracing} asks each one found on the web
 * application's class loader, once, when the servlet starts.
 */
public interface OpenTelemetrySource {

    /**
     * The container's {@code io.opentelemetry.api.OpenTelemetry}, or {@code null} when it offers none. Never throws.
     */
    Object openTelemetry();

    /** Where it came from, for the start-up line ("the CDI container's bean"). */
    String description();
}
