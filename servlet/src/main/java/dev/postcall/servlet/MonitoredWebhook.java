package dev.postcall.servlet;

import java.lang.System.Logger.Level;

import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;

import dev.postcall.internal.monitoring.Webhook;

/**
 * Where the filter and the servlet meet their {@link Webhook}: the one of their name in their web application, so a
 * filter and a servlet of the same name (as in every example) make one webhook, one MBean and one start-up line.
 * The start-up line is written once both have started, by the second, describing both; a filter or servlet whose
 * partner of the same name is not declared writes its own part alone.
 */
final class MonitoredWebhook {
    private MonitoredWebhook() {
    }

    /** The webhook named {@code name} in {@code context}'s application. */
    static Webhook of(ServletContext context, String name) {
        return Webhook.of(context, contextPath(context), name, RejectionLog.SLUGS);
    }

    /** The registry the application asked for under {@link PostCallWebhookFilter#METER_REGISTRY}, or {@code null}. */
    static Object meterRegistry(ServletContext context) {
        return context.getAttribute(PostCallWebhookFilter.METER_REGISTRY);
    }

    static String contextPath(ServletContext context) {
        String path = context.getContextPath();
        return path == null || path.isEmpty() ? "/" : path;
    }

    /** The filter's part is in: logs the whole line if the servlet's is too, else waits for it or logs alone. */
    static void filterStarted(Webhook webhook, ServletContext context) {
        if (webhook.servletDescription() == null && declares(context, webhook.name(), false)) {
            Log.LOGGER.log(Level.DEBUG, "PostCallWebhookFilter ''{0}'' ready: {1}", webhook.name(),
                    webhook.filterDescription());
            return;
        }
        log(webhook);
    }

    /** The servlet's part is in: logs the whole line if the filter's is too, else waits for it or logs alone. */
    static void servletStarted(Webhook webhook, ServletContext context) {
        if (webhook.filterDescription() == null && declares(context, webhook.name(), true)) {
            Log.LOGGER.log(Level.DEBUG, "PostCallWebhookServlet ''{0}'' ready: {1}", webhook.name(),
                    webhook.servletDescription());
            return;
        }
        log(webhook);
    }

    private static void log(Webhook webhook) {
        StringBuilder line = new StringBuilder("postcall webhook '").append(webhook.name()).append("' at ")
                .append(webhook.application()).append(" ready: ");
        String filter = webhook.filterDescription();
        String servlet = webhook.servletDescription();
        if (filter != null) {
            line.append(filter);
        } else {
            line.append("no PostCallWebhookFilter named '").append(webhook.name()).append("' yet");
        }
        line.append("; ");
        if (servlet != null) {
            line.append(servlet);
        } else {
            line.append("no PostCallWebhookServlet named '").append(webhook.name())
                    .append("' (an endpoint of the application's own behind the filter)");
        }
        String mbean = webhook.objectName();
        line.append("; JMX ").append(mbean == null ? "unavailable" : mbean).append(", Micrometer ")
                .append(webhook.hasMeters() ? "meters registered" : "not on the class path");
        Log.LOGGER.log(Level.INFO, line.toString());
    }

    /** Whether {@code context} declares a filter (or servlet) of postcall's class under {@code name}. */
    private static boolean declares(ServletContext context, String name, boolean filter) {
        try {
            if (filter) {
                FilterRegistration registration = context.getFilterRegistration(name);
                return registration != null
                        && PostCallWebhookFilter.class.getName().equals(registration.getClassName());
            }
            ServletRegistration registration = context.getServletRegistration(name);
            return registration != null
                    && PostCallWebhookServlet.class.getName().equals(registration.getClassName());
        } catch (RuntimeException e) { // a context that does not answer: better a line of one's own
            return false;
        }
    }
}
