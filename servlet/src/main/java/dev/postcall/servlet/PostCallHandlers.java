package dev.postcall.servlet;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.servlet.ServletContext;

import dev.postcall.spi.PostCallEventHandler;

/**
 * Registers {@link PostCallEventHandler}s for one web application in code, next to those
 * {@link PostCallWebhookServlet} finds with {@link java.util.ServiceLoader}. Handlers registered here receive every
 * event from the next delivery on, in registration order, after the service-loaded ones.
 *
 * <pre>{@code
 * @WebListener
 * public class Webhooks implements ServletContextListener {
 *     @Override public void contextInitialized(ServletContextEvent sce) {
 *         PostCallHandlers.register(sce.getServletContext(), event -> crm.record(event));
 *     }
 * }
 * }</pre>
 */
public final class PostCallHandlers {
    /** The servlet-context attribute holding the registered handlers. */
    static final String ATTRIBUTE = "dev.postcall.servlet.PostCallHandlers";

    private PostCallHandlers() {
    }

    /** Adds {@code handler} to the handlers of the web application of {@code context}; thread-safe. */
    public static void register(ServletContext context, PostCallEventHandler handler) {
        Objects.requireNonNull(handler, "handler");
        of(context).add(handler);
    }

    /**
     * Removes a handler added with {@link #register}.
     *
     * @return whether it was registered
     */
    public static boolean unregister(ServletContext context, PostCallEventHandler handler) {
        return of(context).remove(handler);
    }

    /** The live list of registered handlers of this context, created on first use. */
    @SuppressWarnings("unchecked")
    static List<PostCallEventHandler> of(ServletContext context) {
        Objects.requireNonNull(context, "context");
        Object list = context.getAttribute(ATTRIBUTE);
        if (list == null) {
            synchronized (PostCallHandlers.class) {
                list = context.getAttribute(ATTRIBUTE);
                if (list == null) {
                    list = new CopyOnWriteArrayList<PostCallEventHandler>();
                    context.setAttribute(ATTRIBUTE, list);
                }
            }
        }
        return (List<PostCallEventHandler>) list;
    }
}
