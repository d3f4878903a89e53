package dev.postcall.servlet;

import dev.postcall.internal.config.Formats;
import dev.postcall.internal.delivery.InMemoryDeliveryLedger;
import dev.postcall.spi.DeliveryLedger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The servlet's init-params: what becomes of a verified delivery. Parsed and checked once; every problem is collected
 * so one message lists them all.
 *
 * @param inboxDir         the write-ahead directory, or {@code null} for none
 * @param rejectOnFailure  whether a handler failure is answered 500 (else 200, the delivery being kept in the inbox)
 * @param ledger           recognises deliveries already handled, or {@code null} for none
 * @param duplicateWait    how long a delivery waits for a concurrent one of the same event
 * @param ledgerSetting    the {@code delivery-ledger} setting, as the start-up line shows it
 * @param acceptedLogLevel the level of the line logged for a handled or duplicate delivery
 */
record DeliverySettings(Path inboxDir, boolean rejectOnFailure, DeliveryLedger ledger, Duration duplicateWait,
                        String ledgerSetting, System.Logger.Level acceptedLogLevel) {

    static final String INBOX_DIR = "inbox-dir";
    static final String ON_HANDLER_FAILURE = "on-handler-failure";
    static final String DELIVERY_LEDGER = "delivery-ledger";
    static final String DUPLICATE_WAIT = "duplicate-wait";
    static final String DELIVERY_LOG_LEVEL = "delivery-log-level";
    static final List<String> NAMES = List.of(INBOX_DIR, ON_HANDLER_FAILURE, DELIVERY_LEDGER, DUPLICATE_WAIT,
            DELIVERY_LOG_LEVEL);
    static final Duration DEFAULT_DUPLICATE_WAIT = Duration.ofSeconds(30);

    /**
     * Parses init-params (name to raw value).
     *
     * @throws IllegalArgumentException listing every problem, one per line, each with its fix
     */
    static DeliverySettings parse(Map<String, String> params, ConfigSources sources) {
        List<String> problems = InitParams.unknownNames(params, "servlet", NAMES, "PostCallWebhookFilter",
                Settings.NAMES);

        Path inbox = null;
        String dir = References.value(INBOX_DIR, params, sources, problems);
        if (dir != null && !dir.isBlank()) {
            try {
                inbox = Path.of(dir.strip());
            } catch (InvalidPathException e) {
                problems.add(INBOX_DIR + ": '" + dir + "' is not a path on this system");
            }
        }

        boolean reject = inbox == null;
        String policy = References.value(ON_HANDLER_FAILURE, params, sources, problems);
        if (policy != null) {
            switch (policy.strip().toLowerCase(Locale.ROOT)) {
                case "accept":
                    reject = false;
                    if (inbox == null && dir == null) {
                        problems.add(ON_HANDLER_FAILURE + ": 'accept' needs " + INBOX_DIR + ", or a delivery the"
                                + " handlers failed on would be answered 200 and lost; set " + INBOX_DIR);
                    }
                    break;
                case "reject":
                    reject = true;
                    break;
                default:
                    problems.add(ON_HANDLER_FAILURE + ": '" + policy + "' is neither 'accept' (200, kept in the"
                            + " inbox's failed/) nor 'reject' (500, for senders that retry)");
            }
        }

        DeliveryLedger ledger = null;
        String kind = References.value(DELIVERY_LEDGER, params, sources, problems);
        String ledgerSetting = kind == null ? "memory" : kind.strip();
        if (ledgerSetting.equalsIgnoreCase("memory")) {
            ledger = new InMemoryDeliveryLedger();
        } else if (ledgerSetting.regionMatches(true, 0, "jcache:", 0, 7)) {
            String cache = ledgerSetting.substring(7).strip();
            if (cache.isEmpty()) {
                problems.add(DELIVERY_LEDGER + ": 'jcache:' needs a cache name, like jcache:postcall-deliveries");
            } else {
                try {
                    ledger = JCacheLedgers.open(cache);
                } catch (LinkageError | RuntimeException e) {
                    problems.add(DELIVERY_LEDGER + ": the JCache cache '" + cache + "' cannot be opened ("
                            + e.getClass().getSimpleName() + ": " + e.getMessage() + "); put the javax.cache API"
                            + " and a provider (Hazelcast, Infinispan, Ehcache) on the class path");
                }
            }
        } else if (!ledgerSetting.equalsIgnoreCase("off")) {
            problems.add(DELIVERY_LEDGER + ": '" + ledgerSetting + "' is not one of memory (the default), off,"
                    + " jcache:<cache name>");
        }

        Duration wait = Formats.duration(DUPLICATE_WAIT, References.value(DUPLICATE_WAIT, params, sources, problems),
                DEFAULT_DUPLICATE_WAIT, problems);

        System.Logger.Level accepted = System.Logger.Level.INFO;
        String level = References.value(DELIVERY_LOG_LEVEL, params, sources, problems);
        if (level != null) {
            switch (level.strip().toLowerCase(Locale.ROOT)) {
                case "info" -> accepted = System.Logger.Level.INFO;
                case "debug" -> accepted = System.Logger.Level.DEBUG;
                default -> problems.add(DELIVERY_LOG_LEVEL + ": '" + level + "' is neither 'info' (the default: a"
                        + " line per handled delivery) nor 'debug' (handled deliveries logged at DEBUG; failures"
                        + " stay at WARNING and ERROR)");
            }
        }

        InitParams.failOn(problems, "PostCallWebhookServlet");
        return new DeliverySettings(inbox, reject, ledger, wait, ledgerSetting.toLowerCase(Locale.ROOT)
                .startsWith("jcache:") ? "jcache:" + ledgerSetting.substring(7).strip()
                : ledgerSetting.toLowerCase(Locale.ROOT), accepted);
    }

    /** The settings as the start-up line shows them. */
    @Override
    public String toString() {
        return INBOX_DIR + "=" + (inboxDir == null ? "none" : inboxDir.toString())
                + ", " + ON_HANDLER_FAILURE + "=" + (rejectOnFailure ? "reject" : "accept")
                + ", " + DELIVERY_LEDGER + "=" + ledgerSetting + ", " + DUPLICATE_WAIT + "=" + duplicateWait
                + ", " + DELIVERY_LOG_LEVEL + "=" + acceptedLogLevel.getName().toLowerCase(Locale.ROOT);
    }
}
