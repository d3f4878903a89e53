package dev.postcall.internal.cli;

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
import java.time.Duration;
import java.time.Instant;

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

    /** The secret from {@code --secret} or else the environment; a usage error when neither has one. */
    static String secret(String option, Main.Terminal terminal) throws Main.UsageException {
        String secret = option != null ? option : terminal.env().get(SECRET_ENV);
        if (secret == null || secret.isBlank()) {
            throw new Main.UsageException("no secret: pass --secret or set " + SECRET_ENV);
        }
        return secret;
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
     * @param dispatched whether the receiver ran its handlers on it: 200, or 500 {@code handler-failed}
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
            return new Answer(status, status == 200 || (status == 500 && new String(response.body(),
                    java.nio.charset.StandardCharsets.UTF_8).contains("/problems/handler-failed\"")));
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
