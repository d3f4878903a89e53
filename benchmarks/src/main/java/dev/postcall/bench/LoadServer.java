package dev.postcall.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.postcall.servlet.PostCallWebhookFilter;
import dev.postcall.servlet.PostCallWebhookServlet;
import dev.postcall.signature.WebhookSigner;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jboss.weld.environment.servlet.Listener;

import javax.crypto.Mac;
import javax.sql.DataSource;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.Collection;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * The receivers of the load test, each on the same embedded Jetty 12 (ee10), {@code POST /webhook} on
 * 127.0.0.1, plus {@code GET /stats} (heap and RSS, for the audio run):
 * <ul>
 *   <li>{@code bare}: a servlet that reads the body and answers 200 (the ceiling);</li>
 *   <li>{@code bare-weld}: the bare servlet in a context where Weld runs (its per-request listeners), no filter;</li>
 *   <li>{@code naive}: body into a {@code String}, header split, {@code Mac} built per request, timestamp checked,
 *       hex compared, Yasson into a {@code Map} (a {@code Jsonb} shared, as most applications would);</li>
 *   <li>{@code postcall}: {@link PostCallWebhookFilter} + {@link PostCallWebhookServlet} + Weld (weld-servlet-core)
 *       with {@link CallObserver} calling {@code report()}; {@code delivery-ledger=off} so the one repeated body is
 *       dispatched every time;</li>
 *   <li>{@code postcall-noreport}: the same, the observer reading only the conversation id.</li>
 *   <li>{@code postcall-traced}: {@code postcall} with a span per delivery: an OpenTelemetry SDK handed to the servlet
 *       ({@link PostCallWebhookServlet#OPEN_TELEMETRY}), its spans batched ({@code BatchSpanProcessor}, the SDK's
 *       defaults) to an exporter that counts and drops them; {@code postcall} has the same API on its class path and
 *       no OpenTelemetry, so its servlet traces nothing.</li>
 * </ul>
 * {@code -Dpostcall.bench.deliveryLogLevel=debug} sets {@code delivery-log-level=debug} (load.sh's
 * {@code postcall-debuglog}): a handled delivery's line at DEBUG, which the JDK's default logging leaves out, so the
 * run shows what the line costs at INFO. {@code -Dpostcall.bench.queuedLog=true} (load.sh's {@code postcall-queuedlog})
 * logs through {@link QueuedLogHandler}, a queue and a writer thread in front of the JDK's console handler.
 * The {@code postcall} receiver's store: {@code -Dpostcall.bench.inboxDir=<dir>} the file inbox ({@code inbox-dir});
 * {@code -Dpostcall.bench.jdbcUrl=<url>} the database inbox ({@code inbox=datasource}, a HikariCP pool of 8 over the
 * URL in the servlet-context attribute, tables created at start); {@code -Dpostcall.bench.ledger=memory} the ledger
 * when there is no inbox (default {@code off}; the directory and database stores claim keys themselves, so the
 * setting is left out beside them).
 *
 * <p>Other commands: {@code payloads <dir>} writes the bodies; {@code sign <file> [unix-seconds]} prints a signature
 * header; {@code series <file> <count> <dir>} writes {@link UniqueDeliveries}; {@code postgres <file>} starts a
 * PostgreSQL of its own (the embedded one of the tests, with a production database's durability: {@code fsync=on},
 * {@code synchronous_commit=on}; {@code -Dpostcall.bench.durability=none} for the tests' {@code off}), writes
 * {@code <port> <postmaster pid> <server version>} to the file and runs until it is stopped. The secret is {@code $SECRET}, else the
 * benchmarks' own; the port {@code -Dport} (default 8089).
 */
public final class LoadServer {

    static final String PATH = "/webhook";
    static final String SECRET = System.getenv().getOrDefault("SECRET", SignatureBenchmark.SECRET);
    private static final byte[] RECEIVED = "{\"received\":true}".getBytes(StandardCharsets.US_ASCII);

    private LoadServer() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "";
        switch (mode) {
            case "payloads":
                Payloads.main(new String[] {args[1]});
                return;
            case "sign":
                byte[] body = Files.readAllBytes(Path.of(args[1]));
                Instant t = args.length > 2 ? Instant.ofEpochSecond(Long.parseLong(args[2])) : Instant.now();
                System.out.println(WebhookSigner.header(body, SECRET, t));
                return;
            case "series":
                UniqueDeliveries.write(Path.of(args[1]), Integer.parseInt(args[2]), Path.of(args[3]));
                return;
            case "postgres":
                runPostgres(Path.of(args[1]));
                return;
            case "bare":
            case "bare-weld":
            case "naive":
            case "postcall":
            case "postcall-noreport":
            case "postcall-traced":
                serve(mode, Integer.getInteger("port", 8089));
                return;
            default:
                System.err.println("usage: LoadServer bare|bare-weld|naive|postcall|postcall-noreport|postcall-traced | payloads <dir>"
                        + " | sign <file> [unix-seconds] | series <file> <count> <dir> | postgres <port file>");
                System.exit(2);
        }
    }

    private static void serve(String mode, int port) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        switch (mode) {
            case "bare":
                context.addServlet(new ServletHolder(new BareServlet()), PATH);
                break;
            case "bare-weld":
                // what any CDI application on weld-servlet pays per request: Weld's request-context listeners
                context.addEventListener(new Listener());
                context.addServlet(new ServletHolder(new BareServlet()), PATH);
                break;
            case "naive":
                context.addServlet(new ServletHolder(new NaiveServlet()), PATH);
                break;
            default:
                context.addEventListener(new Listener());
                FilterHolder filter = new FilterHolder(PostCallWebhookFilter.class);
                filter.setInitParameter("secret", SECRET);
                // the load runs sign once when they start; the default 30 minutes would do, this leaves room
                filter.setInitParameter("tolerance", "PT2H");
                context.addFilter(filter, PATH, EnumSet.of(DispatcherType.REQUEST));
                ServletHolder servlet = new ServletHolder(PostCallWebhookServlet.class);
                String inbox = System.getProperty("postcall.bench.inboxDir");
                if (inbox != null) {
                    servlet.setInitParameter("inbox-dir", inbox);
                }
                String jdbcUrl = System.getProperty("postcall.bench.jdbcUrl");
                if (jdbcUrl != null) {
                    HikariConfig pool = new HikariConfig();
                    pool.setJdbcUrl(jdbcUrl);
                    pool.setMaximumPoolSize(8);
                    DataSource dataSource = new HikariDataSource(pool);
                    context.addEventListener(new ServletContextListener() {
                        @Override
                        public void contextInitialized(ServletContextEvent event) {
                            event.getServletContext().setAttribute(PostCallWebhookServlet.INBOX_DATA_SOURCE,
                                    dataSource);
                        }
                    });
                    servlet.setInitParameter("inbox", "datasource");
                    servlet.setInitParameter("inbox-create-schema", "true");
                } else if (inbox == null) {
                    // wrk repeats one body: with the ledger on, every request after the first is a duplicate
                    // (post-unique.lua sends distinct ones, for a ledger that is on). The directory store claims
                    // keys itself and refuses a delivery-ledger beside it, so the inbox runs set none.
                    servlet.setInitParameter("delivery-ledger", System.getProperty("postcall.bench.ledger", "off"));
                }
                if ("postcall-traced".equals(mode)) {
                    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                            .addSpanProcessor(BatchSpanProcessor.builder(new CountingExporter()).build()).build())
                            .build();
                    context.addEventListener(new ServletContextListener() {
                        @Override
                        public void contextInitialized(ServletContextEvent event) {
                            event.getServletContext().setAttribute(PostCallWebhookServlet.OPEN_TELEMETRY, sdk);
                        }
                    });
                }
                if (Boolean.getBoolean("postcall.bench.queuedLog")) {
                    QueuedLogHandler.install();
                }
                String logLevel = System.getProperty("postcall.bench.deliveryLogLevel");
                if (logLevel != null) {
                    servlet.setInitParameter("delivery-log-level", logLevel);
                }
                servlet.setInitOrder(1);
                context.addServlet(servlet, PATH);
                break;
        }
        context.addServlet(new ServletHolder(new StatsServlet()), "/stats");
        server.setHandler(context);
        server.start();
        System.out.println("LoadServer " + mode + " listening on http://127.0.0.1:" + connector.getLocalPort() + PATH
                + " (pid " + ProcessHandle.current().pid() + ")");
        server.join();
    }

    /** A PostgreSQL for the database inbox, in a process of its own so its CPU time is counted apart. */
    private static void runPostgres(Path portFile) throws IOException, InterruptedException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (!"none".equals(System.getProperty("postcall.bench.durability"))) {
            // after the embedded server's -F on its command line, so these win
            builder.setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on");
        }
        EmbeddedPostgres postgres = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                postgres.close();
            } catch (IOException e) {
                // stopping anyway; pg_ctl said why on stderr
            }
        }));
        String version;
        long postmaster;
        try (java.sql.Connection c = postgres.getPostgresDatabase().getConnection();
             java.sql.ResultSet rs = c.createStatement().executeQuery(
                     "SELECT current_setting('server_version'), pg_backend_pid()")) {
            rs.next();
            version = rs.getString(1);
            // pg_ctl started the postmaster and exited: it is the parent of a backend (field 4 of /proc/<pid>/stat)
            String stat = Files.readString(Path.of("/proc/" + rs.getInt(2) + "/stat"));
            postmaster = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
        } catch (java.sql.SQLException e) {
            throw new IOException("the embedded PostgreSQL does not answer", e);
        }
        Files.writeString(portFile, postgres.getPort() + " " + postmaster + " " + version + "\n");
        System.out.println("postgres " + version + " on port " + postgres.getPort() + " (postmaster pid " + postmaster
                + ")");
        Thread.currentThread().join();
    }

    /** Reads the body to its end into a reused buffer, nothing else. */
    /** The spans of {@code postcall-traced}: counted (on {@code /stats}) and dropped, as a fast collector would. */
    static final class CountingExporter implements SpanExporter {
        static final LongAdder SPANS = new LongAdder();

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            SPANS.add(spans.size());
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    static final class BareServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            try (InputStream in = req.getInputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    total += n;
                }
            }
            if (total == 0) {
                res.sendError(400);
                return;
            }
            ok(res);
        }
    }

    /** What a first receiver written by hand usually looks like. */
    static final class NaiveServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private static final Jsonb JSONB = JsonbBuilder.create();

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
            String body = new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String header = req.getHeader("ElevenLabs-Signature");
            if (header == null) {
                res.sendError(401);
                return;
            }
            String t = null;
            String v0 = null;
            for (String part : header.split(",")) {
                if (part.startsWith("t=")) {
                    t = part.substring(2);
                } else if (part.startsWith("v0=")) {
                    v0 = part.substring(3);
                }
            }
            if (t == null || v0 == null
                    || Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(t)) > 7200) {
                res.sendError(401);
                return;
            }
            String expected;
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                expected = HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                    v0.getBytes(StandardCharsets.US_ASCII))) {
                res.sendError(401);
                return;
            }
            Map<?, ?> event = JSONB.fromJson(body, Map.class);
            if (!(event.get("data") instanceof Map)) {
                res.sendError(400);
                return;
            }
            ok(res);
        }
    }

    /**
     * {@code GET /stats}: heap used now and its peak since the last {@code GET /stats?reset} (which runs a GC,
     * takes the heap after it as the base, and resets the kernel's peak RSS), and VmHWM/VmRSS. The peak is polled
     * every millisecond only with {@code -Dpostcall.bench.heapwatch=true}, so load runs are not disturbed.
     */
    static final class StatsServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
        private static final AtomicLong BASE = new AtomicLong();
        private static final AtomicLong PEAK = new AtomicLong();

        static {
            if (Boolean.getBoolean("postcall.bench.heapwatch")) {
                Thread watch = new Thread(() -> {
                    while (true) {
                        PEAK.accumulateAndGet(MEMORY.getHeapMemoryUsage().getUsed(), Math::max);
                        try {
                            Thread.sleep(1);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "heap-watch");
                watch.setDaemon(true);
                watch.start();
            }
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
            if (req.getParameter("reset") != null) {
                System.gc();
                long used = MEMORY.getHeapMemoryUsage().getUsed();
                BASE.set(used);
                PEAK.set(used);
                try {
                    Files.writeString(Path.of("/proc/self/clear_refs"), "5");
                } catch (IOException | RuntimeException e) {
                    // not Linux, or not allowed: VmHWM then covers the whole life of the process
                }
            }
            StringBuilder out = new StringBuilder();
            out.append("heapBase=").append(BASE.get())
                    .append(" heapPeak=").append(PEAK.get())
                    .append(" heapUsed=").append(MEMORY.getHeapMemoryUsage().getUsed())
                    .append(" heapMax=").append(MEMORY.getHeapMemoryUsage().getMax())
                    .append(" calls=").append(CallObserver.CALLS.sum())
                    .append(" spans=").append(CountingExporter.SPANS.sum())
                    .append(" asyncAudioBytes=").append(CallObserver.ASYNC_AUDIO_BYTES.sum());
            try {
                // bytes this process wrote (wchar: every write call, sockets included), sent to storage
                // (write_bytes: counted when the page is dirtied) and dropped before writeback (cancelled)
                for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
                    if (line.startsWith("wchar:") || line.startsWith("write_bytes:")
                            || line.startsWith("cancelled_write_bytes:")) {
                        out.append(' ').append(line.replace(": ", "="));
                    }
                }
            } catch (IOException e) {
                out.append(" (no /proc/self/io)");
            }
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmHWM:") || line.startsWith("VmRSS:")) {
                        List<String> parts = List.of(line.split("\\s+"));
                        out.append(' ').append(parts.get(0).replace(":", "")).append('=').append(parts.get(1))
                                .append("kB");
                    }
                }
            } catch (IOException e) {
                out.append(" (no /proc/self/status)");
            }
            res.setContentType("text/plain");
            res.getWriter().println(out);
        }
    }

    static void ok(HttpServletResponse res) throws IOException {
        res.setStatus(200);
        res.setContentType("application/json");
        res.setContentLength(RECEIVED.length);
        res.getOutputStream().write(RECEIVED);
    }
}
