package dev.postcall.servlet;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.postcall.BodySource;
import dev.postcall.EventParser;
import dev.postcall.MalformedEventException;
import dev.postcall.PostCallEvent;
import dev.postcall.internal.delivery.DeliveryTracer;
import dev.postcall.internal.delivery.Dispatcher;
import dev.postcall.internal.delivery.HandlerRunner;
import dev.postcall.internal.delivery.KeyClaims;
import dev.postcall.internal.delivery.MemoryStore;
import dev.postcall.internal.inbox.DirectoryStore;
import dev.postcall.internal.monitoring.Tracing;
import dev.postcall.internal.monitoring.Webhook;
import dev.postcall.jdbc.JdbcDeliveryStore;
import dev.postcall.monitoring.ReplayReport;
import dev.postcall.spi.DeliveryStore;
import dev.postcall.spi.PostCallEventHandler;

/**
 * Turns each delivery verified by {@link PostCallWebhookFilter} into a typed {@link PostCallEvent} and hands it to
 * every {@link PostCallEventHandler}: those listed in {@code META-INF/services/dev.postcall.spi.PostCallEventHandler}
 * of the web application (found once, at start; the {@code postcall-cdi} jar lists one that fires CDI events), then
 * those added with {@link PostCallHandlers#register}.
 *
 * <table>
 *   <caption>Init-params (all optional; values may use {@code ${env:X}}, {@code ${sys:x}}, {@code ${jndi:name}},
 *   {@code ${mp:key}})</caption>
 *   <tr><th>name</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code inbox-dir}</td><td>none</td><td>write-ahead directory: each verified delivery is stored (fsynced)
 *       before dispatch and removed once handled; what handlers fail on stays in {@code failed/} for replay</td></tr>
 *   <tr><td>{@code inbox}</td><td>none</td><td>the inbox and the delivery ledger in a database shared by every
 *       node: {@code jndi:java:comp/env/jdbc/postcall} (a non-JTA {@link DataSource} looked up at start), or
 *       {@code datasource} (the DataSource in the servlet-context attribute {@link #INBOX_DATA_SOURCE}); one
 *       committed insert keeps the delivery and claims its key before the handlers run; failed deliveries stay as
 *       {@code failed} rows for replay from any node. Not with {@code inbox-dir} or {@code delivery-ledger}</td></tr>
 *   <tr><td>{@code inbox-create-schema}</td><td>{@code false}</td><td>{@code true}: create the two tables at start
 *       when missing (the DDL shipped for PostgreSQL, MariaDB, H2)</td></tr>
 *   <tr><td>{@code inbox-table-prefix}</td><td>{@code postcall_}</td><td>prefix of the tables' names
 *       ({@code postcall_delivery}, {@code postcall_body_chunk}), optionally schema-qualified</td></tr>
 *   <tr><td>{@code inbox-retention}</td><td>{@code 2h}</td><td>how long a handled key is remembered before its row
 *       is pruned</td></tr>
 *   <tr><td>{@code inbox-takeover-after}</td><td>{@code 10m}</td><td>how long a claim may go without its node
 *       keeping it alive before another node takes it over (its node died) or moves it to failed; the node handling
 *       a delivery keeps its claim alive, however long the handlers run</td></tr>
 *   <tr><td>{@code inbox-node-id}</td><td>none (random)</td><td>this node's stable, unique name (host or pod
 *       name): at start the deliveries its previous run was dispatching are moved to failed at once, instead of
 *       after {@code inbox-takeover-after}</td></tr>
 *   <tr><td>{@code on-handler-failure}</td><td>{@code accept} with an inbox, else {@code reject}</td>
 *       <td>{@code accept}: answer 200, the delivery being safe in {@code failed/} (a 5xx pushes the endpoint
 *       toward auto-disable); {@code reject}: answer 500, for senders with retries enabled</td></tr>
 *   <tr><td>{@code delivery-ledger}</td><td>{@code memory}</td><td>recognises a delivery already handled (its
 *       {@code DeliveryKey}: type, conversation id and, but for transcriptions and recordings, event timestamp)
 *       without {@code inbox-dir} or {@code inbox}: {@code memory} (one node) or {@code off}</td></tr>
 *   <tr><td>{@code duplicate-wait}</td><td>{@code 30s}</td><td>how long a delivery waits for a concurrent delivery of
 *       the same event before answering 503</td></tr>
 *   <tr><td>{@code delivery-log-level}</td><td>{@code info}</td><td>the level of the line logged for each handled
 *       or duplicate delivery: {@code info} or {@code debug}; deliveries kept in {@code failed/} are logged at
 *       WARNING and those lost at ERROR whatever it says</td></tr>
 *   <tr><td>{@code backfill-api-key}</td><td>none: off</td><td>an ElevenLabs API key (conversations read,
 *       workspace webhooks read): every {@code backfill-interval} the conversations of the window no webhook
 *       delivered are fetched from the Conversations API and handled as backfilled events, and the webhook's state at
 *       ElevenLabs is watched (health, JMX, meters). Needs {@code inbox-dir} or {@code inbox}. Give it as a reference
 *       ({@code ${env:ELEVENLABS_API_KEY}}); it is never logged</td></tr>
 *   <tr><td>{@code backfill-base-url}</td><td>{@code https://api.elevenlabs.io}</td><td>the API's root, or
 *       {@code us}, {@code eu}, {@code in}, {@code sg} for the data-residency ones; plain http only to
 *       localhost</td></tr>
 *   <tr><td>{@code backfill-interval}</td><td>{@code 5m}</td><td>time between runs, at least 10 s</td></tr>
 *   <tr><td>{@code backfill-lookback}</td><td>{@code 1d}</td><td>how far back the first run looks, and how far
 *       before the watermark every run looks again (calls still being processed, late webhooks)</td></tr>
 *   <tr><td>{@code backfill-agents}</td><td>every agent</td><td>comma-separated agent ids to backfill</td></tr>
 *   <tr><td>{@code backfill-audio}</td><td>{@code false}</td><td>{@code true}: each backfilled call's recording is
 *       fetched too, and handled as a backfilled {@code AudioEvent} before its transcription</td></tr>
 * </table>
 *
 * <p>Each verified delivery is logged in one line: type, conversation id, body size, outcome, answer and handling
 * time, never payload text. After 5 non-200 answers in a row an ERROR line warns that ElevenLabs disables the
 * endpoint after 10. The numbers and the health (inbox writable, entries in {@code failed/}) are the webhook's of
 * the filter of the same name: see {@link PostCallWebhookFilter} and {@link dev.postcall.monitoring.Webhooks}.
 *
 * <p>Where OpenTelemetry's API is on the class path, each delivery (and each replay) is also a CONSUMER span
 * {@code process <event type>}, a child of the container's HTTP span and current while the handlers run, sent to the
 * OpenTelemetry under {@link #OPEN_TELEMETRY}, else the CDI container's bean ({@code postcall-cdi}), else
 * {@code GlobalOpenTelemetry} once something set it; the start-up line says which ({@code traces=…}).
 *
 * <table>
 *   <caption>Answers</caption>
 *   <tr><th>case</th><th>status</th><th>body</th></tr>
 *   <tr><td>every handler returned (an unknown event {@code type} included, as an {@code UnknownEvent})</td>
 *       <td>200</td><td>{@code {"received":true}}</td></tr>
 *   <tr><td>the same event was handled before (the sender retried, or someone replayed it)</td><td>200</td>
 *       <td>{@code {"received":true}}, not dispatched again</td></tr>
 *   <tr><td>no handler registered (yet), with an inbox: kept in {@code failed/} for a replay, answered as a handler
 *       failure would be</td><td>200</td><td>{@code {"received":true}}</td></tr>
 *   <tr><td>no handler registered (yet), without an inbox: not dispatched, the sender retries</td><td>503</td>
 *       <td>problem {@code no-handler}, {@code Retry-After: 30}</td></tr>
 *   <tr><td>body not JSON, not an object, no {@code type} or {@code data}</td><td>400</td>
 *       <td>problem {@code malformed-event}</td></tr>
 *   <tr><td>a handler threw (the other handlers still ran), with an inbox and {@code on-handler-failure=accept}</td>
 *       <td>200</td><td>{@code {"received":true}}; the delivery is in {@code failed/}, logged at WARNING</td></tr>
 *   <tr><td>a handler threw, otherwise</td><td>500</td><td>problem {@code handler-failed}</td></tr>
 *   <tr><td>the event's {@code data} does not fit the model (a handler's {@code report()} or {@code data()} threw
 *       {@code MalformedDataException}): with an inbox it is kept in {@code failed/} and answered as a handler
 *       failure would be; without one</td><td>400</td><td>problem {@code malformed-event}</td></tr>
 *   <tr><td>the inbox cannot store the delivery (disk full, permissions): not dispatched</td><td>503</td>
 *       <td>problem {@code inbox-unavailable}, {@code Retry-After: 30}</td></tr>
 *   <tr><td>the same event is being handled by another request for longer than {@code duplicate-wait}</td>
 *       <td>503</td><td>problem {@code delivery-in-progress}, {@code Retry-After: 30}</td></tr>
 *   <tr><td>the request did not pass through {@link PostCallWebhookFilter}</td><td>500</td>
 *       <td>problem {@code filter-missing}</td></tr>
 * </table>
 *
 * <p>Map it to the same URL as the filter (see the {@code web.xml} in {@link PostCallWebhookFilter}). Without the
 * filter it refuses every request, so a mapping mistake never lets an unverified body reach a handler. A bad
 * init-param, an unusable {@code inbox-dir} or an unusable {@code inbox} database (no DataSource, no connection,
 * tables missing) fails the web application's start with one message listing every problem, never a password.
 *
 * <pre>{@code
 * <!-- web.xml: the servlet on the filter's URL, with a directory that keeps what the handlers fail on -->
 * <servlet>
 *   <servlet-name>postcall</servlet-name>
 *   <servlet-class>dev.postcall.servlet.PostCallWebhookServlet</servlet-class>
 *   <init-param><param-name>inbox-dir</param-name><param-value>/var/lib/myapp/postcall-inbox</param-value></init-param>
 * </servlet>
 * <servlet-mapping><servlet-name>postcall</servlet-name><url-pattern>/elevenlabs/webhook</url-pattern></servlet-mapping>
 * }</pre>
 */
