package dev.postcall.internal.cdi;

import jakarta.enterprise.inject.spi.BeanManager;
import java.lang.reflect.Proxy;
import java.util.Hashtable;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.spi.InitialContextFactory;

/**
 * A JNDI provider for {@link WithoutContainerTest}: binds {@link #MANAGER} under the name in {@link #boundName},
 * the way an application server binds its bean manager.
 */
public final class BoundBeanManagerFactory implements InitialContextFactory {

    /** A stand-in bean manager; the lookup only hands it on. */
    static final BeanManager MANAGER = (BeanManager) Proxy.newProxyInstance(BeanManager.class.getClassLoader(),
            new Class<?>[] {BeanManager.class}, (proxy, method, args) -> {
                throw new UnsupportedOperationException(method.getName());
            });

    static volatile String boundName;

    /** Called by {@link javax.naming.InitialContext}. */
    public BoundBeanManagerFactory() {
    }

    @Override
    public Context getInitialContext(Hashtable<?, ?> environment) {
        return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "lookup":
                            if (String.valueOf(args[0]).equals(boundName)) {
                                return MANAGER;
                            }
                            throw new NameNotFoundException(String.valueOf(args[0]));
                        case "close":
                            return null;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }
}
