package dev.postcall.servlet;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.http.HttpServlet;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import dev.postcall.signature.WebhookSigner;

/**
 * An embedded Jetty 12 (ee10) with the filter and a servlet on {@code /webhook}, on a loopback address and a free
 * port, plus the HTTP client calls the tests make.
 */
final class TestServer implements AutoCloseable {
    static final String SECRET = "wsec_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static final String PATH = "/webhook";

    final RecordingHandler handler = new RecordingHandler();
    private final Server server;
    private final ServletContextHandler context;
    private final URI uri;
    /** HTTP/1.1 as the sender uses; tests that talk to servers in other JVMs use it too. */
    static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private TestServer(Builder b) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(b.host);
        connector.setPort(0);
        if (b.idleTimeout != null) {
            connector.setIdleTimeout(b.idleTimeout.toMillis());
        }
        server.addConnector(connector);

        context = new ServletContextHandler();
        context.setContextPath(b.contextPath);
        b.attributes.forEach(context::setAttribute);
        if (b.tempDir != null) {
            context.setTempDirectory(b.tempDir.toFile());
        }
        if (b.outerFilter != null) {
            context.addFilter(new FilterHolder(b.outerFilter), PATH, EnumSet.of(DispatcherType.REQUEST));
        }
        if (b.filter) {
            FilterHolder filter = b.ticker == null ? new FilterHolder(PostCallWebhookFilter.class)
                    : new FilterHolder(new PostCallWebhookFilter(b.ticker));
            filter.setName("postcall");
            filter.setInitParameters(b.params);
            filter.setAsyncSupported(true);
            context.addFilter(filter, PATH, EnumSet.of(DispatcherType.REQUEST));
        }
        ServletHolder servlet = b.servlet == null
                ? new ServletHolder(PostCallWebhookServlet.class) : new ServletHolder(b.servlet);
        servlet.setName("postcall");
        servlet.setInitParameters(b.servletParams);
        servlet.setInitOrder(b.lazyServlet ? -1 : 1);
        servlet.setAsyncSupported(true);
        context.addServlet(servlet, PATH);
        if (b.handler) {
            context.addEventListener(new ServletContextListener() {
                @Override
                public void contextInitialized(ServletContextEvent sce) {
                    PostCallHandlers.register(sce.getServletContext(), handler);
                }
            });
        }
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        String host = b.host.contains(":") ? "[" + b.host + "]" : b.host;
        uri = URI.create("http://" + host + ":" + connector.getLocalPort() + b.contextPath.replaceAll("/$", "")
                + PATH);
    }

    static Builder builder() {
        return new Builder();
    }

    static TestServer start() throws Exception {
        return builder().start();
    }

    URI uri() {
        return uri;
    }

    /** Registers the recording handler now, as an application that registers its handler late would. */
    void registerHandler() {
        PostCallHandlers.register(context.getServletContext(), handler);
    }

    /** This server's web application. */
    jakarta.servlet.ServletContext servletContext() {
        return context.getServletContext();
    }

    /** The webhook of the filter and servlet named {@code postcall} in this server's application. */
    dev.postcall.internal.monitoring.Webhook webhook() {
        return MonitoredWebhook.of(context.getServletContext(), "postcall");
    }

    /** POSTs {@code body} with a valid signature made now. */
    HttpResponse<String> postSigned(byte[] body) throws IOException, InterruptedException {
        return post(body, WebhookSigner.header(body, SECRET, Instant.now()), Map.of());
    }

    /**
     * POSTs {@code body} signed now on a new connection, as a sender's retry does: after an answer the server gave
     * before it had read the whole request (an asynchronous timeout), it closes that connection, and the shared
     * client's pool may hand it out again before it has seen the close.
     */
    HttpResponse<String> postSignedOnNewConnection(byte[] body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2))
                .header(PostCallWebhookFilter.SIGNATURE_HEADER, WebhookSigner.header(body, SECRET, Instant.now()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    HttpResponse<String> post(byte[] body, String signature, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signature != null) {
            request.header(PostCallWebhookFilter.SIGNATURE_HEADER, signature);
        }
        headers.forEach(request::header);
        return send(request.build());
    }

    /** POSTs a body of unknown length: {@code Transfer-Encoding: chunked}. */
    HttpResponse<String> postChunked(InputStream body, String signature) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header(PostCallWebhookFilter.SIGNATURE_HEADER, signature)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body))
                .build();
        return send(request);
    }

    /** Sends {@code request}; a server that never answers fails the test after two minutes instead of hanging it. */
    static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        HttpRequest bounded = request.timeout().isPresent() ? request
                : HttpRequest.newBuilder(request, (name, value) -> true).timeout(Duration.ofMinutes(2)).build();
        return CLIENT.send(bounded, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static HttpResponse<String> sendChunkedBytes(URI uri, byte[] body, String signature)
            throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri)
                .header(PostCallWebhookFilter.SIGNATURE_HEADER, signature)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build());
    }

    /** The problem document of a rejection. */
    static JsonObject problem(HttpResponse<String> response) {
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop", e);
        }
    }

    static final class Builder {
        private final Map<String, String> params = new LinkedHashMap<>(Map.of(Settings.SECRET, SECRET));
        private String host = "127.0.0.1";
        private boolean filter = true;
        private java.util.function.LongSupplier ticker;
        private HttpServlet servlet;
        private Path tempDir;
        private final Map<String, String> servletParams = new LinkedHashMap<>();
        private final Map<String, Object> attributes = new LinkedHashMap<>();
        private String contextPath = "/";
        private boolean lazyServlet;
        private boolean handler = true;
        private Duration idleTimeout;
        private Filter outerFilter;

        /** A filter of the container's in front of postcall's (its HTTP instrumentation, say). */
        Builder outerFilter(Filter filter) {
            this.outerFilter = filter;
            return this;
        }

        /** No handler registered at start (none service-loaded either): the cdi jar left out, say. */
        Builder withoutHandler() {
            this.handler = false;
            return this;
        }

        /** How long the connector lets a connection sit without traffic (Jetty's default: 30 s). */
        Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        /** The servlet started by the first request, as containers do without {@code load-on-startup}. */
        Builder lazyServlet() {
            this.lazyServlet = true;
            return this;
        }

        /** A servlet-context attribute set before the filter and servlet start. */
        Builder contextAttribute(String name, Object value) {
            attributes.put(name, value);
            return this;
        }

        Builder contextPath(String path) {
            this.contextPath = path;
            return this;
        }

        /** An init-param of PostCallWebhookServlet. */
        Builder servletParam(String name, String value) {
            servletParams.put(name, value);
            return this;
        }

        Builder param(String name, String value) {
            params.put(name, value);
            return this;
        }

        Builder host(String host) {
            this.host = host;
            return this;
        }

        /** The monotonic nanoseconds the filter's rejection log is timed by, instead of {@code System::nanoTime}. */
        Builder filterTicker(java.util.function.LongSupplier ticker) {
            this.ticker = ticker;
            return this;
        }

        Builder withoutFilter() {
            this.filter = false;
            return this;
        }

        /** An application's own servlet behind the filter instead of ours. */
        Builder servlet(HttpServlet servlet) {
            this.servlet = servlet;
            return this;
        }

        Builder tempDir(Path dir) {
            this.tempDir = dir;
            return this;
        }

        TestServer start() throws Exception {
            return new TestServer(this);
        }
    }
}
