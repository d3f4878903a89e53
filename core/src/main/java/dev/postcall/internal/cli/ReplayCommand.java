package dev.postcall.internal.cli;

import dev.postcall.internal.inbox.InboxStore;
import dev.postcall.internal.inbox.InboxEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code replay}: POSTs every delivery in an inbox's {@code failed/} again, re-signed with a fresh timestamp, through
 * the receiver's normal verified path. An entry the receiver answers 200 is removed; any other answer keeps it. With
 * {@code --jdbc-url} it replays the failed rows of the database store instead ({@link DatabaseReplay}).
 */
final class ReplayCommand implements Main.Command {

    private static final List<String> OPTIONS = List.of("--inbox", "--jdbc-url", "--table-prefix", "--secret", "--url");
    private static final String DEFAULT_PREFIX = "postcall_";

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
                "replay --jdbc-url URL [--table-prefix P] [--secret S] --url URL",
                "  Re-signs each delivery in DIR/failed/ (oldest first) and POSTs it to URL; an entry answered 200",
                "  is removed, any other answer keeps it. Prints a line per entry and a summary.",
                "  With --jdbc-url, each failed row of the database store instead: the receiving node claims the row",
                "  and records it done (or failed again); this command reads the rows and changes none itself.",
                "  --inbox DIR       the receiver's inbox-dir",
                "  --jdbc-url URL    the database the receivers' store uses; the user and password from env "
                        + DatabaseReplay.USER_ENV + " and " + DatabaseReplay.PASSWORD_ENV + ", never in the URL;",
                "                    the driver from the classpath: java -cp postcall-cli.jar:postgresql.jar "
                        + Main.class.getName() + " replay ...",
                "  --table-prefix P  the store's table prefix (default " + DEFAULT_PREFIX + ")",
                "  --secret S        the webhook secret the receiver verifies with (default: env "
                        + WebhookPoster.SECRET_ENV + ")",
                "  --url URL         the receiver's webhook URL");
    }

    @Override
    public int run(List<String> args, Main.Terminal terminal) throws Main.UsageException {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (!OPTIONS.contains(name)) {
                throw new Main.UsageException("unknown argument " + (arg.contains("=") ? name + "=..." : arg));
            }
            String value;
            if (arg.contains("=")) {
                value = arg.substring(arg.indexOf('=') + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new Main.UsageException(arg + " needs a value");
            }
            options.put(name, value);
        }
        String inboxDir = options.get("--inbox");
        String jdbcUrl = options.get("--jdbc-url");
        if (inboxDir != null && jdbcUrl != null) {
            throw new Main.UsageException("--inbox and --jdbc-url replay different stores: pass one of them");
        }
        if (jdbcUrl != null) {
            DatabaseReplay.checkUrl(jdbcUrl);
            WebhookPoster poster = new WebhookPoster(WebhookPoster.parseUrl(options.get("--url")),
                    WebhookPoster.secret(options.get("--secret"), terminal));
            return new DatabaseReplay(jdbcUrl, options.getOrDefault("--table-prefix", DEFAULT_PREFIX), poster, clock)
                    .run(terminal);
        }
        if (options.containsKey("--table-prefix")) {
            throw new Main.UsageException("--table-prefix goes with --jdbc-url");
        }
        if (inboxDir == null) {
            throw new Main.UsageException("no --inbox or --jdbc-url to replay from");
        }
        String secret = options.get("--secret");
        String url = options.get("--url");
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
            int status = poster.replay(() -> entry.body().openStream(), clock.instant(), terminal,
                    accepted + " of " + entries.size() + " replayed");
            if (status == WebhookPoster.NOT_SENT) {
                return Main.UNREACHABLE;
            }
            if (status == 200) {
                try {
                    entry.remove();
                } catch (IOException e) {
                    terminal.err().println("postcall replay: " + line + " was accepted but could not be removed: " + e);
                    return Main.UNREACHABLE;
                }
                accepted++;
                terminal.out().println(line + " -> HTTP 200, removed");
            } else {
                terminal.out().println(line + " -> HTTP " + status + ", kept");
            }
        }
        terminal.out().printf("replayed %d of %d; %d kept in %s%n", accepted, entries.size(),
                entries.size() - accepted, root.resolve("failed"));
        return accepted == entries.size() ? Main.OK : Main.NOT_ACCEPTED;
    }
}