public final class PostCallWebhookServlet extends HttpServlet {
    /**
     * The servlet-context attribute an embedding application sets to a {@link DataSource} before the servlet
     * starts, for init-param {@code inbox=datasource}: the database inbox over the application's own (non-JTA)
     * DataSource, without JNDI. The Spring Boot starter's {@code postcall.inbox.store=jdbc} uses it.
     */
    public static final String INBOX_DATA_SOURCE = "dev.postcall.servlet.inbox.DataSource";

    /**
     * The servlet-context attribute an embedding application sets to a {@link DeliveryStore} of its own before the
     * servlet starts: the servlet claims, keeps and replays deliveries through it instead of one it opens from
     * {@code inbox-dir}, {@code inbox} or {@code delivery-ledger} (none of which may be set then). The application
     * opens and closes it. The Spring Boot starter sets it to a {@code DeliveryStore} bean of the application's.
     */
    public static final String DELIVERY_STORE = "dev.postcall.servlet.DeliveryStore";

    /**
     * The servlet-context attribute an application sets to the {@code io.opentelemetry.api.OpenTelemetry} its
     * deliveries' spans go to, before the servlet starts. Without it the servlet takes the CDI container's
     * {@code OpenTelemetry} bean where {@code postcall-cdi} is deployed (MicroProfile Telemetry, Quarkus), else
     * {@code GlobalOpenTelemetry} when something set it (the OpenTelemetry Java agent); with none of them, or without
     * OpenTelemetry's API on the class path, there are no spans. See docs/operating.md, "Traces".
     */
    public static final String OPEN_TELEMETRY = "dev.postcall.servlet.OpenTelemetry";

