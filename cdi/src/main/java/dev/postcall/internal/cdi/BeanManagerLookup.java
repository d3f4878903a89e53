package dev.postcall.internal.cdi;

import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.CDI;
import java.util.ServiceConfigurationError;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * Finds the calling web application's {@link BeanManager}: {@link CDI#current()} first (Weld, OpenWebBeans and
 * every Jakarta EE server answer it), then the JNDI names containers bind it under.
 */
final class BeanManagerLookup {

    /** The standard name first, then where weld-servlet binds it on Tomcat and Jetty when JNDI is set up. */
    private static final String[] JNDI_NAMES = {"java:comp/BeanManager", "java:comp/env/BeanManager"};

    private BeanManagerLookup() {
    }

    /**
     * Returns the current application's bean manager.
     *
     * @throws IllegalStateException when there is no CDI container, saying what to add
     */
    static BeanManager find() {
        Throwable cdiFailure;
        try {
            BeanManager found = CDI.current().getBeanManager();
            if (found != null) {
                return found;
            }
            cdiFailure = new IllegalStateException("CDI.current().getBeanManager() returned null");
        } catch (RuntimeException | ServiceConfigurationError e) {
            // no CDIProvider on the class path, or one that has no container for this application
            cdiFailure = e;
        }
        NamingException jndiFailure = null;
        for (String name : JNDI_NAMES) {
            try {
                Object found = lookup(name);
                if (found instanceof BeanManager) {
                    return (BeanManager) found;
                }
            } catch (NamingException e) {
                jndiFailure = e;
            }
        }
        IllegalStateException missing = new IllegalStateException(
                "postcall-cdi found no CDI container: CDI.current() failed and JNDI java:comp/BeanManager is not "
                        + "bound. On Tomcat or Jetty add org.jboss.weld.servlet:weld-servlet-core to the WAR; on a "
                        + "Jakarta EE server (WildFly, Payara, Open Liberty) enable CDI; or remove postcall-cdi "
                        + "and register your own dev.postcall.spi.PostCallEventHandler.",
                cdiFailure);
        if (jndiFailure != null) {
            missing.addSuppressed(jndiFailure);
        }
        throw missing;
    }

    private static Object lookup(String name) throws NamingException {
        InitialContext context = new InitialContext();
        try {
            return context.lookup(name);
        } finally {
            context.close();
        }
    }
}
