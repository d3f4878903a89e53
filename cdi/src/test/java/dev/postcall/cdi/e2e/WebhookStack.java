package dev.postcall.cdi.e2e;

import dev.postcall.servlet.PostCallWebhookFilter;
import dev.postcall.servlet.PostCallWebhookServlet;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.servlet.DispatcherType;
import java.lang.annotation.Annotation;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.jboss.weld.environment.servlet.Listener;
import org.jboss.weld.environment.servlet.WeldServletLifecycle;

/**
 * The whole stack as a Tomcat or Jetty user deploys it, on embedded Jetty 12 (ee10): Weld started by weld-servlet's
 * listener, {@link PostCallWebhookFilter} and {@link PostCallWebhookServlet} on {@link #PATH}, the CDI handler found
 * through {@code META-INF/services} and the observer beans of the test classpath found by Weld's discovery.
 *
 * <pre>{@code
 * try (WebhookStack stack = WebhookStack.builder().filterParam("memory-threshold", "512").start()) {
 *     HttpRequest.newBuilder(stack.uri()) ...
 *     MyObserver observer = stack.bean(MyObserver.class);
 * }
 * }</pre>
 */
public final class WebhookStack implements AutoCloseable {

    /** Where filter and servlet are mapped. */
    public static final String PATH = "/elevenlabs/webhook";

    private final Server server;
    private final ServletContextHandler context;
    private final StatisticsHandler statistics;
    private final URI uri;
    private final URI ipv6Uri;

    private WebhookStack(Builder b) throws Exception {
        server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = connector(b, http, "127.0.0.1");
        ServerConnector v6 = b.ipv6 ? connector(b, http, "::1") : null;

        context = new ServletContextHandler("/");
        if (b.tempDir != null) {
            context.setTempDirectory(b.tempDir.toFile());
        }
        context.addEventListener(new Listener());
        FilterHolder filter = new FilterHolder(PostCallWebhookFilter.class);
        filter.setName("postcall");
        filter.setInitParameters(b.filterParams);
        filter.setAsyncSupported(true);
        context.addFilter(filter, PATH, EnumSet.of(DispatcherType.REQUEST));
        ServletHolder servlet = new ServletHolder(PostCallWebhookServlet.class);
        servlet.setName("postcall");
        servlet.setInitParameters(b.servletParams);
        servlet.setInitOrder(1);
        servlet.setAsyncSupported(true);
        context.addServlet(servlet, PATH);
        // counts a request as active until Jetty completed it, i.e. after the filter's cleanup ran
        statistics = new StatisticsHandler(context);
        server.setHandler(statistics);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        uri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + PATH);
        ipv6Uri = v6 == null ? null : URI.create("http://[::1]:" + v6.getLocalPort() + PATH);
    }

    private ServerConnector connector(Builder b, HttpConfiguration http, String host) {
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(0);
        connector.setIdleTimeout(b.idleTimeout.toMillis());
        server.addConnector(connector);
        return connector;
    }

    /** A stack to configure; the filter needs at least a {@code secret}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The webhook URL on 127.0.0.1. */
    public URI uri() {
        return uri;
    }

    /** The webhook URL on [::1], or {@code null} when the builder did not ask for it. */
    public URI ipv6Uri() {
        return ipv6Uri;
    }

    /** A contextual reference to a bean of the web application's CDI container, with these qualifiers. */
    public <T> T bean(Class<T> type, Annotation... qualifiers) {
        BeanManager manager = (BeanManager) context.getServletContext()
                .getAttribute(WeldServletLifecycle.BEAN_MANAGER_ATTRIBUTE_NAME);
        return manager.createInstance().select(type, qualifiers).get();
    }

    /** Requests Jetty has started and not yet completed (the filter's {@code finally} included). */
    public int activeRequests() {
        return statistics.getRequestsActive();
    }

    /** Responses with a 5xx status Jetty sent so far, also those no client was left to read. */
    public int responses5xx() {
        return statistics.getResponses5xx();
    }

    /**
     * Waits until Jetty completed every request: a client can see the whole response before the filter returned.
     *
     * @return whether that happened within {@code limit}
     */
    public boolean awaitIdle(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (statistics.getRequestsActive() > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** Stops the server. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop", e);
        }
    }

    /** Settings of a {@link WebhookStack}. */
    public static final class Builder {
        private final Map<String, String> filterParams = new LinkedHashMap<>();
        private final Map<String, String> servletParams = new LinkedHashMap<>();
        private Path tempDir;
        private Duration idleTimeout = Duration.ofSeconds(30);
        private boolean ipv6;

        private Builder() {
        }

        /** An init-param of the filter ({@code secret}, {@code memory-threshold}, ...). */
        public Builder filterParam(String name, String value) {
            filterParams.put(name, value);
            return this;
        }

        /** An init-param of the servlet ({@code inbox-dir}, ...). */
        public Builder servletParam(String name, String value) {
            servletParams.put(name, value);
            return this;
        }

        /** The container's temp directory ({@code jakarta.servlet.context.tempdir}), where bodies spill. */
        public Builder tempDir(Path dir) {
            tempDir = dir;
            return this;
        }

        /** How long a connection may stay silent, also in the middle of a body. */
        public Builder idleTimeout(Duration timeout) {
            idleTimeout = timeout;
            return this;
        }

        /** Listen on [::1] as well. */
        public Builder ipv6(boolean on) {
            ipv6 = on;
            return this;
        }

        /** Starts the server. */
        public WebhookStack start() throws Exception {
            return new WebhookStack(this);
        }
    }
}