    private static final long serialVersionUID = 1L;
    /** {@code password=…}, {@code pwd=…} and {@code user:password@} in a driver's message. */
    private static final Pattern PASSWORD = Pattern.compile(
            "(?i)((?:password|passwd|pwd)\\s*[=:]\\s*)[^;&,\\s)]+|(//[^/:@\\s]+:)[^@/\\s]+@");
    private static final byte[] RECEIVED = "{\"received\":true}".getBytes(StandardCharsets.UTF_8);

    private transient EventParser parser;
    private transient DeliverySettings settings;
    private transient Dispatcher dispatcher;
    private transient HandlerRunner handlers;
    private transient Webhook webhook;
    private transient DeliveryLog deliveries;
    /** The store this servlet opened and closes; {@code null} for the application's own. */
    private transient DeliveryStore opened;
    /** Backfill and the webhook watch; {@code null} without {@code backfill-api-key}. */
    private transient BackfillPipeline backfill;
    private final AtomicBoolean filterMissingLogged = new AtomicBoolean();

    /** Created by the container. */
    public PostCallWebhookServlet() {
    }

    /** Builds the parser and finds the handlers, once. */
    @Override
    public void init() throws ServletException {
        ServletContext context = getServletContext();
        Webhook monitored = MonitoredWebhook.of(context, getServletName());
        try {
            start(context, monitored);
        } catch (ServletException e) {
            monitored.servletFailed(e.getMessage());
            throw e;
        }
    }

