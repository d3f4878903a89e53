package dev.postcall.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * A stand-in of the part of ElevenLabs' API that backfill and the webhook watch read, on an embedded Jetty (core
 * handler, no servlet) at a random local port. It answers with the wire names of the vendor's SDK
 * ({@code @elevenlabs/elevenlabs-js} 2.73.0):
 *
 * <ul>
 *   <li>{@code GET /v1/convai/conversations}: {@code {conversations, next_cursor, has_more}}; honours
 *       {@code page_size} (422 above 100), {@code cursor}, {@code call_start_after_unix} and
 *       {@code call_start_before_unix} (both exclusive), {@code agent_id}, {@code sort_direction} (newest first by
 *       default), {@code exclude_statuses} (repeated); {@link #pageCap(int)} makes pages smaller than asked;</li>
 *   <li>{@code GET /v1/convai/conversations/{id}}: a finished conversation's body from a fixture of
 *       {@code testdata/conversations-api} (its ids rewritten to the conversation's), or a small generated one; an
 *       unfinished conversation's is always generated, with its status;</li>
 *   <li>{@code GET /v1/convai/conversations/{id}/audio}: {@code audio/mpeg}, streamed in 16 KB writes, or 404;</li>
 *   <li>{@code GET /v1/workspace/webhooks}: {@code {webhooks: [...]}}.</li>
 * </ul>
 *
 * Every request needs the {@code xi-api-key} it was started with, or gets 401. Faults are queued per endpoint
 * ({@link #fail}, {@link #hold}, {@link #stallBody}); every request is recorded ({@link #requests()}), with the
 * most requests in flight at once ({@link #maxInFlight()}: a request is in flight from its arrival until its answer
 * starts, or until it is dropped). A module that uses it declares
 * {@code org.eclipse.jetty:jetty-server} itself.
 *
 * <pre>{@code
 * try (ElevenLabsApiStandIn api = ElevenLabsApiStandIn.start("sk_test")) {
 *     api.conversation("conv_1", "agent_1", 1761488650, 39).body("conversation-phone-inbound.json");
 *     api.conversation("conv_2", "agent_1", 1761488700, 12).status("processing");
 *     api.fail(ElevenLabsApiStandIn.Endpoint.LIST, 429, "3", "too_many_concurrent_requests");
 *     ... point the client at api.baseUrl() ...
 * }
 * }</pre>
 */
public final class ElevenLabsApiStandIn implements AutoCloseable {

    /** The paths it serves, for faults and records. */
    public enum Endpoint {
        /** {@code GET /v1/convai/conversations}. */
        LIST,
        /** {@code GET /v1/convai/conversations/{id}}. */
        CONVERSATION,
        /** {@code GET /v1/convai/conversations/{id}/audio}. */
        AUDIO,
        /** {@code GET /v1/workspace/webhooks}. */
        WEBHOOKS,
        /** Anything else (answered 404). */
        OTHER
    }

    /**
     * One request as it arrived.
     *
     * @param endpoint    which path
     * @param path        the path, decoded
     * @param query       the query parameters, each with all its values in order
     * @param keyAccepted whether it carried the right {@code xi-api-key}
     * @param status      the status answered
     */
    public record Recorded(Endpoint endpoint, String path, Map<String, List<String>> query, boolean keyAccepted,
                           int status) {

        /** The first value of a query parameter, or {@code null}. */
        public String param(String name) {
            List<String> values = query.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    private static final Pattern CONVERSATION_ID = Pattern.compile("\"conversation_id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern AGENT_ID = Pattern.compile("\"agent_id\"\\s*:\\s*\"([^\"]+)\"");
    private static final String CONVERSATIONS = "/v1/convai/conversations";

    private final String key;
    private final Server server;
    private final URI baseUrl;
    private final Map<String, Conversation> conversations = new LinkedHashMap<>();
    private final Map<String, Webhook> webhooks = new LinkedHashMap<>();
    private final Map<Endpoint, Deque<Fault>> faults = new EnumMap<>(Endpoint.class);
    private final List<Recorded> requests = new ArrayList<>();
    private final List<Hold> holds = new ArrayList<>();
    private final Map<String, byte[]> served = new LinkedHashMap<>();
    private int pageCap = Integer.MAX_VALUE;
    private int inFlight;
    private int maxInFlight;

    private ElevenLabsApiStandIn(String key, int port) throws Exception {
        this.key = key;
        this.server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                serve(request, response, callback);
                return true;
            }
        });
        server.start();
        this.baseUrl = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    /** Starts a stand-in that accepts {@code apiKey}, on a free port. */
    public static ElevenLabsApiStandIn start(String apiKey) {
        return start(apiKey, 0);
    }

    /** Starts a stand-in that accepts {@code apiKey} on {@code port} of 127.0.0.1 (0 for a free one). */
    public static ElevenLabsApiStandIn start(String apiKey, int port) {
        try {
            return new ElevenLabsApiStandIn(apiKey, port);
        } catch (Exception e) {
            throw new IllegalStateException("the API stand-in did not start", e);
        }
    }

    /**
     * The stand-in for a demo of the sample's backfill, until Ctrl-C: on {@code 127.0.0.1:8089} (or the first
     * argument), accepting the key {@code sk_demo} (or the second), with a few finished calls of the last hours, one
     * still processing that finishes a minute and a half later, and a webhook ElevenLabs disabled. docs/backfill.md
     * runs it:
     *
     * <pre>
     * mvn -q -pl test-support compile exec:java -Dexec.mainClass=dev.postcall.testsupport.ElevenLabsApiStandIn \
     *     -Dexec.classpathScope=compile
     * </pre>
     */
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8089;
        String key = args.length > 1 ? args[1] : "sk_demo";
        ElevenLabsApiStandIn api = start(key, port);
        long now = java.time.Instant.now().getEpochSecond();
        api.conversation("conv_demo_dental", "agent_demo", now - 3 * 3600, 39).body("conversation-phone-inbound.json")
                .audio(64 * 1024, 1);
        api.conversation("conv_demo_outbound", "agent_demo", now - 2 * 3600, 27)
                .body("conversation-sip-outbound-no-audio.json");
        api.conversation("conv_demo_failed", "agent_demo", now - 3600, 31).status("failed")
                .body("conversation-failed.json");
        Conversation late = api.conversation("conv_demo_processing", "agent_demo", now - 120, 45)
                .status("processing");
        api.webhook("wh_demo", "postcall demo").autoDisabled(true).failed(502, now - 600);
        Thread finisher = new Thread(() -> {
            try {
                Thread.sleep(90_000);
                late.status("done");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stand-in-finisher");
        finisher.setDaemon(true);
        finisher.start();
        System.out.println("ElevenLabs API stand-in on " + api.baseUrl() + " (key " + key + "): 4 conversations,"
                + " one still processing for 90 s, and a webhook ElevenLabs disabled. Run the sample against it:\n"
                + "  ELEVENLABS_API_KEY=" + key + " ELEVENLABS_API_BASE_URL=" + api.baseUrl()
                + " ELEVENLABS_WEBHOOK_SECRET=wsec_demo mvn -B -Prun -pl sample-war -am package\nCtrl-C stops it.");
        api.server.join();
    }

    /** Where it listens: {@code http://127.0.0.1:<port>}, the API's root. */
    public URI baseUrl() {
        return baseUrl;
    }

    // ---- what it serves ----

    /**
     * Adds a conversation, {@code done}, with a generated body and no recording; change it with the returned
     * handle (also later: the next request sees the change).
     */
    public synchronized Conversation conversation(String id, String agentId, long startUnixSecs, long durationSecs) {
        Conversation c = new Conversation(id, agentId, startUnixSecs, durationSecs);
        conversations.put(id, c);
        return c;
    }

    /** The conversation of that id, to change it. */
    public synchronized Conversation conversation(String id) {
        Conversation c = conversations.get(id);
        if (c == null) {
            throw new IllegalArgumentException("no conversation " + id);
        }
        return c;
    }

    /** Answers at most {@code size} conversations a page, whatever {@code page_size} asks for. */
    public synchronized void pageCap(int size) {
        pageCap = size;
    }

    /** Adds a webhook, enabled, that never failed. */
    public synchronized Webhook webhook(String id, String name) {
        Webhook w = new Webhook(id, name);
        webhooks.put(id, w);
        return w;
    }

    // ---- faults, each for the next request to an endpoint, in the order queued ----

    /**
     * The next request to {@code endpoint} is answered {@code status}, with {@code Retry-After: retryAfter} (or none
     * when {@code null}) and the body {@code {"detail":{"status":vendorCode,"message":…}}}.
     */
    public synchronized void fail(Endpoint endpoint, int status, String retryAfter, String vendorCode) {
        faults.computeIfAbsent(endpoint, e -> new ArrayDeque<>())
                .add(new Fault(status, retryAfter, vendorCode, null, -1));
    }

    /**
     * The next request to {@code endpoint} gets no answer at all until the hold is released (or the stand-in closed).
     */
    public synchronized Hold hold(Endpoint endpoint) {
        Hold hold = new Hold();
        holds.add(hold);
        faults.computeIfAbsent(endpoint, e -> new ArrayDeque<>()).add(new Fault(0, null, null, hold, -1));
        return hold;
    }

    /**
     * The next request to {@code endpoint} gets its headers and the first {@code bytes} bytes of its body, then
     * nothing more until the hold is released; then the connection is closed without the rest.
     */
    public synchronized Hold stallBody(Endpoint endpoint, int bytes) {
        Hold hold = new Hold();
        holds.add(hold);
        faults.computeIfAbsent(endpoint, e -> new ArrayDeque<>()).add(new Fault(0, null, null, hold, bytes));
        return hold;
    }

    // ---- what it saw ----

    /** Every request so far, in order of arrival. */
    public synchronized List<Recorded> requests() {
        return List.copyOf(requests);
    }

    /** The requests to one endpoint. */
    public synchronized List<Recorded> requests(Endpoint endpoint) {
        return requests.stream().filter(r -> r.endpoint() == endpoint).toList();
    }

    /** The most requests it was answering at once. */
    public synchronized int maxInFlight() {
        return maxInFlight;
    }

    /** The requests it is answering now. */
    public synchronized int inFlight() {
        return inFlight;
    }

    /** Waits until it is answering at least {@code count} requests at once. */
    public synchronized void awaitInFlight(int count, Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (inFlight < count) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("never " + count + " requests in flight within " + within
                        + " (now " + inFlight + ")");
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** The exact body last served for the conversation, or {@code null}. */
    public synchronized byte[] served(String conversationId) {
        return served.get(conversationId);
    }

    /** Releases every hold and stops the server. */
    @Override
    public void close() {
        synchronized (this) {
            holds.forEach(Hold::release);
        }
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the API stand-in did not stop", e);
        }
    }

    // ---- serving ----

    private void serve(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getDecodedPath();
        Endpoint endpoint = endpoint(path);
        Map<String, List<String>> query = new LinkedHashMap<>();
        Fields fields = Request.extractQueryParameters(request);
        for (String name : fields.getNames()) {
            query.put(name, List.copyOf(fields.getValues(name)));
        }
        boolean keyAccepted = key.equals(request.getHeaders().get("xi-api-key"));
        Fault fault;
        Exchange exchange;
        synchronized (this) {
            inFlight++;
            maxInFlight = Math.max(maxInFlight, inFlight);
            requests.add(new Recorded(endpoint, path, query, keyAccepted, 0));
            exchange = new Exchange(requests.size() - 1);
            notifyAll();
            Deque<Fault> queued = faults.get(endpoint);
            fault = keyAccepted && queued != null ? queued.poll() : null;
        }
        try {
            if (!keyAccepted) {
                json(exchange, response, 401, null, error("invalid_api_key", "Invalid API key"));
            } else if (fault != null && fault.stallAfter < 0 && fault.hold != null) {
                fault.hold.await();
                exchange.answered(0);
                callback.failed(new IOException("held, then dropped"));
                return;
            } else if (fault != null && fault.hold == null) {
                json(exchange, response, fault.status, fault.retryAfter,
                        error(fault.vendorCode, "the stand-in answers " + fault.status));
            } else {
                answer(exchange, endpoint, path, query, response, fault);
            }
            callback.succeeded();
        } catch (Throwable e) {
            callback.failed(e);
        } finally {
            exchange.answered(-1);
        }
    }

    /**
     * One request's record: its status is noted, and it stops counting as in flight, when its answer starts (before
     * the client can see it, so that a client's next request never finds this one still counted).
     */
    private final class Exchange {
        private final int index;
        private boolean over;

        Exchange(int index) {
            this.index = index;
        }

        /** The answer starts with {@code status} (-1: keep what was noted; 0: none, the request was dropped). */
        void answered(int status) {
            synchronized (ElevenLabsApiStandIn.this) {
                if (status >= 0) {
                    Recorded r = requests.get(index);
                    requests.set(index, new Recorded(r.endpoint(), r.path(), r.query(), r.keyAccepted(), status));
                }
                if (!over) {
                    over = true;
                    inFlight--;
                    ElevenLabsApiStandIn.this.notifyAll();
                }
            }
        }
    }

    private static Endpoint endpoint(String path) {
        if (path.equals(CONVERSATIONS)) {
            return Endpoint.LIST;
        }
        if (path.equals("/v1/workspace/webhooks")) {
            return Endpoint.WEBHOOKS;
        }
        if (path.startsWith(CONVERSATIONS + "/")) {
            String rest = path.substring(CONVERSATIONS.length() + 1);
            if (rest.endsWith("/audio") && rest.indexOf('/') == rest.length() - "/audio".length()) {
                return Endpoint.AUDIO;
            }
            if (!rest.isEmpty() && rest.indexOf('/') < 0) {
                return Endpoint.CONVERSATION;
            }
        }
        return Endpoint.OTHER;
    }

    private void answer(Exchange exchange, Endpoint endpoint, String path, Map<String, List<String>> query,
            Response response, Fault stall) throws IOException, InterruptedException {
        switch (endpoint) {
            case LIST:
                list(exchange, query, response);
                return;
            case WEBHOOKS:
                json(exchange, response, 200, null, webhooksJson());
                return;
            case CONVERSATION: {
                String id = path.substring(CONVERSATIONS.length() + 1);
                byte[] body;
                synchronized (this) {
                    Conversation c = conversations.get(id);
                    if (c == null || c.gone) {
                        json(exchange, response, 404, null, error("conversation_not_found", "Conversation not found"));
                        return;
                    }
                    body = c.detail();
                    served.put(id, body);
                }
                stream(exchange, response, "application/json", body.length, out -> out.write(body), stall);
                return;
            }
            case AUDIO: {
                String id = path.substring(CONVERSATIONS.length() + 1, path.length() - "/audio".length());
                Conversation c;
                synchronized (this) {
                    c = conversations.get(id);
                    if (c == null || c.gone || c.audioSize < 0) {
                        json(exchange, response, 404, null, error("audio_not_found", "No audio for this conversation"));
                        return;
                    }
                }
                stream(exchange, response, "audio/mpeg", c.audioSize, c::writeAudio, stall);
                return;
            }
            default:
                json(exchange, response, 404, null, error("not_found", "Not found"));
        }
    }

    private void list(Exchange exchange, Map<String, List<String>> query, Response response) throws IOException {
        int pageSize;
        try {
            pageSize = query.containsKey("page_size") ? Integer.parseInt(first(query, "page_size")) : 30;
        } catch (NumberFormatException e) {
            pageSize = -1;
        }
        if (pageSize < 1 || pageSize > 100) {
            json(exchange, response, 422, null, "{\"detail\":[{\"type\":\"less_than_equal\",\"loc\":[\"query\","
                    + "\"page_size\"],\"msg\":\"Input should be less than or equal to 100\"}]}");
            return;
        }
        Long after = number(query, "call_start_after_unix");
        Long before = number(query, "call_start_before_unix");
        String agent = first(query, "agent_id");
        boolean ascending = "asc".equals(first(query, "sort_direction"));
        List<String> excluded = query.getOrDefault("exclude_statuses", List.of());
        String cursor = first(query, "cursor");
        StringBuilder json = new StringBuilder("{\"conversations\":[");
        boolean more;
        String next = null;
        synchronized (this) {
            Comparator<Conversation> order = Comparator.<Conversation>comparingLong(c -> c.start)
                    .thenComparing(c -> c.id);
            if (!ascending) {
                order = order.reversed();
            }
            Comparator<Conversation> sorted = order;
            List<Conversation> matching = conversations.values().stream()
                    .filter(c -> after == null || c.start > after)
                    .filter(c -> before == null || c.start < before)
                    .filter(c -> agent == null || agent.equals(c.agentId))
                    .filter(c -> !excluded.contains(c.listed()))
                    .sorted(sorted)
                    .toList();
            int from = 0;
            if (cursor != null) {
                Conversation last = fromCursor(cursor);
                while (from < matching.size() && sorted.compare(matching.get(from), last) <= 0) {
                    from++;
                }
            }
            int to = Math.min(matching.size(), from + Math.min(pageSize, pageCap));
            for (int i = from; i < to; i++) {
                json.append(i > from ? "," : "").append(matching.get(i).summary());
            }
            more = to < matching.size();
            if (more) {
                Conversation last = matching.get(to - 1);
                next = Base64.getUrlEncoder().withoutPadding()
                        .encodeToString((last.start + "|" + last.id).getBytes(StandardCharsets.UTF_8));
            }
        }
        json.append("],\"next_cursor\":").append(next == null ? "null" : "\"" + next + "\"")
                .append(",\"has_more\":").append(more).append('}');
        json(exchange, response, 200, null, json.toString());
    }

    private Conversation fromCursor(String cursor) {
        String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        int bar = text.indexOf('|');
        return new Conversation(text.substring(bar + 1), null, Long.parseLong(text.substring(0, bar)), 0);
    }

    private synchronized String webhooksJson() {
        StringBuilder json = new StringBuilder("{\"webhooks\":[");
        boolean first = true;
        for (Webhook w : webhooks.values()) {
            json.append(first ? "" : ",").append(w.json());
            first = false;
        }
        return json.append("]}").toString();
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static Long number(Map<String, List<String>> query, String name) {
        String value = first(query, name);
        return value == null ? null : Long.valueOf(value);
    }

    private static String error(String code, String message) {
        return "{\"detail\":{\"status\":\"" + (code == null ? "error" : code) + "\",\"message\":\"" + message + "\"}}";
    }

    private static void json(Exchange exchange, Response response, int status, String retryAfter, String body)
            throws IOException {
        exchange.answered(status);
        response.setStatus(status);
        response.getHeaders().put("Content-Type", "application/json");
        if (retryAfter != null) {
            response.getHeaders().put("Retry-After", retryAfter);
        }
        Content.Sink.write(response, true, java.nio.ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)));
    }

    /** A body written in pieces; with a stall, the first bytes and then nothing until released, then cut off. */
    private static void stream(Exchange exchange, Response response, String type, long length, Body body, Fault stall)
            throws IOException, InterruptedException {
        exchange.answered(200);
        response.setStatus(200);
        response.getHeaders().put("Content-Type", type);
        response.getHeaders().put("Content-Length", Long.toString(length));
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            if (stall == null || stall.stallAfter < 0) {
                body.writeTo(out);
                return;
            }
            CuttingStream cut = new CuttingStream(out, stall.stallAfter);
            try {
                body.writeTo(cut);
            } catch (Cut e) {
                out.flush();
                stall.hold.await();
                throw new IOException("stalled, then cut off");
            }
        }
    }

    /** Writes a body. */
    @FunctionalInterface
    private interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /** A queued fault: a status, or a hold (with {@code stallAfter} bytes first, or none when -1). */
    private record Fault(int status, String retryAfter, String vendorCode, Hold hold, int stallAfter) {
    }

    /** Keeps a request without an answer until released. */
    public static final class Hold {
        private final CountDownLatch released = new CountDownLatch(1);

        /** Lets the request go on (a held one is dropped; a stalled one is cut off). */
        public void release() {
            released.countDown();
        }

        void await() throws InterruptedException {
            released.await();
        }
    }

    /** A conversation the stand-in knows, changed through its methods. */
    public final class Conversation {
        private final String id;
        private final String agentId;
        private final long start;
        private final long duration;
        private String status = "done";
        private String listedAs;
        private String fixture;
        private long audioSize = -1;
        private byte[] audioBytes;
        private long audioSeed;
        private boolean gone;

        private Conversation(String id, String agentId, long start, long duration) {
            this.id = id;
            this.agentId = agentId;
            this.start = start;
            this.duration = duration;
        }

        /**
         * Its {@code status}: {@code initiated}, {@code in-progress}, {@code processing}, {@code done} or
         * {@code failed}.
         */
        public Conversation status(String status) {
            synchronized (ElevenLabsApiStandIn.this) {
                this.status = status;
            }
            return this;
        }

        /**
         * Lists it with this status while its body says {@link #status(String)}: the list lagging behind, for a
         * moment; {@code null} lists the real status again.
         */
        public Conversation listedAs(String status) {
            synchronized (ElevenLabsApiStandIn.this) {
                this.listedAs = status;
            }
            return this;
        }

        /** Serves a fixture of {@code testdata/conversations-api} as its body once it is finished. */
        public Conversation body(String fixtureName) {
            TestData.conversation(fixtureName);
            synchronized (ElevenLabsApiStandIn.this) {
                this.fixture = fixtureName;
            }
            return this;
        }

        /** A recording of these bytes. */
        public Conversation audio(byte[] bytes) {
            synchronized (ElevenLabsApiStandIn.this) {
                this.audioBytes = bytes.clone();
                this.audioSize = bytes.length;
            }
            return this;
        }

        /** A recording of {@code size} pseudo-random bytes from {@code seed}, generated as it is sent (never held). */
        public Conversation audio(long size, long seed) {
            synchronized (ElevenLabsApiStandIn.this) {
                this.audioBytes = null;
                this.audioSize = size;
                this.audioSeed = seed;
            }
            return this;
        }

        /** Listed, but 404 for its body and recording (deleted after it was listed). */
        public Conversation gone() {
            synchronized (ElevenLabsApiStandIn.this) {
                this.gone = true;
            }
            return this;
        }

        private boolean finished() {
            return status.equals("done") || status.equals("failed");
        }

        private String listed() {
            return listedAs == null ? status : listedAs;
        }

        private String summary() {
            return "{\"agent_id\":\"" + agentId + "\",\"agent_name\":\"Stand-in agent\",\"conversation_id\":\"" + id
                    + "\",\"start_time_unix_secs\":" + start + ",\"call_duration_secs\":" + duration
                    + ",\"message_count\":" + (finished() ? 3 : 0) + ",\"status\":\"" + listed()
                    + "\",\"call_successful\":\"" + (finished() ? "success" : "unknown")
                    + "\",\"direction\":\"inbound\"}";
        }

        private byte[] detail() {
            if (fixture != null && finished()) {
                String text;
                try {
                    text = Files.readString(TestData.conversation(fixture), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                text = rewrite(text, CONVERSATION_ID, id);
                text = rewrite(text, AGENT_ID, agentId);
                return text.getBytes(StandardCharsets.UTF_8);
            }
            boolean audio = audioSize >= 0;
            return ("{\"agent_id\":\"" + agentId + "\",\"conversation_id\":\"" + id + "\",\"status\":\"" + status
                    + "\",\"user_id\":null,\"has_audio\":" + audio + ",\"has_user_audio\":" + audio
                    + ",\"has_response_audio\":" + audio + ",\"has_auxiliary_audio\":false,\"transcript\":["
                    + (finished() ? "{\"role\":\"agent\",\"message\":\"Hello from the stand-in.\","
                    + "\"time_in_call_secs\":0}" : "")
                    + "],\"metadata\":{\"start_time_unix_secs\":" + start + ",\"call_duration_secs\":" + duration
                    + "},\"analysis\":null}\n").getBytes(StandardCharsets.UTF_8);
        }

        /** Replaces every occurrence of the fixture's own id (the pattern's first match) with {@code value}. */
        private String rewrite(String text, Pattern pattern, String value) {
            Matcher m = pattern.matcher(text);
            return m.find() ? text.replace("\"" + m.group(1) + "\"", "\"" + value + "\"") : text;
        }

        private void writeAudio(OutputStream out) throws IOException {
            if (audioBytes != null) {
                for (int at = 0; at < audioBytes.length; at += 16 * 1024) {
                    out.write(audioBytes, at, Math.min(16 * 1024, audioBytes.length - at));
                }
                return;
            }
            Random random = new Random(audioSeed);
            byte[] chunk = new byte[16 * 1024];
            for (long left = audioSize; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }
    }

    /** A workspace webhook the stand-in lists, changed through its methods. */
    public final class Webhook {
        private final String id;
        private final String name;
        private boolean disabled;
        private boolean autoDisabled;
        private Integer failureStatus;
        private Long failureAt;
        private String usage;

        private Webhook(String id, String name) {
            this.id = id;
            this.name = name;
        }

        /** Switched off by a user. */
        public Webhook disabled(boolean disabled) {
            synchronized (ElevenLabsApiStandIn.this) {
                this.disabled = disabled;
            }
            return this;
        }

        /** Switched off by ElevenLabs after failures ({@code is_disabled} too, as ElevenLabs reports it). */
        public Webhook autoDisabled(boolean autoDisabled) {
            synchronized (ElevenLabsApiStandIn.this) {
                this.autoDisabled = autoDisabled;
                this.disabled = autoDisabled || disabled;
            }
            return this;
        }

        /** Its last failed delivery: the HTTP status and when (unix seconds). */
        public Webhook failed(int status, long atUnixSecs) {
            synchronized (ElevenLabsApiStandIn.this) {
                this.failureStatus = status;
                this.failureAt = atUnixSecs;
            }
            return this;
        }

        /** Lists it with one {@code usage} entry of this {@code usage_type} (as ElevenLabs does for admins). */
        public Webhook usage(String usageType) {
            synchronized (ElevenLabsApiStandIn.this) {
                this.usage = usageType;
            }
            return this;
        }

        private String json() {
            return "{\"name\":\"" + name + "\",\"webhook_id\":\"" + id + "\",\"webhook_url\":\"https://calls.example/"
                    + "elevenlabs/webhook?token=do-not-show\",\"is_disabled\":" + disabled + ",\"is_auto_disabled\":"
                    + autoDisabled + ",\"created_at_unix\":1761000000,\"auth_type\":\"hmac\""
                    + (usage == null ? "" : ",\"usage\":[{\"usage_type\":\"" + usage + "\"}]")
                    + (failureStatus == null ? "" : ",\"most_recent_failure_error_code\":" + failureStatus)
                    + (failureAt == null ? "" : ",\"most_recent_failure_timestamp\":" + failureAt) + "}";
        }
    }

    /** Passes {@code limit} bytes, then throws {@link Cut}. */
    private static final class CuttingStream extends OutputStream {
        private final OutputStream out;
        private long left;

        CuttingStream(OutputStream out, long limit) {
            this.out = out;
            this.left = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int take = (int) Math.min(len, left);
            out.write(b, off, take);
            left -= take;
            if (take < len) {
                throw new Cut();
            }
        }
    }

    /** The stall point was reached. */
    private static final class Cut extends IOException {
        private static final long serialVersionUID = 1L;
    }
}
