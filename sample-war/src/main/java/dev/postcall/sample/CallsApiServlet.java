package dev.postcall.sample;

import dev.postcall.monitoring.WebhookMonitor;
import dev.postcall.monitoring.Webhooks;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The page's data, under {@code /api}:
 * <ul>
 *   <li>{@code GET /api/calls}: the {@link Dashboard} as JSON;</li>
 *   <li>{@code GET /api/calls/{conversationId}/audio}: the call's MP3 ({@code audio/mpeg}, one byte range when asked
 *       for), 404 until it arrived;</li>
 *   <li>{@code POST /api/test-call?sample=transcription[&conversation=id]}: signs a bundled sample with the
 *       configured secret and posts it to this application's own webhook, over HTTP.</li>
 * </ul>
 */
public final class CallsApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(CallsApiServlet.class.getName());

    /** Where web.xml maps the webhook, relative to the context path. */
    static final String WEBHOOK_PATH = "/elevenlabs/webhook";

    private transient Jsonb jsonb;
    private transient CallRecorder recorder;

    @Override
    public void init() {
        jsonb = JsonbBuilder.create();
        // looked up rather than injected: servlet injection needs extra set-up on Tomcat, CDI.current() works anywhere
        recorder = CDI.current().select(CallRecorder.class).get();
    }

    @Override
    public void destroy() {
        try {
            jsonb.close();
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "closing JSON-B", e);
        }
    }

    /** The application's context path as {@link Webhooks} names it: {@code /} for the root. */
    private static String contextPath(HttpServletRequest req) {
        String path = req.getContextPath();
        return path == null || path.isEmpty() ? "/" : path;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = Optional.ofNullable(req.getPathInfo()).orElse("");
        if (path.equals("/calls")) {
            resp.setHeader("Cache-Control", "no-store");
            WebhookMonitor webhook = Webhooks.find(contextPath(req), BackfillSwitch.SERVLET);
            json(resp, 200, Dashboard.of(recorder.received(),
                    webhook == null ? Optional.empty() : webhook.backfillStatus()));
        } else if (path.startsWith("/calls/") && path.endsWith("/audio")) {
            String id = URLDecoder.decode(path.substring("/calls/".length(), path.length() - "/audio".length()),
                    StandardCharsets.UTF_8);
            Optional<Path> audio = recorder.received().audio(id);
            if (audio.isEmpty() || !Files.isRegularFile(audio.get())) {
                problem(resp, 404, "No audio for this call", "no audio has arrived for this conversation");
                return;
            }
            sendAudio(req, resp, audio.get());
        } else {
            problem(resp, 404, "Not found", "GET /api/calls or /api/calls/{conversationId}/audio");
        }
    }

    /** The whole MP3, or the one byte range the player asked for (players seek that way). */
    private void sendAudio(HttpServletRequest req, HttpServletResponse resp, Path file) throws IOException {
        long size = Files.size(file);
        Optional<ByteRange> range;
        try {
            range = ByteRange.of(req.getHeader("Range"), size);
        } catch (IllegalArgumentException e) {
            resp.setHeader("Content-Range", "bytes */" + size);
            problem(resp, 416, "Range not satisfiable", "the recording has " + size + " bytes");
            return;
        }
        resp.setContentType("audio/mpeg");
        resp.setHeader("Accept-Ranges", "bytes");
        resp.setHeader("Cache-Control", "private, max-age=3600");
        if (range.isEmpty()) {
            resp.setContentLengthLong(size);
            try (OutputStream out = resp.getOutputStream()) {
                Files.copy(file, out);
            }
            return;
        }
        ByteRange r = range.get();
        resp.setStatus(206);
        resp.setHeader("Content-Range", r.contentRange(size));
        resp.setContentLengthLong(r.length());
        try (SeekableByteChannel channel = Files.newByteChannel(file); OutputStream out = resp.getOutputStream()) {
            InputStream in = Channels.newInputStream(channel.position(r.first()));
            byte[] buffer = new byte[8192];
            for (long left = r.length(); left > 0; ) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!"/test-call".equals(req.getPathInfo())) {
            problem(resp, 404, "Not found", "POST /api/test-call?sample=" + String.join("|", TestCalls.NAMES));
            return;
        }
        String sample = Optional.ofNullable(req.getParameter("sample")).orElse("transcription");
        if (!TestCalls.NAMES.contains(sample)) {
            problem(resp, 400, "Unknown sample", "samples: " + String.join(", ", TestCalls.NAMES));
            return;
        }
        Optional<String> secret = WebhookSecret.fromEnvironment();
        if (secret.isEmpty()) {
            problem(resp, 503, "No webhook secret",
                    "set the environment variable " + WebhookSecret.ENV + " and restart the server");
            return;
        }
        String conversation = req.getParameter("conversation");
        if (conversation == null || !conversation.matches("[A-Za-z0-9_-]{1,100}")) {
            conversation = TestCalls.newConversationId();
        }
        byte[] body = TestCalls.payload(sample, conversation, Instant.now());
        int status;
        try {
            status = TestCalls.post(ownWebhook(req), secret.get(), body);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "test call to the own webhook failed", e);
            problem(resp, 502, "Webhook unreachable", "the application could not reach its own webhook");
            return;
        }
        json(resp, status == 200 ? 200 : 502, new TestCallResult(sample, conversation, status));
    }

    /** This application's webhook, reached the way the request reached us: local address, port, context path. */
    static URI ownWebhook(HttpServletRequest req) {
        String host = req.getLocalAddr();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create(req.getScheme() + "://" + host + ":" + req.getLocalPort() + req.getContextPath()
                + WEBHOOK_PATH);
    }

    private void json(HttpServletResponse resp, int status, Object body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        try (OutputStream out = resp.getOutputStream()) {
            jsonb.toJson(body, out);
        }
    }

    private void problem(HttpServletResponse resp, int status, String title, String detail) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/problem+json");
        resp.setCharacterEncoding("UTF-8");
        try (OutputStream out = resp.getOutputStream()) {
            jsonb.toJson(Map.of("title", title, "status", status, "detail", detail), out);
        }
    }
}