    private void start(ServletContext context, Webhook monitored) throws ServletException {
        parser = new EventParser();
        settings = settings(context);
        DeliveryStore store = store(context);
        Tracing.Choice traces;
        BackfillPipeline backfilling = null;
        try {
            traces = tracing(context);
            dispatcher = new Dispatcher(store, settings.duplicateWait(), traces.tracer());
            handlers = new HandlerRunner(List.of(List.copyOf(serviceLoaded(context)), PostCallHandlers.of(context)));
            if (settings.backfill() != null) {
                try {
                    backfilling = BackfillPipeline.prepare(settings.backfill(), dispatcher, handlers, context);
                } catch (IllegalStateException e) {
                    throw new ServletException(unusable(e.getMessage()));
                }
            }
        } catch (ServletException | RuntimeException e) {
            closeOpened();
            throw e;
        }
        int loaded = handlers.size() - PostCallHandlers.of(context).size();
        int registered = PostCallHandlers.of(context).size();
        if (handlers.isEmpty()) {
            Log.LOGGER.log(Level.WARNING, "servlet ''{0}'': no PostCallEventHandler yet (none in"
                    + " META-INF/services, none registered with PostCallHandlers); verified deliveries are "
                    + (store.keepsBodies() ? "kept as failed for a replay" : "answered 503 no-handler")
                    + " until one is registered. Add postcall-cdi or register a handler.", getServletName());
        }
        webhook = monitored;
        deliveries = new DeliveryLog(webhook, settings.acceptedLogLevel(), store.description());
        webhook.start(MonitoredWebhook.meterRegistry(context));
        if (backfilling != null) {
            backfill = backfilling.start(deliveries, webhook);
        }
        String handlerCount = ", handlers=" + (loaded + registered) + " (" + loaded + " service-loaded, "
                + registered + " registered)";
        String waiting = store.keepsBodies() ? ", waiting as failed=" + webhook.inboxFailed() : "";
        webhook.servletStarted(store, this::replayFailed, settings + ", store=" + store.description() + waiting
                + handlerCount + ", traces=" + traces.description());
        MonitoredWebhook.servletStarted(webhook, context);
    }

    /** The application's or integration's tracer, else OpenTelemetry's where it is, else none. */
    private static Tracing.Choice tracing(ServletContext context) throws ServletException {
        try {
            return Tracing.choose(context.getAttribute(DeliveryTracer.ATTRIBUTE), context.getAttribute(OPEN_TELEMETRY),
                    "the servlet-context attribute " + OPEN_TELEMETRY, InitParams.classLoader(context));
        } catch (IllegalArgumentException e) {
            throw new ServletException(unusable(e.getMessage()));
        }
    }

    private static List<PostCallEventHandler> serviceLoaded(ServletContext context) throws ServletException {
        List<PostCallEventHandler> loaded = new ArrayList<>();
        try {
            for (PostCallEventHandler handler : ServiceLoader.load(PostCallEventHandler.class,
                    InitParams.classLoader(context))) {
                loaded.add(handler);
            }
        } catch (ServiceConfigurationError e) {
            throw new ServletException("a PostCallEventHandler listed in META-INF/services cannot be loaded: "
                    + e.getMessage(), e);
        }
        return loaded;
    }

