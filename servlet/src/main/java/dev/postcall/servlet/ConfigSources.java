package dev.postcall.servlet;

import java.lang.reflect.Method;
import java.util.Optional;

import javax.naming.InitialContext;
import javax.naming.NameNotFoundException;
import javax.naming.NamingException;

/**
 * Where {@code ${env:…}}, {@code ${sys:…}}, {@code ${jndi:…}} and {@code ${mp:…}} references in init-params are
 * looked up. Each method returns {@code null} for "not set" and throws {@link IllegalStateException} with a message
 * fit for the operator when the source itself is unavailable.
 */
interface ConfigSources {

    String env(String name);

    String sys(String name);

    String jndi(String name);

    String mp(String key);

    /** The real sources: the process environment, system properties, JNDI and MicroProfile Config if present. */
    static ConfigSources system(ClassLoader classLoader) {
        return new ConfigSources() {
            @Override
            public String env(String name) {
                return System.getenv(name);
            }

            @Override
            public String sys(String name) {
                return System.getProperty(name);
            }

            @Override
            public String jndi(String name) {
                String full = name.startsWith("java:") ? name : "java:comp/env/" + name;
                try {
                    Object value = new InitialContext().lookup(full);
                    return value == null ? null : value.toString();
                } catch (NameNotFoundException e) {
                    return null;
                } catch (NamingException e) {
                    throw new IllegalStateException("JNDI lookup of " + full + " failed (" + e.getClass().getSimpleName()
                            + "); is a JNDI environment available in this container?", e);
                }
            }

            @Override
            public String mp(String key) {
                // reflection keeps MicroProfile Config optional: Tomcat users have none
                Class<?> provider;
                try {
                    provider = Class.forName("org.eclipse.microprofile.config.ConfigProvider", true, classLoader);
                } catch (ClassNotFoundException | LinkageError e) {
                    throw new IllegalStateException("MicroProfile Config is not available in this container; use"
                            + " ${env:…}, ${sys:…} or ${jndi:…} instead");
                }
                try {
                    Object config = provider.getMethod("getConfig", ClassLoader.class).invoke(null, classLoader);
                    Class<?> api = Class.forName("org.eclipse.microprofile.config.Config", false, classLoader);
                    Method lookup = api.getMethod("getOptionalValue", String.class, Class.class);
                    Optional<?> value = (Optional<?>) lookup.invoke(config, key, String.class);
                    return value.map(Object::toString).orElse(null);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    throw new IllegalStateException("MicroProfile Config lookup failed (" + e.getClass().getSimpleName()
                            + ")", e);
                }
            }
        };
    }
}
