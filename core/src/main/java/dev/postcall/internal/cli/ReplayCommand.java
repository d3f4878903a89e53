package dev.postcall.internal.cli;

import dev.postcall.internal.inbox.InboxStore;
import dev.postcall.internal.inbox.InboxEntry;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * {@code replay}: POSTs every delivery in an inbox's {@code failed/} again, re-signed with a fresh timestamp, through
 * the receiver's normal verified path. An entry the receiver answers 200 is removed; any other answer keeps it.
 */
final class ReplayCommand implements Main.Command {

    private final Clock clock;

    ReplayCommand() {
        this(Clock.systemUTC());
    }

    ReplayCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "replay";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "replay --inbox DIR [--secret S] --url URL",
                "  Re-signs each delivery in DIR/failed/ (oldest first) and POSTs it to URL; an entry answered 200",
                "  is removed, any other answer keeps it. Prints a line per entry and a summary.",
                "  --inbox DIR  the receiver's inbox-dir",
                "  --secret S   the webhook secret the receiver verifies with (default: env "
                        + WebhookPoster.SECRET_ENV + ")",
                "  --url URL    the receiver's webhook URL");
    }

    @Override
    public int run(List<String> args, Main.Terminal terminal) throws Main.UsageException {
        String inboxDir = null;
        String secret = null;
        String url = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (!List.of("--inbox", "--secret", "--url").contains(name)) {
                throw new Main.UsageException("unknown argument " + arg);
            }
            String value;
            if (arg.contains("=")) {
                value = arg.substring(arg.indexOf('=') + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new Main.UsageException(arg + " needs a value");
            }
            switch (name) {
                case "--inbox": inboxDir = value; break;
                case "--secret": secret = value; break;
                default: url = value;
            }
        }
        if (inboxDir == null) {
            throw new Main.UsageException("no --inbox to replay from");
        }
        Path root = Path.of(inboxDir);
        if (!Files.isDirectory(root.resolve("failed"))) {
            throw new Main.UsageException(inboxDir + " is not an inbox (it has no failed/ directory)");
        }
        WebhookPoster poster = new WebhookPoster(WebhookPoster.parseUrl(url), WebhookPoster.secret(secret, terminal));

        List<InboxEntry> entries;
        try {
            entries = InboxStore.open(root).failed();
        } catch (IOException e) {
            terminal.err().println("postcall replay: cannot read " + root + ": " + e);
            return Main.UNREACHABLE;
        }
        int accepted = 0;
        for (InboxEntry entry : entries) {
            String line = entry.id() + " (" + entry.record().type() + ", conversation "
                    + entry.record().conversationId() + ")";
            HttpResponse<byte[]> response;
            try {
                byte[] body;
                try (InputStream in = entry.body().openStream()) {
                    body = in.readAllBytes();
                }
                response = poster.post(body, clock.instant(), false);
            } catch (IOException e) {
                terminal.err().println("postcall replay: " + poster.describe(e) + "; stopped, "
                        + accepted + " of " + entries.size() + " replayed");
                return Main.UNREACHABLE;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                terminal.err().println("postcall replay: interrupted");
                return Main.UNREACHABLE;
            }
            if (response.statusCode() == 200) {
                try {
                    entry.remove();
                } catch (IOException e) {
                    terminal.err().println("postcall replay: " + line + " was accepted but could not be removed: " + e);
                    return Main.UNREACHABLE;
                }
                accepted++;
                terminal.out().println(line + " -> HTTP 200, removed");
            } else {
                terminal.out().println(line + " -> HTTP " + response.statusCode() + ", kept");
            }
        }
        terminal.out().printf("replayed %d of %d; %d kept in %s%n", accepted, entries.size(),
                entries.size() - accepted, root.resolve("failed"));
        return accepted == entries.size() ? Main.OK : Main.NOT_ACCEPTED;
    }
}
