package dev.postcall.internal.cdi;

import dev.postcall.cdi.Agent;
import jakarta.enterprise.inject.build.compatible.spi.BuildCompatibleExtension;
import jakarta.enterprise.inject.build.compatible.spi.Discovery;
import jakarta.enterprise.inject.build.compatible.spi.MetaAnnotations;
import jakarta.enterprise.inject.build.compatible.spi.ScannedClasses;

/**
 * What postcall-cdi tells the container before bean discovery: that {@link Agent} is a qualifier, and, where
 * MicroProfile Health is present (Open Liberty with {@code mpHealth}, Payara, WildFly's MicroProfile configurations,
 * Quarkus with {@code quarkus-smallrye-health}), the {@link ReadinessCheck} bean. The jar is no bean archive, and this
 * class names no MicroProfile type, so a deployment without the API never loads one.
 *
 * <p>A build compatible extension (CDI Lite) rather than a portable one, because Quarkus's ArC runs only these, at
 * build time; Weld runs it through its Lite extension translator ({@code weld-lite-extension-translator}, which every
 * Jakarta EE server has and {@code weld-servlet-core} brings to Tomcat and Jetty).
 */
public final class PostCallExtension implements BuildCompatibleExtension {
    private static final System.Logger LOG = System.getLogger("dev.postcall.cdi");
    static final String HEALTH_CHECK = "org.eclipse.microprofile.health.HealthCheck";
    static final String CHECK = "dev.postcall.internal.cdi.ReadinessCheck";

    /** Created by the container, through {@code META-INF/services}. */
    public PostCallExtension() {
    }

    /**
     * Declares {@link Agent} a qualifier. Weld knows it from its {@code @Qualifier} annotation; ArC knows only the
     * qualifiers of the classes it indexed, which a jar without {@code beans.xml} is not, and refuses to fire an event
     * with a qualifier it does not know, so without this every delivery that names an agent would fail on Quarkus.
     * Public, as CDI Lite requires of extension methods.
     *
     * @param meta the container's annotation registry
     */
    @Discovery
    public void registerAgentQualifier(MetaAnnotations meta) {
        meta.addQualifier(Agent.class);
    }

    /**
     * Adds the readiness check to the classes the container discovers beans in, where MicroProfile Health is.
     *
     * @param scanned the classes bean discovery looks at
     */
    @Discovery
    public void addReadinessCheck(ScannedClasses scanned) {
        ClassLoader loader = PostCallExtension.class.getClassLoader();
        try {
            Class.forName(HEALTH_CHECK, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return; // no MicroProfile Health here: nothing to add
        }
        try {
            // loaded here to report a broken class path at start-up rather than at the first health probe
            Class.forName(CHECK, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.log(System.Logger.Level.WARNING, "postcall: MicroProfile Health is present but its readiness check"
                    + " cannot be loaded (" + e + "); /health/ready will not list postcall");
            return;
        }
        scanned.add(CHECK);
    }
}
