package dev.postcall.internal.backfill;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The calls backfill and the webhook watch make to ElevenLabs' API, with the JDK's HTTP client and the wire names of
 * the vendor's SDK ({@code @elevenlabs/elevenlabs-js} 2.73.0). Thread-safe; one per application.
 *
 * <ul>
 *   <li>At most {@value #MAX_IN_FLIGHT} requests in flight, whoever calls: the API limits concurrent requests per
 *       key, and the application's own use of the key needs the rest.</li>
 *   <li>408, 429 ({@code too_many_concurrent_requests}, {@code system_busy}), 5xx, timeouts and broken connections
 *       are tried again, up to {@link Policy#attempts()} in all, after the answer's {@code Retry-After} or else a
 *       backoff that doubles; a {@code Retry-After} longer than {@link Policy#longestRetryAfter()} ends the call.</li>
 *   <li>A connect timeout, and a read timeout both for the answer's headers and for each stretch of its body.</li>
 *   <li>401 or 403 throws {@link ApiException.KeyRejected}, logged once as a WARNING; after it no request is sent
 *       any more (every call throws the same at once), since no key is going to change before a restart.</li>
 *   <li>The key goes into the {@code xi-api-key} header and nowhere else: not into a log line, not into a message.
 *       Redirects are not followed, so the header never goes to another host.</li>
 * </ul>
 *
 * <pre>{@code
 * ElevenLabsApi api = new ElevenLabsApi(ElevenLabsApi.DEFAULT_BASE_URL, key, ElevenLabsApi.Policy.DEFAULT,
 *         Clock.systemUTC(), ElevenLabsApi.Pause.SLEEP);
 * ConversationPage page = api.conversations(from, to, null, null, 100);
 * }</pre>
 */
public final class ElevenLabsApi {

    /** {@code https://api.elevenlabs.io}, the SDK's {@code Production}. */
    public static final URI DEFAULT_BASE_URL = URI.create("https://api.elevenlabs.io");
    /** Requests in flight at most, across every caller of one instance. */
    public static final int MAX_IN_FLIGHT = 2;
    /** The largest {@code page_size} the API takes. */
    public static final int MAX_PAGE_SIZE = 100;

    static final String KEY_HEADER = "xi-api-key";
    private static final System.Logger LOG = System.getLogger("dev.postcall.backfill");
    private static final String USER_AGENT = "postcall-backfill";
    /** Lists and webhook lists are small; a JSON answer beyond this is not one of them. */
    private static final int MAX_JSON_ANSWER = 32 * 1024 * 1024;
    /** What is read of an error answer, for its {@code detail.status}. */
    private static final int MAX_ERROR_ANSWER = 8 * 1024;
    private static final int CHUNK = 64 * 1024;
    private static final Pattern VENDOR_CODE = Pattern.compile(
            "\"status\"\\s*:\\s*\"([a-z0-9_]{1,64})\"");

    private final HttpClient http;
    private final String base;
    private final String key;
    private final Policy policy;
    private final Clock clock;
    private final Pause pause;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT, true);
    private final AtomicReference<ApiException.KeyRejected> rejected = new AtomicReference<>();

    /**
     * How long to wait, and how often to try.
     *
     * @param connectTimeout    for opening a connection
     * @param readTimeout       for an answer's headers, and for each stretch of its body without a byte
     * @param attempts          tries per call in all, at least 1
     * @param firstBackoff      the wait before the second try when the answer names none; doubled for each next
     * @param longestBackoff    the longest such wait
     * @param longestRetryAfter the longest {@code Retry-After} waited for; a longer one ends the call
     * @param maxBody           the most bytes read of a conversation's or a recording's body
     */
    public record Policy(Duration connectTimeout, Duration readTimeout, int attempts, Duration firstBackoff,
                         Duration longestBackoff, Duration longestRetryAfter, long maxBody) {

        /** 10 s to connect, 30 s to read, 5 tries, 1 s backoff doubling up to 30 s, Retry-After up to 2 min. */
        public static final Policy DEFAULT = new Policy(Duration.ofSeconds(10), Duration.ofSeconds(30), 5,
                Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(2), 1L << 30);

        /** Checks the values. */
        public Policy {
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(readTimeout, "readTimeout");
            Objects.requireNonNull(firstBackoff, "firstBackoff");
            Objects.requireNonNull(longestBackoff, "longestBackoff");
            Objects.requireNonNull(longestRetryAfter, "longestRetryAfter");
            if (attempts < 1 || connectTimeout.isZero() || connectTimeout.isNegative() || readTimeout.isZero()
                    || readTimeout.isNegative() || maxBody < 1) {
                throw new IllegalArgumentException("timeouts, attempts and maxBody must be positive");
            }
        }
    }

    /** Waits between tries; tests record the waits instead of sleeping. */
    @FunctionalInterface
    public interface Pause {
        /** Sleeps the thread. */
        Pause SLEEP = d -> TimeUnit.NANOSECONDS.sleep(d.toNanos());

        /** Waits {@code duration}. */
        void pause(Duration duration) throws InterruptedException;
    }

    /** Where a streamed answer goes: each try writes into a sink of its own. */
    @FunctionalInterface
    public interface BodyTarget<T> {
        /** A new, empty sink for one try. */
        Sink<T> open() throws IOException;
    }

    /**
     * One try's destination: the bytes as they arrive, then {@link #finish()} once the answer is complete. A try
     * that fails is {@link #close() closed} without {@code finish()}, which discards what it wrote.
     */
    public interface Sink<T> extends AutoCloseable {
        /** The next bytes of the answer. */
        void write(byte[] bytes, int offset, int length) throws IOException;

        /** The answer is complete: the result, which the caller owns from now on. */
        T finish() throws IOException;

        /** Discards what was written unless {@link #finish()} handed it over. */
        @Override
        void close();
    }

    /**
     * @param baseUrl the API's root ({@link #DEFAULT_BASE_URL} or a residency's, see {@link BackfillSettings})
     * @param apiKey  the {@code xi-api-key}
     * @param policy  timeouts and tries
     * @param clock   reads an HTTP-date {@code Retry-After}
     * @param pause   waits between tries
     */
    public ElevenLabsApi(URI baseUrl, String apiKey, Policy policy, Clock clock, Pause pause) {
        String url = Objects.requireNonNull(baseUrl, "baseUrl").toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.key = Objects.requireNonNull(apiKey, "apiKey");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pause = Objects.requireNonNull(pause, "pause");
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(policy.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        ProxySelector proxies = ProxySelector.getDefault();
        if (proxies != null) {
            builder.proxy(proxies);
        }
        this.http = builder.build();
    }

    /**
     * One page of {@code GET /v1/convai/conversations}, oldest first ({@code sort_direction=asc}), without
     * transcript summaries ({@code summary_mode=exclude}).
     *
     * @param startedAfter  {@code call_start_after_unix}, or {@code null} for none
     * @param startedBefore {@code call_start_before_unix}, or {@code null} for none
     * @param agentId       {@code agent_id}, or {@code null} for every agent
     * @param cursor        the previous page's {@code next_cursor}, or {@code null} for the first page
     * @param pageSize      {@code page_size}, 1 to {@value #MAX_PAGE_SIZE}
     */
    public ConversationPage conversations(Instant startedAfter, Instant startedBefore, String agentId, String cursor,
            int pageSize) throws ApiException, InterruptedException {
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("pageSize must be 1 to " + MAX_PAGE_SIZE);
        }
        StringBuilder query = new StringBuilder("page_size=").append(pageSize)
                .append("&sort_direction=asc&summary_mode=exclude");
        if (startedAfter != null) {
            query.append("&call_start_after_unix=").append(startedAfter.getEpochSecond());
        }
        if (startedBefore != null) {
            query.append("&call_start_before_unix=").append(startedBefore.getEpochSecond());
        }
        if (agentId != null) {
            query.append("&agent_id=").append(URLEncoder.encode(agentId, StandardCharsets.UTF_8));
        }
        if (cursor != null) {
            query.append("&cursor=").append(URLEncoder.encode(cursor, StandardCharsets.UTF_8));
        }
        return json("/v1/convai/conversations", query.toString(), ConversationPage::of);
    }

    /**
     * {@code GET /v1/convai/conversations/{id}}: the conversation's JSON, streamed into {@code target} byte for
     * byte as sent.
     *
     * @throws ApiException.NotFound when the API has no such conversation
     * @throws IOException           when {@code target} cannot be written
     */
    public <T> T conversation(String conversationId, BodyTarget<T> target)
            throws ApiException, IOException, InterruptedException {
        return download("/v1/convai/conversations/" + segment(conversationId), "application/json", target);
    }

    /**
     * {@code GET /v1/convai/conversations/{id}/audio}: the recording ({@code audio/mpeg}), streamed into
     * {@code target}.
     *
     * @throws ApiException.NotFound when there is no recording (the conversation's {@code has_audio} is false, or it
     *                               was deleted)
     * @throws IOException           when {@code target} cannot be written
     */
    public <T> T audio(String conversationId, BodyTarget<T> target)
            throws ApiException, IOException, InterruptedException {
        return download("/v1/convai/conversations/" + segment(conversationId) + "/audio", "audio/mpeg", target);
    }

    /** {@code GET /v1/workspace/webhooks}: the workspace's webhooks. */
    public List<WorkspaceWebhook> webhooks() throws ApiException, InterruptedException {
        return json("/v1/workspace/webhooks", "", WorkspaceWebhook::listOf);
    }

    /**
     * Why the key was rejected, once it was (then every call throws at once); empty before. For health: the text
     * names the status and the request, never the key.
     */
    public Optional<String> keyRejected() {
        ApiException.KeyRejected r = rejected.get();
        return r == null ? Optional.empty() : Optional.of(r.getMessage());
    }

    /** Callers waiting for one of the {@value #MAX_IN_FLIGHT} places; for tests. */
    int waiting() {
        return inFlight.getQueueLength();
    }

    private <T> T json(String path, String query, java.util.function.Function<jakarta.json.JsonObject, T> read)
            throws ApiException, InterruptedException {
        byte[] answer;
        try {
            answer = exchange(path, query, "application/json", () -> new Sink<byte[]>() {
                private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

                @Override
                public void write(byte[] b, int offset, int length) throws IOException {
                    if (bytes.size() + (long) length > MAX_JSON_ANSWER) {
                        throw new TooLarge();
                    }
                    bytes.write(b, offset, length);
                }

                @Override
                public byte[] finish() {
                    return bytes.toByteArray();
                }

                @Override
                public void close() {
                }
            });
        } catch (TooLarge e) {
            throw new ApiException.Malformed("GET " + path + " answered more than " + MAX_JSON_ANSWER + " bytes");
        } catch (IOException e) {
            throw new IllegalStateException("a sink in memory failed", e);
        }
        try {
            return read.apply(Wire.object(answer));
        } catch (IllegalArgumentException e) {
            throw new ApiException.Malformed("GET " + path + " answered JSON the SDK's types do not describe: "
                    + e.getMessage());
        }
    }

    private <T> T download(String path, String accept, BodyTarget<T> target)
            throws ApiException, IOException, InterruptedException {
        try {
            return exchange(path, "", accept, () -> new Limited<>(target.open(), policy.maxBody()));
        } catch (TooLarge e) {
            throw new ApiException.Malformed("GET " + path + " answered more than " + policy.maxBody() + " bytes");
        }
    }

    /** The tries of one call. */
    private <T> T exchange(String path, String query, String accept, BodyTarget<T> target)
            throws ApiException, IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path + (query.isEmpty() ? "" : "?" + query)))
                .timeout(policy.readTimeout())
                .header(KEY_HEADER, key)
                .header("Accept", accept)
                .header("User-Agent", USER_AGENT)
                .GET()
                .build();
        String what = "GET " + path;
        for (int attempt = 1; ; attempt++) {
            ApiException.KeyRejected refused = rejected.get();
            if (refused != null) {
                throw new ApiException.KeyRejected(refused.getMessage(), refused.status());
            }
            Retry retry;
            inFlight.acquire();
            try {
                return attempt(request, what, target);
            } catch (Retry r) {
                retry = r;
            } finally {
                inFlight.release();
            }
            if (Thread.interrupted()) {
                // a read woken by an interrupt fails like a broken connection: it is a stop, not a retry
                throw new InterruptedException(what + " interrupted");
            }
            if (attempt >= policy.attempts()) {
                throw new ApiException.Unavailable(what + " " + retry.getMessage() + ", " + attempt + " tries",
                        retry.status, retry.getCause());
            }
            Duration wait = retry.retryAfter != null ? retry.retryAfter : backoff(attempt);
            if (wait.compareTo(policy.longestRetryAfter()) > 0) {
                throw new ApiException.Unavailable(what + " " + retry.getMessage() + " and asked to wait " + wait
                        + ", longer than " + policy.longestRetryAfter(), retry.status, retry.getCause());
            }
            LOG.log(System.Logger.Level.DEBUG, "{0} {1}; try {2} of {3} in {4}", what, retry.getMessage(),
                    attempt + 1, policy.attempts(), wait);
            pause.pause(wait);
        }
    }

    /** One try: the answer, or a {@link Retry}, or the failure that ends the call. */
    private <T> T attempt(HttpRequest request, String what, BodyTarget<T> target)
            throws Retry, ApiException, IOException, InterruptedException {
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new Retry(describe(e), 0, null, e);
        }
        int status = response.statusCode();
        try (InputStream body = response.body(); IdleWatch watch = new IdleWatch(body, policy.readTimeout())) {
            if (status >= 200 && status < 300) {
                try (Sink<T> sink = target.open()) {
                    byte[] buffer = new byte[CHUNK];
                    int n;
                    while ((n = watch.read(buffer)) > 0) {
                        sink.write(buffer, 0, n);
                    }
                    return sink.finish();
                }
            }
            String code = vendorCode(watch);
            String answered = "answered " + status + (code == null ? "" : " (" + code + ")");
            if (status == 401 || status == 403) {
                ApiException.KeyRejected e = new ApiException.KeyRejected("ElevenLabs refused the API key: " + what
                        + " " + answered + "; backfill and the webhook watch stop until the application restarts"
                        + " with a valid key", status);
                if (rejected.compareAndSet(null, e)) {
                    LOG.log(System.Logger.Level.WARNING, e.getMessage());
                }
                throw e;
            }
            if (status == 404) {
                throw new ApiException.NotFound(what + " " + answered);
            }
            if (status == 408 || status == 429 || status >= 500) {
                throw new Retry(answered, status, retryAfter(response), null);
            }
            throw new ApiException.Refused(what + " " + answered, status);
        } catch (NetworkFailure e) {
            throw new Retry(e.getMessage(), status, null, e.getCause());
        }
    }

    /** The vendor's error code ({@code {"detail":{"status":"…"}}}) from the first bytes of an error answer. */
    private static String vendorCode(IdleWatch body) {
        byte[] head = new byte[MAX_ERROR_ANSWER];
        int length = 0;
        try {
            int n;
            while (length < head.length && (n = body.read(head, length, head.length - length)) > 0) {
                length += n;
            }
        } catch (IOException e) {
            // the status says enough
        }
        Matcher m = VENDOR_CODE.matcher(new String(head, 0, length, StandardCharsets.UTF_8));
        return m.find() ? m.group(1) : null;
    }

    private Duration backoff(int attempt) {
        Duration wait = policy.firstBackoff().multipliedBy(1L << Math.min(attempt - 1, 20));
        return wait.compareTo(policy.longestBackoff()) > 0 ? policy.longestBackoff() : wait;
    }

    /** {@code Retry-After} as delay-seconds or an HTTP-date; {@code null} when absent or unreadable. */
    private Duration retryAfter(HttpResponse<?> response) {
        Optional<String> header = response.headers().firstValue("Retry-After");
        if (header.isEmpty()) {
            return null;
        }
        String value = header.get().strip();
        if (!value.isEmpty() && value.length() <= 10 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Duration.ofSeconds(Long.parseLong(value));
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(clock.instant(), at);
            return wait.isNegative() ? Duration.ZERO : wait;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String describe(IOException e) {
        String type = e instanceof java.net.http.HttpConnectTimeoutException ? "connect timeout"
                : e instanceof java.net.http.HttpTimeoutException ? "read timeout"
                : e.getClass().getSimpleName();
        return "failed: " + type;
    }

    private static String segment(String id) {
        return URLEncoder.encode(Objects.requireNonNull(id, "conversationId"), StandardCharsets.UTF_8)
                .replace("+", "%20");
    }

    /** A try worth repeating, with what the answer asked for. */
    private static final class Retry extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final transient Duration retryAfter;

        Retry(String message, int status, Duration retryAfter, Throwable cause) {
            super(message, cause, false, false);
            this.status = status;
            this.retryAfter = retryAfter;
        }
    }

    /** Reading the answer failed (as opposed to writing where it goes). */
    private static final class NetworkFailure extends IOException {
        private static final long serialVersionUID = 1L;

        NetworkFailure(String message, IOException cause) {
            super(message, cause);
        }
    }

    /** An answer over the size the client reads. */
    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;
    }

    /** A sink that refuses bytes past a limit. */
    private static final class Limited<T> implements Sink<T> {
        private final Sink<T> sink;
        private final long limit;
        private long written;

        Limited(Sink<T> sink, long limit) {
            this.sink = sink;
            this.limit = limit;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            written += length;
            if (written > limit) {
                throw new TooLarge();
            }
            sink.write(bytes, offset, length);
        }

        @Override
        public T finish() throws IOException {
            return sink.finish();
        }

        @Override
        public void close() {
            sink.close();
        }
    }

    /**
     * Reads an answer's body and closes it when no byte came for the read timeout: the JDK's request timeout ends
     * with the headers, and a body that stalls would otherwise block the reader for good. Closing the stream wakes
     * a blocked read, which then fails.
     */
    private static final class IdleWatch implements AutoCloseable {
        private final InputStream body;
        private final long limit;
        private volatile long lastRead = System.nanoTime();
        private volatile boolean over;
        private volatile boolean timedOut;

        IdleWatch(InputStream body, Duration limit) {
            this.body = body;
            this.limit = limit.toNanos();
            check(this.limit);
        }

        int read(byte[] buffer) throws NetworkFailure {
            return read(buffer, 0, buffer.length);
        }

        int read(byte[] buffer, int offset, int length) throws NetworkFailure {
            try {
                int n = body.read(buffer, offset, length);
                lastRead = System.nanoTime();
                return n;
            } catch (IOException e) {
                throw new NetworkFailure(timedOut ? "failed: read timeout in the body" : describe(e), e);
            }
        }

        private void check(long delay) {
            CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS).execute(() -> {
                if (over) {
                    return;
                }
                long idle = System.nanoTime() - lastRead;
                if (idle < limit) {
                    check(limit - idle);
                    return;
                }
                timedOut = true;
                try {
                    body.close();
                } catch (IOException e) {
                    // closed enough: the reader fails either way
                }
            });
        }

        @Override
        public void close() {
            over = true;
        }
    }
}
