package dev.postcall.servlet;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.function.LongSupplier;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.postcall.internal.body.BodyWriter;
import dev.postcall.internal.body.HeldBody;
import dev.postcall.internal.monitoring.Webhook;
import dev.postcall.internal.net.IpAllowlist;
import dev.postcall.internal.net.IpLiteral;
import dev.postcall.signature.SignatureException;
import dev.postcall.signature.SignatureVerifier;

/**
 * Lets only genuine ElevenLabs post-call webhooks through: checks the sender's address, the method, the
 * {@code ElevenLabs-Signature} header and its timestamp before reading a byte of the body, then reads the body once
 * (bounded, spilling large bodies to a temp file) while verifying its HMAC, and hands on a request whose body is the
 * verified bytes with a {@link VerifiedDelivery} under {@link VerifiedDelivery#ATTRIBUTE}. Put
 * {@link PostCallWebhookServlet} behind it, or an application's own servlet or JAX-RS resource.
 *
 * <p>Checks, in this order, each answered with an {@code application/problem+json} body:
 * <table>
 *   <caption>Rejections</caption>
 *   <tr><th>check</th><th>status</th><th>problem type (after {@code https://postcall.dev/problems/})</th></tr>
 *   <tr><td>client address outside {@code ip-allowlist}</td><td>403</td><td>{@code address-not-allowed}</td></tr>
 *   <tr><td>method other than POST</td><td>405, {@code Allow: POST}</td><td>{@code method-not-allowed}</td></tr>
 *   <tr><td>no signature header</td><td>401</td><td>{@code signature-header-missing}</td></tr>
 *   <tr><td>header without {@code t} or {@code v0}, or malformed</td><td>401</td>
 *       <td>{@code signature-header-malformed}</td></tr>
 *   <tr><td>timestamp older than {@code tolerance}</td><td>401</td><td>{@code timestamp-too-old}</td></tr>
 *   <tr><td>timestamp further ahead than {@code future-skew}</td><td>401</td><td>{@code timestamp-in-future}</td></tr>
 *   <tr><td>{@code Content-Length}, or the bytes read, above {@code max-body-size}</td><td>413</td>
 *       <td>{@code body-too-large}</td></tr>
 *   <tr><td>reading the body failed: the container's read (idle) timeout, broken chunked framing, or the client
 *       went away</td><td>400, when anyone is left to read it</td><td>{@code body-incomplete}</td></tr>
 *   <tr><td>no configured secret matches any {@code v0}</td><td>401</td><td>{@code signature-mismatch}</td></tr>
 * </table>
 *
 * <p>Init-params, all optional except that a secret must come from somewhere. Every value may contain
 * {@code ${env:NAME}}, {@code ${sys:name}}, {@code ${jndi:name}} ({@code java:comp/env/} is prefixed unless the name
 * starts with {@code java:}) and, where MicroProfile Config is present (WildFly, Payara, Liberty),
 * {@code ${mp:key}}. Any problem (a missing secret, a bad CIDR or size, an unknown name) fails {@link #init} with one
 * message listing them all, so the application does not start half-protected.
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>name</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code secret}</td><td>environment variable {@code ELEVENLABS_WEBHOOK_SECRET}</td>
 *       <td>the webhook secret as shown by ElevenLabs ({@code wsec_…}); several, comma-separated, while rotating</td></tr>
 *   <tr><td>{@code tolerance}</td><td>{@code PT30M}</td><td>how old a signature's timestamp may be</td></tr>
 *   <tr><td>{@code future-skew}</td><td>{@code PT5M}</td><td>how far ahead of this clock a timestamp may be</td></tr>
 *   <tr><td>{@code ip-allowlist}</td><td>{@code off}</td><td>{@code off}, {@code elevenlabs} (every documented
 *       egress address, data-residency regions included), IPv4/IPv6 addresses and CIDRs, or a mix:
 *       {@code elevenlabs, 10.0.0.0/8}</td></tr>
 *   <tr><td>{@code trusted-proxies}</td><td>none</td><td>addresses/CIDRs of reverse proxies; when the peer is one of
 *       them, the client is the first address in {@code X-Forwarded-For}, read from the right, that is not</td></tr>
 *   <tr><td>{@code max-body-size}</td><td>{@code 256MiB}</td><td>larger bodies get 413, chunked ones as soon as the
 *       limit is crossed</td></tr>
 *   <tr><td>{@code memory-threshold}</td><td>{@code 1MiB}</td><td>bodies larger than this are buffered in a temp file
 *       (in the container's {@code jakarta.servlet.context.tempdir}, else {@code java.io.tmpdir}), deleted when the
 *       request ends</td></tr>
 * </table>
 * Durations: ISO-8601 ({@code PT30M}) or {@code 500ms}, {@code 90s}, {@code 30m}, {@code 1h}, {@code 1d}. Sizes: bytes
 * or {@code 512KB}, {@code 10MB}, {@code 256MiB}, {@code 1g} (K, M and G are 1024-based).
 *
 * <p>A complete {@code web.xml} (Tomcat, Jetty, WildFly, Payara, Liberty), the secret taken from the environment:
 * <pre>{@code
 * <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
 *   <filter>
 *     <filter-name>postcall</filter-name>
 *     <filter-class>dev.postcall.servlet.PostCallWebhookFilter</filter-class>
 *     <async-supported>true</async-supported>
 *     <init-param>
 *       <param-name>secret</param-name>
 *       <param-value>${env:ELEVENLABS_WEBHOOK_SECRET}</param-value>
 *     </init-param>
 *     <init-param>
 *       <param-name>ip-allowlist</param-name>
 *       <param-value>elevenlabs</param-value>
 *     </init-param>
 *   </filter>
 *   <filter-mapping>
 *     <filter-name>postcall</filter-name>
 *     <url-pattern>/elevenlabs/webhook</url-pattern>
 *   </filter-mapping>
 *   <servlet>
 *     <servlet-name>postcall</servlet-name>
 *     <servlet-class>dev.postcall.servlet.PostCallWebhookServlet</servlet-class>
 *     <async-supported>true</async-supported>
 *   </servlet>
 *   <servlet-mapping>
 *     <servlet-name>postcall</servlet-name>
 *     <url-pattern>/elevenlabs/webhook</url-pattern>
 *   </servlet-mapping>
 * </web-app>
 * }</pre>
 *
 * <p>Each rejection is counted and logged at WARNING with its problem type and the client's address, at most one
 * line per problem type per 10 seconds (then the number left out). The filter and the {@link PostCallWebhookServlet}
 * of the same name are one webhook: one start-up line describing both (never a secret), one JMX MXBean
 * {@code dev.postcall:type=Webhook,context=<context path>,name=<filter-name>}, Micrometer meters when Micrometer is
 * on the class path (in the registry under the servlet-context attribute {@link #METER_REGISTRY}, else
 * {@code Metrics.globalRegistry}), and one entry in {@link dev.postcall.monitoring.Webhooks#all()}.
 *
 * <p>The filter keeps no state per request beyond the request itself and is safe for concurrent use.
 */
