package dev.postcall.spring;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

import javax.sql.DataSource;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.GenericServlet;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;

import dev.postcall.internal.delivery.DeliveryTracer;
import dev.postcall.servlet.PostCallHandlers;
import dev.postcall.servlet.PostCallWebhookFilter;
import dev.postcall.servlet.PostCallWebhookServlet;
import dev.postcall.spi.DeliveryStore;
import dev.postcall.monitoring.WebhookMonitor;
import dev.postcall.monitoring.Webhooks;
import dev.postcall.spi.PostCallEventHandler;

/**
 * Puts {@link PostCallWebhookFilter} and {@link PostCallWebhookServlet} on {@code postcall.path} of the embedded
 * server, as the {@code web.xml} of the README would, with the {@code postcall.*} settings as their init-params.
 *
 * <p>Both are initialised here, while the server starts, rather than by the container: a filter's or servlet's
 * {@code init} failing inside the container is logged and, for a servlet, deferred to its first request (Spring
 * Boot registers servlets without load-on-startup), depending on the container. Initialised here, every problem
 * with the settings, the filter's and the servlet's together, ends the start of the application with one
 * {@link PostCallSettingsException}. The container is then handed the initialised instances, whose own
 * {@code init} does nothing more.
 *
 * <p>The filter is mapped after every filter registered before it: Spring Security's filter chain (order -100) runs
 * first, so its rules apply to the webhook path as to any other.
 */
final class PostCallRegistration implements ServletContextInitializer, Ordered {

    /** The name of the filter and of the servlet, as in the README's {@code web.xml}. */
    static final String NAME = "postcall";
    private static final String SPRING_JDBC = "org.springframework.jdbc.datasource.DataSourceUtils";

    private final PostCallProperties properties;
    private final List<String> springProblems;
    private final PostCallEventHandler handler;
    private final Supplier<Object> meterRegistry;
    private final Supplier<Object> tracer;
    private final InboxDataSource dataSource;
    private final Supplier<DeliveryStore> store;
    private final ListableBeanFactory beans;
    private volatile WebhookMonitor monitor;

    /**
     * @param properties     the settings
     * @param springProblems problems found in the Spring configuration itself, reported with the others
     * @param handler        receives every verified event
     * @param meterRegistry  the application's Micrometer {@code MeterRegistry}, or {@code null} for none
     * @param tracer         the deliveries' observations ({@link ObservedDeliveries}), or {@code null} for none
     * @param dataSource     the application's DataSource, looked up for {@code postcall.inbox.store=jdbc} only
     * @param store          the application's own {@link DeliveryStore} bean, or {@code null} for none
     * @param beans          where the application's transaction manager is found, for
     *                       {@code postcall.inbox.transactional-listeners}
     */
    PostCallRegistration(PostCallProperties properties, List<String> springProblems, PostCallEventHandler handler,
            Supplier<Object> meterRegistry, Supplier<Object> tracer, InboxDataSource dataSource,
            Supplier<DeliveryStore> store, ListableBeanFactory beans) {
        this.properties = Objects.requireNonNull(properties, "properties");
        this.springProblems = List.copyOf(springProblems);
        this.handler = Objects.requireNonNull(handler, "handler");
        this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
        this.tracer = Objects.requireNonNull(tracer, "tracer");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.store = Objects.requireNonNull(store, "store");
        this.beans = Objects.requireNonNull(beans, "beans");
    }

    /**
     * The webhook the filter and servlet of this application make, from the server's start; {@code null} before,
     * or when they did not start.
     */
    WebhookMonitor monitor() {
        return monitor;
    }