    /** The application's store, or the one the settings name, opened (and recovered) now. */
    private DeliveryStore store(ServletContext context) throws ServletException {
        Object own = context.getAttribute(DELIVERY_STORE);
        if (own != null) {
            if (!(own instanceof DeliveryStore store)) {
                throw new ServletException(unusable("the servlet-context attribute " + DELIVERY_STORE + " holds a "
                        + own.getClass().getName() + ", not a dev.postcall.spi.DeliveryStore"));
            }
            if (settings.inboxDir() != null || settings.database() != null || !settings.recordKeys()
                    || !"memory".equals(settings.ledgerSetting())) {
                throw new ServletException(unusable("the application hands it a DeliveryStore (the servlet-context"
                        + " attribute " + DELIVERY_STORE + "), so " + DeliverySettings.INBOX_DIR + ", "
                        + DeliverySettings.INBOX + " and " + DeliverySettings.DELIVERY_LEDGER + " must not be set"));
            }
            return store;
        }
        if (settings.database() != null) {
            opened = openDatabase(settings.database(), context);
        } else if (settings.inboxDir() != null) {
            opened = openDirectory(settings.inboxDir());
        } else {
            opened = settings.recordKeys() ? MemoryStore.create() : MemoryStore.unrecorded();
        }
        return opened;
    }

    private static String unusable(String why) {
        String message = "PostCallWebhookServlet is not configured correctly: " + why;
        Log.LOGGER.log(Level.ERROR, message);
        return message;
    }

    /** Replays what the store kept through this servlet's handlers; each replay logged and counted. */
    private ReplayReport replayFailed() throws DeliveryStore.StoreException {
        return dispatcher.replayFailed(parser, handlers, deliveries::replayed);
    }

    /** Ends this servlet's part of the webhook: its MBean and meters go when the filter has stopped too. */
    @Override
    public void destroy() {
        // backfill first: its run in progress dispatches into the store, which closes last
        BackfillPipeline running = backfill;
        backfill = null;
        if (running != null) {
            running.close();
        }
        if (webhook != null) {
            webhook.servletStopped();
            webhook.stop();
            webhook = null;
        }
        closeOpened();
    }

    private void closeOpened() {
        DeliveryStore store = opened;
        opened = null;
        if (store != null) {
            store.close();
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
            if (webhook != null) {
                webhook.filterMissing();
            }
            Problem.FILTER_MISSING.send(response);
            return;
        }
        long started = System.nanoTime();
        CompletableFuture<Void> answered = new CompletableFuture<>();
        // the delivery holds the body until it is answered: an asynchronous request that ends early (a timeout)
        // lets go of the request's hold, never of the bytes the handlers and the store still read
        BodySource.Lease dispatching = delivery.body().retain();
        try {
            PostCallEvent event = null;
            Dispatcher.Result result;
            Problem problem;
            try {
                event = parser.parse(delivery.body(), answered.minimalCompletionStage());
            } catch (MalformedEventException | RuntimeException e) {
                Log.LOGGER.log(Level.DEBUG, "malformed event from {0}: {1}", delivery.clientAddress(),
                        unreadableBecause(e));
                result = dispatcher.keepUnreadable(delivery.body(), delivery.timestamp(), request.getContentType(),
                        e);
                problem = Problem.ofUnreadable(result.outcome());
                finish(null, delivery, result, problem, started, response);
                return;
            }
            result = dispatcher.deliver(event, delivery.timestamp(), request.getContentType(), handlers);
            problem = Problem.of(result.outcome(), settings.rejectOnFailure());
            finish(event, delivery, result, problem, started, response);
        } finally {
            try {
                response.flushBuffer();
            } catch (IOException | RuntimeException e) {
                // the client is gone; the answer is over all the same
            }
            answered.complete(null);
            dispatching.close();
        }
    }