public final class PostCallWebhookFilter implements Filter {

    /** The header ElevenLabs signs webhooks with; read case-insensitively, as all header names. */
    public static final String SIGNATURE_HEADER = "ElevenLabs-Signature";

    /**
     * The servlet-context attribute under which an application may put the {@code io.micrometer.core.instrument
     * .MeterRegistry} its webhooks' meters go to, before the filter starts (a {@code ServletContextListener}); without
     * it they go to {@code Metrics.globalRegistry}.
     */
    public static final String METER_REGISTRY = "dev.postcall.servlet.MeterRegistry";

    /** The largest declared body read and dropped to keep the connection after a refused signature header. */
    static final int DRAIN_LIMIT = 64 * 1024;

    private Settings settings;
    private SignatureVerifier verifier;
    private Path tempDirectory;
    private Webhook webhook;
    private RejectionLog rejections;
    /** The monotonic time, in nanoseconds, the rejection log's windows are timed by. */
    private final LongSupplier ticker;

    /** Created by the container; configured in {@link #init(FilterConfig)}. */
    public PostCallWebhookFilter() {
        this(System::nanoTime);
    }

    /** A filter whose rejection log is timed by {@code ticker} (tests move it instead of waiting). */
    PostCallWebhookFilter(LongSupplier ticker) {
        this.ticker = ticker;
    }