    /** Late, so that the filter comes after the application's own and Spring Security's. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE - 100;
    }

    @Override
    public void onStartup(ServletContext context) throws ServletException {
        List<String> settingProblems = new ArrayList<>(springProblems);
        settingProblems.addAll(properties.unresolvedPlaceholders());
        List<String> componentProblems = new ArrayList<>();
        String path = properties.getPath();
        if (path == null || !path.startsWith("/") || path.chars().anyMatch(Character::isWhitespace)) {
            settingProblems.add("postcall.path: '" + path + "' is not a path; write one that starts with /, like"
                    + " /elevenlabs/webhook");
        }

        Object registry = meterRegistry.get();
        if (registry != null && context.getAttribute(PostCallWebhookFilter.METER_REGISTRY) == null) {
            context.setAttribute(PostCallWebhookFilter.METER_REGISTRY, registry);
        }
        Object observations = tracer.get();
        if (observations != null && context.getAttribute(DeliveryTracer.ATTRIBUTE) == null) {
            context.setAttribute(DeliveryTracer.ATTRIBUTE, observations);
        }
        // the webhook is this application's: the one of our name that the filter's start adds. Webhooks of other
        // applications in this class loader (one JVM running several, as tests do) may share the name and path
        List<WebhookMonitor> before = Webhooks.all();
        PostCallEventHandler registered = handler;
        PostCallHandlers.register(context, registered);
        PostCallWebhookFilter filter = new PostCallWebhookFilter();
        try {
            filter.init(new InitParams(NAME, context, properties.filterParams()));
        } catch (ServletException e) {
            componentProblems.add(e.getMessage());
            filter = null;
        }
        // an inbox the Spring settings cannot give the servlet is reported once, as they name it: the servlet is not
        // started with a part of them, which would add its own messages about the same mistake in web.xml's words
        List<String> inboxProblems = properties.inboxProblems();
        DeliveryStore own = store.get();
        if (own != null) {
            if (properties.inboxConfigured()) {
                inboxProblems.add("a DeliveryStore bean (" + own.description() + ") and postcall.inbox-dir or"
                        + " postcall.inbox.* are both set: deliveries are kept in one store; remove one");
            } else {
                context.setAttribute(PostCallWebhookServlet.DELIVERY_STORE, own);
            }
        }
        boolean transactional = properties.transactionalListeners(inboxProblems);
        settingProblems.addAll(inboxProblems);
        if (inboxProblems.isEmpty() && properties.jdbcInbox()) {
            DataSource found = dataSource.find(inboxProblems);
            settingProblems.addAll(inboxProblems);
            if (found != null) {
                context.setAttribute(PostCallWebhookServlet.INBOX_DATA_SOURCE, found);
                if (transactional) {
                    PostCallEventHandler inTransaction = inTransaction(found, inboxProblems);
                    settingProblems.addAll(inboxProblems);
                    if (inTransaction != null) {
                        PostCallHandlers.unregister(context, registered);
                        registered = inTransaction;
                        PostCallHandlers.register(context, registered);
                    }
                }
            }
        }
        PostCallWebhookServlet servlet = null;
        if (inboxProblems.isEmpty()) {
            servlet = new PostCallWebhookServlet();
            try {
                servlet.init(new InitParams(NAME, context, properties.servletParams()));
            } catch (ServletException e) {
                componentProblems.add(e.getMessage());
                servlet = null;
            }
        }
        if (!settingProblems.isEmpty() || !componentProblems.isEmpty()) {
            abandon(context, filter, servlet, registered);
            throw new PostCallSettingsException(settingProblems, componentProblems);
        }

        for (WebhookMonitor webhook : Webhooks.all()) {
            if (webhook.name().equals(NAME) && before.stream().noneMatch(old -> old == webhook)) {
                monitor = webhook;
            }
        }

        FilterRegistration.Dynamic filterRegistration = context.addFilter(NAME, new InitializedFilter(filter));
        ServletRegistration.Dynamic servletRegistration = context.addServlet(NAME, new InitializedServlet(servlet));
        if (filterRegistration == null || servletRegistration == null) {
            abandon(context, filter, servlet, registered);
            throw new PostCallSettingsException(List.of("a filter or servlet named '" + NAME + "' is registered"
                    + " already (a web.xml or @WebServlet of the application?); remove it, the starter registers"
                    + " both, or set postcall.enabled=false to register your own"), List.of());
        }
        filterRegistration.setAsyncSupported(true);
        filterRegistration.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, path);
        servletRegistration.setAsyncSupported(true);
        Set<String> taken = servletRegistration.addMapping(path);
        if (!taken.isEmpty()) {
            abandon(context, filter, servlet, registered);
            throw new PostCallSettingsException(List.of("postcall.path: " + taken + " is mapped to another servlet"
                    + " already; choose another postcall.path"), List.of());
        }
    }

    /**
     * Undoes a start that fails: the filter and the servlet started here are destroyed (the servlet closes the store
     * it opened: a directory inbox's lock, a database store's threads) and the handler is unregistered, so a failed
     * start leaves nothing running and the next start can take the same inbox.
     */
    private static void abandon(ServletContext context, PostCallWebhookFilter filter, PostCallWebhookServlet servlet,
                                PostCallEventHandler registered) {
        if (filter != null) {
            filter.destroy();
        }
        if (servlet != null) {
            servlet.destroy();
        }
        PostCallHandlers.unregister(context, registered);
    }

    /**
     * The listeners in the delivery's transaction on the inbox's DataSource ({@link TransactionalListeners}), or
     * {@code null} with a line added to {@code problems}.
     */
    private PostCallEventHandler inTransaction(DataSource found, List<String> problems) {
        if (!ClassUtils.isPresent(SPRING_JDBC, PostCallRegistration.class.getClassLoader())) {
            problems.add("postcall.inbox.transactional-listeners: runs the listeners in a Spring transaction, which"
                    + " needs spring-jdbc (spring-boot-starter-jdbc); add it, or remove the setting");
            return null;
        }
        return TransactionalListeners.wrap(handler, found, beans, problems);
    }

    /** The init-params of the filter or the servlet, as the container would hand them from a {@code web.xml}. */
    private record InitParams(String name, ServletContext context, Map<String, String> params)
            implements FilterConfig, ServletConfig {
        @Override
        public String getFilterName() {
            return name;
        }

        @Override
        public String getServletName() {
            return name;
        }

        @Override
        public ServletContext getServletContext() {
            return context;
        }

        @Override
        public String getInitParameter(String param) {
            return params.get(param);
        }

        @Override
        public Enumeration<String> getInitParameterNames() {
            return Collections.enumeration(params.keySet());
        }
    }

    /** The initialised filter, handed to the container; destroyed with it. */
    private static final class InitializedFilter implements Filter {
        private final PostCallWebhookFilter filter;

        InitializedFilter(PostCallWebhookFilter filter) {
            this.filter = filter;
        }

        @Override
        public void init(FilterConfig config) {
            // initialised already, with the postcall.* settings
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            filter.doFilter(request, response, chain);
        }

        @Override
        public void destroy() {
            filter.destroy();
        }
    }

    /** The initialised servlet, handed to the container; destroyed with it. */
    private static final class InitializedServlet extends GenericServlet {
        private static final long serialVersionUID = 1L;
        private final transient PostCallWebhookServlet servlet;

        InitializedServlet(PostCallWebhookServlet servlet) {
            this.servlet = servlet;
        }

        @Override
        public void init() {
            // initialised already, with the postcall.* settings
        }

        @Override
        public void service(ServletRequest request, ServletResponse response) throws ServletException, IOException {
            servlet.service(request, response);
        }

        @Override
        public void destroy() {
            servlet.destroy();
        }
    }
}
