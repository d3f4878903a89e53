package dev.postcall.internal.cli;

import dev.postcall.testing.SamplePayloads;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * {@code send}: signs a payload the way ElevenLabs does and POSTs it, like {@code stripe trigger}. A bundled sample
 * gets a fresh {@code event_timestamp} (a transcription or a recording is keyed by its conversation, so sending the
 * same one again is answered as a repeat); a file goes byte for byte.
 */
final class SendCommand implements Main.Command {
    static final String SECRET_ENV = WebhookPoster.SECRET_ENV;
    static final String HEADER = WebhookPoster.HEADER;

    private final Clock clock;

    SendCommand() {
        this(Clock.systemUTC());
    }

    SendCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "send";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "send [--secret-file PATH] --url URL [--chunked] <sample|file>",
                "  Signs a webhook body (ElevenLabs-Signature: t=…,v0=…) and POSTs it as application/json;",
                "  prints the status and the response body.",
                "  The webhook secret comes from env " + SECRET_ENV + ", or from the file --secret-file names",
                "  (never from the command line, where ps shows it).",
                "  --secret-file PATH  a file holding the webhook secret (a trailing newline is ignored)",
                "  --url URL           where to POST, e.g. http://localhost:8080/app/elevenlabs/webhook",
                "  --chunked           send with Transfer-Encoding: chunked, as audio is sent, not Content-Length",
                "  <sample>            a bundled sample, sent with event_timestamp = now:",
                "                      " + String.join(", ", SamplePayloads.names()),
                "  <file>              any other argument is a file sent byte for byte (./audio for a file 'audio')");
    }

    @Override
    public int run(List<String> args, Main.Terminal terminal) throws Main.UsageException {
        String secretFile = null;
        String url = null;
        boolean chunked = false;
        String payload = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--secret") || arg.startsWith("--secret=")) {
                throw WebhookPoster.secretOnTheCommandLine();
            } else if (arg.equals(WebhookPoster.SECRET_FILE) || arg.equals("--url")) {
                if (i + 1 == args.size()) {
                    throw new Main.UsageException(arg + " needs a value");
                }
                String value = args.get(++i);
                if (arg.equals("--url")) {
                    url = value;
                } else {
                    secretFile = value;
                }
            } else if (arg.startsWith(WebhookPoster.SECRET_FILE + "=")) {
                secretFile = arg.substring(WebhookPoster.SECRET_FILE.length() + 1);
            } else if (arg.startsWith("--url=")) {
                url = arg.substring("--url=".length());
            } else if (arg.equals("--chunked")) {
                chunked = true;
            } else if (arg.startsWith("--")) {
                throw new Main.UsageException("unknown option " + Main.withoutValue(arg));
            } else if (payload == null) {
                payload = arg;
            } else {
                throw new Main.UsageException("one payload at a time, got '" + payload + "' and '" + arg + "'");
            }
        }
        WebhookPoster poster = new WebhookPoster(WebhookPoster.parseUrl(url),
                WebhookPoster.secret(secretFile, terminal));
        if (payload == null) {
            throw new Main.UsageException("no payload: name a sample (" + String.join(", ", SamplePayloads.names())
                    + ") or a file");
        }

        Instant now = clock.instant();
        byte[] body;
        String what;
        if (SamplePayloads.names().contains(payload)) {
            body = SamplePayloads.bytes(payload, now);
            what = "sample " + payload + ", event_timestamp " + now.getEpochSecond();
        } else {
            try {
                body = Files.readAllBytes(Path.of(payload));
            } catch (NoSuchFileException e) {
                throw new Main.UsageException("'" + payload + "' is neither a sample ("
                        + String.join(", ", SamplePayloads.names()) + ") nor a file");
            } catch (IOException e) {
                throw new Main.UsageException("cannot read " + payload + ": " + e);
            }
            what = "file " + payload;
        }

        terminal.out().printf("POST %s (%s, %d bytes, %s)%n", poster.uri(), what, body.length,
                chunked ? "chunked" : "Content-Length");
        HttpResponse<byte[]> response;
        try {
            response = poster.post(body, now, chunked);
        } catch (IOException e) {
            terminal.err().println("postcall send: " + poster.describe(e));
            return Main.UNREACHABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            terminal.err().println("postcall send: interrupted");
            return Main.UNREACHABLE;
        }
        terminal.out().println("HTTP " + response.statusCode());
        byte[] answer = response.body();
        if (answer.length > 0) {
            terminal.out().println(new String(answer, StandardCharsets.UTF_8));
        }
        return response.statusCode() == 200 ? Main.OK : Main.NOT_ACCEPTED;
    }
}