    /**
     * Reads and checks every init-param once.
     *
     * @throws ServletException listing every problem with the settings, each with its fix; never a secret
     */
    @Override
    public void init(FilterConfig config) throws ServletException {
        ServletContext context = config.getServletContext();
        Webhook monitored = MonitoredWebhook.of(context, config.getFilterName());
        try {
            settings = Settings.parse(InitParams.of(config), ConfigSources.system(InitParams.classLoader(context)));
            verifier = SignatureVerifier.builder()
                    .secrets(settings.secrets())
                    .tolerance(settings.tolerance())
                    .futureSkew(settings.futureSkew())
                    .build();
        } catch (IllegalArgumentException e) {
            String message = "filter '" + config.getFilterName() + "': " + e.getMessage();
            Log.LOGGER.log(Level.ERROR, message);
            monitored.filterFailed(e.getMessage());
            throw new ServletException(message);
        }
        Object tempDir = context.getAttribute(ServletContext.TEMPDIR);
        tempDirectory = tempDir instanceof File ? ((File) tempDir).toPath()
                : Path.of(System.getProperty("java.io.tmpdir"));
        webhook = monitored;
        rejections = new RejectionLog(webhook, settings.trustedProxies(), ticker);
        webhook.start(MonitoredWebhook.meterRegistry(context));
        webhook.filterStarted(settings.secrets().size(), settings + ", temp-dir=" + tempDirectory);
        MonitoredWebhook.filterStarted(webhook, context);
    }

    /** Checks the request as the class description says and hands it on only when it is a verified webhook. */
    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (settings == null) {
            throw new ServletException("PostCallWebhookFilter used before init()");
        }
        if (!(req instanceof HttpServletRequest) || !(res instanceof HttpServletResponse)) {
            throw new ServletException("PostCallWebhookFilter handles HTTP requests only");
        }
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;

        byte[] client = ClientAddress.of(request, settings.trustedProxies());
        IpAllowlist allowlist = settings.ipAllowlist();
        if (!allowlist.allowsAll() && !allowlist.contains(client)) {
            rejectUnread(request, response, Problem.ADDRESS_NOT_ALLOWED);
            return;
        }
        if (!"POST".equals(request.getMethod())) {
            rejectUnread(request, response, Problem.METHOD_NOT_ALLOWED);
            return;
        }
        BodyVerification verification;
        try {
            verification = BodyVerification.begin(verifier, request.getHeader(SIGNATURE_HEADER));
        } catch (SignatureException e) {
            rejectHeader(request, response, Problem.of(e.reason()));
            return;
        }
        long declared = request.getContentLengthLong();
        if (declared > settings.maxBodySize()) {
            rejectUnread(request, response, Problem.BODY_TOO_LARGE);
            return;
        }

