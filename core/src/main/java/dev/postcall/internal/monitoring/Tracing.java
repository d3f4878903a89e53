package dev.postcall.internal.monitoring;

import dev.postcall.internal.delivery.DeliveryTracer;

/**
 * Chooses what traces a servlet's deliveries, once, when it starts: an integration's own {@link DeliveryTracer} (the
 * Spring Boot starter's Micrometer observations), else OpenTelemetry when its API is on the class path, else nothing
 * (the dispatcher then checks one field per delivery). OpenTelemetry's instance is, in this order, the one the
 * application hands the servlet (a servlet-context attribute), the container's (an {@link OpenTelemetrySource}:
 * postcall-cdi's finds the CDI bean of MicroProfile Telemetry and Quarkus), or {@code GlobalOpenTelemetry} when
 * something set it (the OpenTelemetry Java agent does, before the application starts).
 */
public final class Tracing {

    private static final System.Logger LOG = System.getLogger("dev.postcall.monitoring");
    private static final boolean OPEN_TELEMETRY = present("io.opentelemetry.api.OpenTelemetry");

    private Tracing() {
    }

    /**
     * What traces the deliveries, and how the start-up line says so.
     *
     * @param tracer      the tracer, or {@code null} for none
     * @param description e.g. {@code OpenTelemetry (GlobalOpenTelemetry)}, {@code off (...)}
     */
    public record Choice(DeliveryTracer tracer, String description) {
    }

    /**
     * @param tracer        an integration's {@link DeliveryTracer} (the servlet-context attribute
     *                      {@link DeliveryTracer#ATTRIBUTE}), or {@code null}
     * @param openTelemetry the application's {@code io.opentelemetry.api.OpenTelemetry}, or {@code null}
     * @param attribute     where {@code openTelemetry} came from, for a message about it
     * @param loader        the web application's class loader, where {@link OpenTelemetrySource}s are listed
     * @throws IllegalArgumentException when {@code openTelemetry} is not an OpenTelemetry postcall can use
     */
    public static Choice choose(Object tracer, Object openTelemetry, String attribute, ClassLoader loader) {
        if (tracer instanceof DeliveryTracer own) {
            return new Choice(own, own.toString());
        }
        if (tracer != null) {
            // only postcall's own integrations set it; another class loader's copy of the type would land here
            LOG.log(System.Logger.Level.WARNING, "the servlet-context attribute " + DeliveryTracer.ATTRIBUTE
                    + " holds a " + tracer.getClass().getName() + " that is not a DeliveryTracer of this postcall;"
                    + " it is ignored");
        }
        if (!OPEN_TELEMETRY) {
            if (openTelemetry != null) {
                throw new IllegalArgumentException(attribute + " holds a " + openTelemetry.getClass().getName()
                        + ", but OpenTelemetry's API (io.opentelemetry:opentelemetry-api) is not on postcall's class"
                        + " path");
            }
            return new Choice(null, "off (no OpenTelemetry API on the class path)");
        }
        return OpenTelemetryTracer.choose(openTelemetry, attribute, loader);
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, Tracing.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
