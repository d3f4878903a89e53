package dev.postcall.internal.cdi;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;

/**
 * Adds the {@link ReadinessCheck} bean where MicroProfile Health is present (Open Liberty with {@code mpHealth},
 * Payara, WildFly's MicroProfile configurations), and nothing elsewhere: the jar is no bean archive, and this class
 * names no MicroProfile type, so a deployment without the API never loads one.
 */
public final class HealthCheckRegistration implements Extension {
    private static final System.Logger LOG = System.getLogger("dev.postcall.cdi");
    static final String HEALTH_CHECK = "org.eclipse.microprofile.health.HealthCheck";
    static final String CHECK = "dev.postcall.internal.cdi.ReadinessCheck";

    /** Created by the container, through {@code META-INF/services}. */
    public HealthCheckRegistration() {
    }

    void addReadinessCheck(@Observes BeforeBeanDiscovery discovery) {
        ClassLoader loader = HealthCheckRegistration.class.getClassLoader();
        try {
            Class.forName(HEALTH_CHECK, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return; // no MicroProfile Health here: nothing to add
        }
        try {
            discovery.addAnnotatedType(Class.forName(CHECK, false, loader), CHECK);
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.log(System.Logger.Level.WARNING, "postcall: MicroProfile Health is present but its readiness check"
                    + " cannot be loaded (" + e + "); /health/ready will not list postcall");
        }
    }
}