        HeldBody body = null;
        VerifiedRequest verified = null;
        try (BodyWriter writer = new BodyWriter(settings.memoryThreshold(), tempDirectory)) {
            boolean withinLimit;
            try {
                withinLimit = verification.readBody(request.getInputStream(), declared, settings.maxBodySize(),
                        settings.memoryThreshold(), writer);
            } catch (BodyWriter.SpillException e) {
                throw e; // our disk, not the client: stays a server error
            } catch (IOException e) {
                // the client stopped sending (the container's read timeout), broke the chunked framing or went
                // away mid-body: the client's fault, not a 500; whoever is still connected learns why
                writer.close(); // before answering, so no temp file outlives the response
                rejectQuietly(request, response, Problem.BODY_INCOMPLETE, e);
                return;
            }
            if (!withinLimit) {
                writer.close();
                reject(request, response, Problem.BODY_TOO_LARGE);
                return;
            }
            long timestamp;
            try {
                timestamp = verification.finish();
            } catch (SignatureException e) {
                writer.close();
                reject(request, response, Problem.of(e.reason()));
                return;
            }
            body = writer.finish();
            request.setAttribute(VerifiedDelivery.ATTRIBUTE, new VerifiedDelivery(timestamp, body,
                    client == null ? null : IpLiteral.toInetAddress(client)));
            verified = new VerifiedRequest(request, response, body);
            webhook.verified();
            chain.doFilter(verified, response);
        } finally {
            // the request's hold on the body ends here, unless an asynchronous request ends it later; also when
            // the client stopped sending and the container's read timeout threw
            if (body != null && (verified == null || !verified.releasesBodyLater())) {
                body.release();
            }
        }
    }

    private void reject(HttpServletRequest request, HttpServletResponse response, Problem problem)
            throws IOException {
        rejections.rejected(request, problem);
        problem.send(response);
    }

    /**
     * {@link #reject} before the body was read. The container may close the connection rather than read a body
     * nobody wants, after a response that looked reusable: a client sending its next request on it then sees the
     * connection drop. Saying {@code Connection: close} makes it open a new one.
     */
    private void rejectUnread(HttpServletRequest request, HttpServletResponse response, Problem problem)
            throws IOException {
        if (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null) {
            response.setHeader("Connection", "close");
        }
        reject(request, response, problem);
    }

    /**
     * {@link #reject} for a signature header refused before the body was read, from a client that passed the address
     * check. A small declared body (up to {@link #DRAIN_LIMIT}) is read and dropped, without hashing or keeping it,
     * so the connection stays usable: for a keep-alive client that costs about a bare read, less than the new
     * connection a close would cost it. A larger or chunked body stays unread and the connection is closed.
     */
    private void rejectHeader(HttpServletRequest request, HttpServletResponse response, Problem problem)
            throws IOException {
        long declared = request.getContentLengthLong();
        if (declared <= 0 || declared > DRAIN_LIMIT) {
            rejectUnread(request, response, problem);
            return;
        }
        try {
            InputStream in = request.getInputStream();
            byte[] scratch = new byte[(int) Math.min(declared, 8192)];
            while (in.read(scratch) >= 0) {
                // the container stops at the declared length
            }
        } catch (IOException e) {
            response.setHeader("Connection", "close");
            rejectQuietly(request, response, problem, e);
            return;
        }
        reject(request, response, problem);
    }

    /** {@link #reject}, for a connection that may be gone already: a failed write is expected, not an error. */
    private void rejectQuietly(HttpServletRequest request, HttpServletResponse response, Problem problem,
            IOException cause) {
        rejections.rejected(request, problem);
        if (Log.LOGGER.isLoggable(Level.DEBUG)) {
            // the exception's class only: its message is the container's and may say anything
            Log.LOGGER.log(Level.DEBUG, "body of {0} {1} from {2} not received: {3}", request.getMethod(),
                    request.getRequestURI(), request.getRemoteAddr(), cause.getClass().getName());
        }
        try {
            problem.send(response);
        } catch (IOException | RuntimeException e) {
            // nobody is left to read the answer
        }
    }

    /** Releases the settings; the webhook's MBean and meters go when its servlet has stopped too. */
    @Override
    public void destroy() {
        if (webhook != null) {
            rejections.flush();
            webhook.filterStopped();
            webhook.stop();
            webhook = null;
        }
        settings = null;
        verifier = null;
    }
}
