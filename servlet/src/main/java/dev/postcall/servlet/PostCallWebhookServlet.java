package dev.postcall.servlet;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.postcall.EventParser;
import dev.postcall.MalformedEventException;
import dev.postcall.PostCallEvent;
import dev.postcall.spi.PostCallEventHandler;

/**
 * Turns each delivery verified by {@link PostCallWebhookFilter} into a typed {@link PostCallEvent} and hands it to
 * every {@link PostCallEventHandler}: those listed in {@code META-INF/services/dev.postcall.spi.PostCallEventHandler}
 * of the web application (found once, at start; the {@code postcall-cdi} jar lists one that fires CDI events), then
 * those added with {@link PostCallHandlers#register}.
 *
 * <table>
 *   <caption>Answers</caption>
 *   <tr><th>case</th><th>status</th><th>body</th></tr>
 *   <tr><td>every handler returned (an unknown event {@code type} included, as an {@code UnknownEvent})</td>
 *       <td>200</td><td>{@code {"received":true}}</td></tr>
 *   <tr><td>no handler at all (a warning is logged)</td><td>200</td><td>{@code {"received":true}}</td></tr>
 *   <tr><td>body not JSON, not an object, no {@code type} or {@code data}</td><td>400</td>
 *       <td>problem {@code malformed-event}</td></tr>
 *   <tr><td>a handler threw (the other handlers still ran)</td><td>500</td><td>problem {@code handler-failed}</td></tr>
 *   <tr><td>the request did not pass through {@link PostCallWebhookFilter}</td><td>500</td>
 *       <td>problem {@code filter-missing}</td></tr>
 * </table>
 *
 * <p>It takes no init-params; map it to the same URL as the filter (see the {@code web.xml} in
 * {@link PostCallWebhookFilter}). Without the filter it refuses every request, so a mapping mistake never lets an
 * unverified body reach a handler.
 */
public final class PostCallWebhookServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final byte[] RECEIVED = "{\"received\":true}".getBytes(StandardCharsets.UTF_8);

    private transient EventParser parser;
    private transient List<PostCallEventHandler> loaded;
    private transient List<PostCallEventHandler> registered;
    private final AtomicBoolean filterMissingLogged = new AtomicBoolean();
    private final AtomicBoolean noHandlerLogged = new AtomicBoolean();

    /** Created by the container. */
    public PostCallWebhookServlet() {
    }

    /** Builds the parser and finds the handlers, once. */
    @Override
    public void init() throws ServletException {
        ServletContext context = getServletContext();
        parser = new EventParser();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            ClassLoader own = context.getClassLoader();
            if (own != null) {
                loader = own;
            }
        } catch (SecurityException | UnsupportedOperationException e) {
            // keep the thread's loader, which is the web application's during init()
        }
        List<PostCallEventHandler> found = new ArrayList<>();
        try {
            for (PostCallEventHandler handler : ServiceLoader.load(PostCallEventHandler.class, loader)) {
                found.add(handler);
            }
        } catch (ServiceConfigurationError e) {
            throw new ServletException("a PostCallEventHandler listed in META-INF/services cannot be loaded: "
                    + e.getMessage(), e);
        }
        loaded = List.copyOf(found);
        registered = PostCallHandlers.of(context);
        if (loaded.isEmpty() && registered.isEmpty()) {
            Log.LOGGER.log(Level.WARNING, "servlet ''{0}'': no PostCallEventHandler yet (none in"
                    + " META-INF/services, none registered with PostCallHandlers); verified events are acknowledged"
                    + " with 200 and dropped until one is registered. Add postcall-cdi or register a handler.",
                    getServletName());
        } else {
            Log.LOGGER.log(Level.INFO, "servlet ''{0}'' ready with {1} service-loaded and {2} registered handler(s)",
                    getServletName(), loaded.size(), registered.size());
        }
    }

    /** Parses and dispatches the verified delivery; see the class description for the answers. */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        VerifiedDelivery delivery = VerifiedDelivery.of(request);
        if (delivery == null) {
            if (filterMissingLogged.compareAndSet(false, true)) {
                Log.LOGGER.log(Level.ERROR, "servlet ''{0}'' received {1} {2} without a VerifiedDelivery: map"
                        + " dev.postcall.servlet.PostCallWebhookFilter to the same URL pattern as this servlet in"
                        + " web.xml (<filter-mapping>); every request is refused with 500 until then",
                        getServletName(), request.getMethod(), request.getRequestURI());
            }
            Problem.FILTER_MISSING.send(response);
            return;
        }
        PostCallEvent event;
        try {
            event = parser.parse(delivery.body());
        } catch (MalformedEventException e) {
            Log.LOGGER.log(Level.DEBUG, "malformed event from {0}: {1}", delivery.clientAddress(), e.getMessage());
            Problem.MALFORMED_EVENT.send(response);
            return;
        }
        boolean failed = dispatch(event, loaded) | dispatch(event, registered);
        if (failed) {
            Problem.HANDLER_FAILED.send(response);
            return;
        }
        if (loaded.isEmpty() && registered.isEmpty() && noHandlerLogged.compareAndSet(false, true)) {
            Log.LOGGER.log(Level.WARNING, "servlet ''{0}'': a verified {1} event was acknowledged but no"
                    + " PostCallEventHandler is registered", getServletName(), event.type());
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("application/json");
        response.setContentLength(RECEIVED.length);
        response.getOutputStream().write(RECEIVED);
    }

    /** @return whether a handler threw */
    private static boolean dispatch(PostCallEvent event, List<PostCallEventHandler> handlers) {
        boolean failed = false;
        for (PostCallEventHandler handler : handlers) {
            try {
                handler.handle(event);
            } catch (Exception | LinkageError | AssertionError e) {
                failed = true;
                Log.LOGGER.log(Level.ERROR, "handler " + handler.getClass().getName() + " failed on a " + event.type()
                        + " event of conversation " + event.conversationId(), e);
            }
        }
        return failed;
    }
}
