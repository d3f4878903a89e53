package dev.postcall.internal.cli;

import dev.postcall.internal.config.Formats;
import dev.postcall.signature.WebhookSigner;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Signs a body the way ElevenLabs does and POSTs it; shared by {@code send} and {@code replay}. */
final class WebhookPoster {
    static final String SECRET_ENV = "ELEVENLABS_WEBHOOK_SECRET";
    static final String HEADER = "ElevenLabs-Signature";

    private final URI uri;
    private final String secret;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)   // as the sender; no h2c upgrade dance
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    WebhookPoster(URI uri, String secret) {
        this.uri = uri;
        this.secret = secret;
    }

    /** The option that names a file holding the secret. */
    static final String SECRET_FILE = "--secret-file";
    /** The safer ways to give the secret, for every message that asks for it. */
    static final String SECRET_WAYS = "set " + SECRET_ENV + " in the environment or pass " + SECRET_FILE + " PATH";
    /** A secret file is a line or two; anything larger is the wrong file, and is not read into memory. */
    private static final long MAX_SECRET_FILE = 64 * 1024;

    /**
     * The option that once took the secret itself: refused, because an argument is visible to every user of the
     * machine ({@code ps}, {@code /proc/<pid>/cmdline}) and stays in the shell's history. A warning would come too
     * late (the secret is out by the time it prints), and the database password is refused the same way.
     */
    static Main.UsageException secretOnTheCommandLine() {
        return new Main.UsageException("--secret is not accepted: a secret on the command line shows in ps and in"
                + " the shell's history; " + SECRET_WAYS);
    }

    /**
     * The secret to sign with: from the file {@code file} names when given, else from {@link #SECRET_ENV}. Read as
     * the servlet reads its secret (comma-separated for rotation, each entry stripped, so a file's trailing newline
     * goes); with several the first signs, which is enough because the receiver tries each of its secrets. No
     * message ever holds the secret or the file's text.
     */
    static String secret(String file, Main.Terminal terminal) throws Main.UsageException {
        String raw;
        String origin;
        if (file != null) {
            raw = readSecretFile(file);
            origin = SECRET_FILE + " " + file;
        } else {
            raw = terminal.env().get(SECRET_ENV);
            origin = "environment variable " + SECRET_ENV;
        }
        if (raw == null || raw.isBlank()) {
            throw new Main.UsageException((file != null ? "no secret: " + file + " is empty; " : "no secret: ")
                    + SECRET_WAYS);
        }
        List<String> secrets = Formats.entries(raw);
        for (int i = 0; i < secrets.size(); i++) {
            if (secrets.get(i).isEmpty()) {
                throw new Main.UsageException("entry " + (i + 1) + " of " + origin
                        + " is empty; separate several secrets with single commas");
            }
        }
        if (secrets.size() > 1) {
            terminal.err().println("postcall: signing with the first of the " + secrets.size() + " secrets in "
                    + origin);
        }
        return secrets.get(0);
    }

    private static String readSecretFile(String file) throws Main.UsageException {
        Path path = Path.of(file);
        try {
            if (Files.size(path) > MAX_SECRET_FILE) {
                throw new Main.UsageException(SECRET_FILE + " " + file + " is larger than " + MAX_SECRET_FILE
                        + " bytes: not a secret file");
            }
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(Files.readAllBytes(path))).toString();
            } catch (CharacterCodingException e) {
                // decoded with replacement characters it would sign with another key, and every delivery get a 401
                throw new Main.UsageException(SECRET_FILE + " " + file + " is not UTF-8 text (saved as UTF-16?);"
                        + " save it as UTF-8");
            }
            // a byte order mark (Notepad, PowerShell's -Encoding UTF8) is no part of the secret, and strip() keeps it
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (NoSuchFileException e) {
            throw new Main.UsageException(SECRET_FILE + " " + file + ": no such file");
        } catch (IOException e) {
            // the exception names the file and the reason (a directory, permissions), never its content
            throw new Main.UsageException(SECRET_FILE + " " + file + ": cannot read it (" + e + ")");
        }
    }

    URI uri() {
        return uri;
    }

    /** Signs {@code body} at {@code now} and POSTs it as application/json; chunked when asked, as audio is sent. */
    HttpResponse<byte[]> post(byte[] body, Instant now, boolean chunked) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher publisher = chunked
                // an unknown length makes the JDK client send Transfer-Encoding: chunked
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                : HttpRequest.BodyPublishers.ofByteArray(body);
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header(HEADER, WebhookSigner.header(body, secret, now))
                .POST(publisher)
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * The receiver's answer to a replayed delivery.
     *
     * @param status     the HTTP status
     * @param dispatched whether the receiver took it: ran its handlers on it (200, or 500 {@code handler-failed}
     *                   with {@code "kept":true}, a failure it keeps itself), or could not read it and keeps it itself
     *                   (400 {@code malformed-event} with {@code "kept":true})
     */
    record Answer(int status, boolean dispatched) { }

    /** Opens a stored delivery's body, for {@link #replay}. */
    @FunctionalInterface
    interface StoredBody {
        InputStream open() throws IOException;
    }

    /**
     * Re-signs a stored body at {@code now} and POSTs it, for a replay: the answer, or {@code null} after telling the
     * terminal why it could not be sent, with {@code progress} (how far the replay got, which stops there).
     */
    Answer replay(StoredBody body, Instant now, Main.Terminal terminal, String progress) {
        try {
            byte[] bytes;
            try (InputStream in = body.open()) {
                bytes = in.readAllBytes();
            }
            HttpResponse<byte[]> response = post(bytes, now, false);
            int status = response.statusCode();
            String problem = new String(response.body(), StandardCharsets.UTF_8);
            // only a receiver that says it kept its copy has one: a 500 or 400 from one whose store keeps no bodies
            // (a node of another store) leaves the delivery to this one
            boolean kept = problem.contains("\"kept\":true");
            return new Answer(status, status == 200
                    || (kept && status == 500 && problem.contains("/problems/handler-failed\""))
                    || (kept && status == 400 && problem.contains("/problems/malformed-event\"")));
        } catch (IOException e) {
            terminal.err().println("postcall replay: " + describe(e) + "; stopped, " + progress);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            terminal.err().println("postcall replay: interrupted");
            return null;
        }
    }

    /** Why a request could not be sent, in a line for the terminal. */
    String describe(IOException e) {
        if (e instanceof ConnectException) {
            return "cannot connect to " + uri.getHost() + ":" + port(uri);
        }
        if (e instanceof HttpTimeoutException) {
            return "no answer from " + uri + " in time";
        }
        return "sending to " + uri + " failed: " + e;
    }

    static URI parseUrl(String url) throws Main.UsageException {
        if (url == null) {
            throw new Main.UsageException("no --url to send to");
        }
        try {
            URI uri = new URI(url);
            if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    || uri.getHost() == null) {
                throw new Main.UsageException("--url must be an http:// or https:// URL with a host: " + url);
            }
            if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65535)) {
                // URI takes any digits; the HTTP client would throw IllegalArgumentException, exit code 1
                throw new Main.UsageException("--url has no valid port (1 to 65535): " + url);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new Main.UsageException("--url is not a URL: " + e.getMessage());
        }
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
}