    /** Logs and counts once, then answers: the line and the counts are there by the time the sender sees it. */
    private void finish(PostCallEvent event, VerifiedDelivery delivery, Dispatcher.Result result, Problem problem,
                        long started, HttpServletResponse response) throws IOException {
        try {
            deliveries.delivered(event, delivery.body().length(), result, problem, System.nanoTime() - started);
        } catch (Throwable e) {
            // the log lines guard themselves (Log.line); this is for the counters, which reach the application's
            // meter registry: the delivery is recorded, and bookkeeping that fails must not cost the sender its answer
        }
        if (problem != null) {
            problem.send(response);
            return;
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("application/json");
        response.setContentLength(RECEIVED.length);
        response.getOutputStream().write(RECEIVED);
    }

    private DeliverySettings settings(ServletContext context) throws ServletException {
        try {
            return DeliverySettings.parse(InitParams.of(getServletConfig()),
                    ConfigSources.system(InitParams.classLoader(context)));
        } catch (IllegalArgumentException e) {
            Log.LOGGER.log(Level.ERROR, e.getMessage());
            throw new ServletException(e.getMessage());
        }
    }

    private static DirectoryStore openDirectory(Path dir) throws ServletException {
        try {
            return DirectoryStore.open(dir, new KeyClaims(Clock.systemUTC()), Clock.systemUTC());
        } catch (IOException e) {
            throw new ServletException("PostCallWebhookServlet is not configured correctly: inbox-dir " + dir
                    + " cannot be used (" + e.getMessage() + "); give the application a writable directory of its"
                    + " own", e);
        }
    }

    private static JdbcDeliveryStore openDatabase(DeliverySettings.DatabaseInbox database, ServletContext context)
            throws ServletException {
        DataSource dataSource = dataSource(database, context);
        try {
            JdbcDeliveryStore store = JdbcDeliveryStore.open(dataSource, database.options());
            try {
                store.recoverInterrupted();
            } catch (SQLException | RuntimeException e) {
                // the servlet does not start, so destroy() never closes it: its background thread would outlive it
                try {
                    store.close();
                } catch (RuntimeException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
            return store;
        } catch (SQLException | RuntimeException e) {
            // the store's SQLExceptions quote no value; a pool's own exception may quote its URL, so it is not chained
            throw new ServletException(unusable(database, "cannot be used (" + withoutPasswords(e) + ")"
                    + (database.options().createSchema() ? "" : "; create the tables (DDL in postcall-core's jar,"
                    + " dev/postcall/jdbc/postgresql.sql, mysql.sql, h2.sql) or set "
                    + DeliverySettings.INBOX_CREATE_SCHEMA + "=true")), e instanceof SQLException ? e : null);
        }
    }

    private static DataSource dataSource(DeliverySettings.DatabaseInbox database, ServletContext context)
            throws ServletException {
        Object found;
        String where;
        if (database.jndiName() == null) {
            found = context.getAttribute(INBOX_DATA_SOURCE);
            where = "the servlet-context attribute " + INBOX_DATA_SOURCE;
            if (found == null) {
                throw new ServletException(unusable(database, "finds no DataSource: set " + where + " to the"
                        + " application's (non-JTA) javax.sql.DataSource before the servlet starts, or use"
                        + " inbox=jndi:<name>"));
            }
        } else {
            String name = database.jndiName().startsWith("java:") ? database.jndiName()
                    : "java:comp/env/" + database.jndiName();
            where = "JNDI name " + name;
            try {
                found = new InitialContext().lookup(name);
            } catch (NamingException | RuntimeException e) {
                throw new ServletException(unusable(database, "cannot look up " + where + " ("
                        + e.getClass().getSimpleName() + "); bind a non-JTA DataSource there (a resource-ref in"
                        + " web.xml, a <datasource jta=\"false\"> on WildFly)"), e);
            }
        }
        if (!(found instanceof DataSource dataSource)) {
            throw new ServletException(unusable(database, "needs a javax.sql.DataSource, but " + where + " holds "
                    + (found == null ? "nothing" : "a " + found.getClass().getName())));
        }
        return dataSource;
    }

    private static String unusable(DeliverySettings.DatabaseInbox database, String why) {
        String message = "PostCallWebhookServlet is not configured correctly: " + DeliverySettings.INBOX + "="
                + database.source() + " " + why;
        Log.LOGGER.log(Level.ERROR, message);
        return message;
    }

    /**
     * Why a verified body is not an event, for the log: the parser's own message, which names the problem and never
     * payload text; for anything else the parser threw, only its class, since its message is not ours to vouch for.
     */
    static String unreadableBecause(Exception e) {
        return e instanceof MalformedEventException ? e.getMessage() : e.getClass().getName();
    }

    /** A driver's message may quote its URL or properties: never a password in the log or the health. */
    static String withoutPasswords(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        return PASSWORD.matcher(message).replaceAll(m -> m.group(1) != null
                ? Matcher.quoteReplacement(m.group(1) + "***")
                : Matcher.quoteReplacement(m.group(2) + "***@"));
    }
}
