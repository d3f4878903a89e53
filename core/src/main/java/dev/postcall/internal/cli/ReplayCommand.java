package dev.postcall.internal.cli;

import dev.postcall.internal.inbox.DirectoryStore;
import dev.postcall.spi.DeliveryStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code replay}: POSTs every failed delivery of a store again, re-signed with a fresh timestamp, through the
 * receiver's normal verified path ({@link StoreReplay}): the directory store's ({@code --inbox}), opened beside its
 * running node, or the database store's ({@code --jdbc-url}, {@link DatabaseReplay}).
 */
final class ReplayCommand implements Main.Command {

    private static final List<String> OPTIONS = List.of("--inbox", "--jdbc-url", "--table-prefix",
            WebhookPoster.SECRET_FILE, "--url");
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
                "replay --inbox DIR [--secret-file PATH] --url URL",
                "replay --jdbc-url URL [--table-prefix P] [--secret-file PATH] --url URL",
                "  Re-signs each failed delivery of the store (oldest first) and POSTs it to URL. The receiver's store",
                "  claims a delivery with a conversation id itself and records it done (or failed again); one without",
                "  is claimed here first and done once the receiver dispatched it. Prints a line each and a summary.",
                "  The webhook secret comes from env " + WebhookPoster.SECRET_ENV + ", or from the file --secret-file",
                "  names (never from the command line, where ps shows it).",
                "  --inbox DIR         the receiver's inbox-dir",
                "  --jdbc-url URL      the database the receivers' store uses; the user and password from env "
                        + DatabaseReplay.USER_ENV + " and " + DatabaseReplay.PASSWORD_ENV + ", never in the URL;",
                "                      the driver from the classpath: java -cp postcall-cli.jar:postgresql.jar "
                        + Main.class.getName() + " replay ...",
                "  --table-prefix P    the store's table prefix (default " + DEFAULT_PREFIX + ")",
                "  --secret-file PATH  a file holding the webhook secret the receiver verifies with",
                "  --url URL           the receiver's webhook URL");
    }

    @Override
    public int run(List<String> args, Main.Terminal terminal) throws Main.UsageException {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (name.equals("--secret")) {
                throw WebhookPoster.secretOnTheCommandLine();
            }
            if (!OPTIONS.contains(name)) {
                throw new Main.UsageException("unknown argument " + Main.withoutValue(arg));
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
                    WebhookPoster.secret(options.get(WebhookPoster.SECRET_FILE), terminal));
            return new DatabaseReplay(jdbcUrl, options.getOrDefault("--table-prefix", DEFAULT_PREFIX), poster, clock)
                    .run(terminal);
        }
        if (options.containsKey("--table-prefix")) {
            throw new Main.UsageException("--table-prefix goes with --jdbc-url");
        }
        if (inboxDir == null) {
            throw new Main.UsageException("no --inbox or --jdbc-url to replay from");
        }
        Path root = Path.of(inboxDir);
        if (!Files.isDirectory(root.resolve("failed"))) {
            throw new Main.UsageException(inboxDir + " is not an inbox (it has no failed/ directory)");
        }
        WebhookPoster poster = new WebhookPoster(WebhookPoster.parseUrl(options.get("--url")),
                WebhookPoster.secret(options.get(WebhookPoster.SECRET_FILE), terminal));
        try (DirectoryStore store = DirectoryStore.visit(root, clock)) {
            return new StoreReplay(store, poster, clock).run(terminal);
        } catch (IOException | DeliveryStore.StoreException e) {
            terminal.err().println("postcall replay: cannot replay " + root + ": " + e.getMessage());
            return Main.UNREACHABLE;
        }
    }
}
