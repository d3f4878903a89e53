package dev.postcall.servlet;

import java.lang.reflect.Proxy;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.spi.InitialContextFactory;

/**
 * A JNDI environment for a forked server, as a container's {@code java:comp/env}: names bound with {@link #bind}
 * are what {@code new InitialContext().lookup(name)} answers. Installed with {@link #install()}.
 */
public final class TestNaming implements InitialContextFactory {
    private static final Map<String, Object> BOUND = new ConcurrentHashMap<>();

    /** Makes this the JVM's initial context factory. */
    static void install() {
        System.setProperty(Context.INITIAL_CONTEXT_FACTORY, TestNaming.class.getName());
    }

    static void bind(String name, Object value) {
        BOUND.put(name, value);
    }

    /** Created by JNDI. */
    public TestNaming() {
    }

    @Override
    public Context getInitialContext(Hashtable<?, ?> environment) {
        return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "lookup" -> {
                        Object value = BOUND.get(String.valueOf(args[0]));
                        if (value == null) {
                            throw new NameNotFoundException(String.valueOf(args[0]));
                        }
                        yield value;
                    }
                    case "close" -> null;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "TestNaming";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
