package dev.postcall.servlet;

import dev.postcall.internal.backfill.BackfillSettings;
import dev.postcall.internal.config.Formats;
import dev.postcall.jdbc.JdbcDeliveryStore;
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
 * @param inboxDir         the directory store's directory, or {@code null} for none
 * @param database         the database store ({@code inbox=…}), or {@code null} for none
 * @param rejectOnFailure  whether a handler failure is answered 500 (else 200, the delivery being kept in the store)
 * @param recordKeys       whether handled keys are remembered ({@code delivery-ledger=memory}, the default) when
 *                         there is neither a directory nor a database; {@code false} for {@code off}
 * @param duplicateWait    how long a delivery waits for a concurrent one of the same event
 * @param ledgerSetting    the {@code delivery-ledger} setting, as the start-up line shows it
 * @param acceptedLogLevel the level of the line logged for a handled or duplicate delivery
 * @param backfill         backfill from ElevenLabs' Conversations API ({@code backfill-*}), or {@code null} when
 *                         {@code backfill-api-key} is not set
 */
record DeliverySettings(Path inboxDir, DatabaseInbox database, boolean rejectOnFailure, boolean recordKeys,
                        Duration duplicateWait, String ledgerSetting, System.Logger.Level acceptedLogLevel,
                        BackfillSettings backfill) {

    static final String INBOX_DIR = "inbox-dir";
    static final String ON_HANDLER_FAILURE = "on-handler-failure";
    static final String DELIVERY_LEDGER = "delivery-ledger";
    static final String DUPLICATE_WAIT = "duplicate-wait";
    static final String DELIVERY_LOG_LEVEL = "delivery-log-level";
    static final String INBOX = "inbox";
    static final String INBOX_CREATE_SCHEMA = "inbox-create-schema";
    static final String INBOX_TABLE_PREFIX = "inbox-table-prefix";
    static final String INBOX_RETENTION = "inbox-retention";
    static final String INBOX_TAKEOVER_AFTER = "inbox-takeover-after";
    static final String INBOX_NODE_ID = "inbox-node-id";
    static final List<String> DATABASE_NAMES = List.of(INBOX_CREATE_SCHEMA, INBOX_TABLE_PREFIX, INBOX_RETENTION,
            INBOX_TAKEOVER_AFTER, INBOX_NODE_ID);
    static final List<String> NAMES = List.of(INBOX_DIR, ON_HANDLER_FAILURE, DELIVERY_LEDGER, DUPLICATE_WAIT,
            DELIVERY_LOG_LEVEL, INBOX, INBOX_CREATE_SCHEMA, INBOX_TABLE_PREFIX, INBOX_RETENTION,
            INBOX_TAKEOVER_AFTER, INBOX_NODE_ID, BackfillSettings.API_KEY, BackfillSettings.BASE_URL,
            BackfillSettings.INTERVAL, BackfillSettings.LOOKBACK, BackfillSettings.AGENTS, BackfillSettings.AUDIO);
    /** The value of {@code inbox} that takes the DataSource from the servlet-context attribute. */
    static final String DATA_SOURCE_ATTRIBUTE_SOURCE = "datasource";
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

        DatabaseInbox database = database(params, sources, problems, dir != null && !dir.isBlank());

        boolean reject = inbox == null && database == null;
        String policy = References.value(ON_HANDLER_FAILURE, params, sources, problems);
        if (policy != null) {
            switch (policy.strip().toLowerCase(Locale.ROOT)) {
                case "accept":
                    reject = false;
                    if (inbox == null && dir == null && database == null && !params.containsKey(INBOX)) {
                        problems.add(ON_HANDLER_FAILURE + ": 'accept' needs " + INBOX_DIR + " or " + INBOX + ", or a"
                                + " delivery the handlers failed on would be answered 200 and lost; set one of them");
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

        boolean recordKeys = true;
        String kind = References.value(DELIVERY_LEDGER, params, sources, problems);
        String ledgerSetting = kind == null ? "memory" : kind.strip();
        if (params.containsKey(INBOX)) {
            // the database's unique key is the cluster-wide claim: a second ledger could only disagree with it
            if (kind != null) {
                problems.add(DELIVERY_LEDGER + ": '" + ledgerSetting + "' cannot be combined with " + INBOX + ": the"
                        + " database store claims keys itself (one insert keeps the delivery and claims it for every"
                        + " node); leave " + DELIVERY_LEDGER + " out");
            }
            ledgerSetting = INBOX;
        } else if (ledgerSetting.regionMatches(true, 0, "jcache:", 0, 7)) {
            problems.add(DELIVERY_LEDGER + ": 'jcache:' is no longer supported: a cluster keeps its deliveries in"
                    + " the database (" + INBOX + "=jndi:<DataSource name>), which claims each key for every node and"
                    + " keeps what the handlers fail on too");
        } else if (ledgerSetting.equalsIgnoreCase("off")) {
            recordKeys = false;
            if (inbox != null) {
                problems.add(DELIVERY_LEDGER + ": 'off' cannot be combined with " + INBOX_DIR + ": the directory store"
                        + " claims keys itself, so a retry takes back the delivery it kept; leave "
                        + DELIVERY_LEDGER + " out");
            }
        } else if (!ledgerSetting.equalsIgnoreCase("memory")) {
            problems.add(DELIVERY_LEDGER + ": '" + ledgerSetting + "' is not one of memory (the default) or off");
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

        BackfillSettings backfill = backfill(params, sources, problems);

        InitParams.failOn(problems, "PostCallWebhookServlet");
        return new DeliverySettings(inbox, database, reject, recordKeys, wait, ledgerSetting.toLowerCase(Locale.ROOT),
                accepted, backfill);
    }

    /**
     * The {@code backfill-*} settings, read like the secret ({@code ${env:…}}, {@code ${sys:…}}, {@code ${jndi:…}},
     * {@code ${mp:…}}); {@code null} without a key. A key whose reference cannot be resolved is one problem (said by
     * {@link References}), not one more for each other {@code backfill-*} setting.
     */
    private static BackfillSettings backfill(Map<String, String> params, ConfigSources sources,
            List<String> problems) {
        String key = References.value(BackfillSettings.API_KEY, params, sources, problems);
        if (key == null && params.containsKey(BackfillSettings.API_KEY)) {
            return null;
        }
        return BackfillSettings.parse(name -> name.equals(BackfillSettings.API_KEY) ? key
                : References.value(name, params, sources, problems), problems);
    }

    private static DatabaseInbox database(Map<String, String> params, ConfigSources sources, List<String> problems,
            boolean inboxDir) {
        String source = References.value(INBOX, params, sources, problems);
        if (source == null || source.isBlank()) {
            for (String name : DATABASE_NAMES) {
                if (params.containsKey(name)) {
                    problems.add(name + ": only a database inbox has it; set " + INBOX + "=jndi:<DataSource name>"
                            + " too, or leave it out");
                }
            }
            if (source != null) {
                problems.add(INBOX + ": empty; write jndi:java:comp/env/jdbc/postcall (a DataSource in JNDI) or "
                        + DATA_SOURCE_ATTRIBUTE_SOURCE + " (the servlet-context attribute "
                        + PostCallWebhookServlet.INBOX_DATA_SOURCE + ")");
            }
            return null;
        }
        String value = source.strip();
        String jndiName = null;
        if (value.regionMatches(true, 0, "jndi:", 0, 5)) {
            jndiName = value.substring(5).strip();
            if (jndiName.isEmpty()) {
                problems.add(INBOX + ": 'jndi:' needs the DataSource's name, like jndi:java:comp/env/jdbc/postcall");
            }
        } else if (!value.equalsIgnoreCase(DATA_SOURCE_ATTRIBUTE_SOURCE)) {
            problems.add(INBOX + ": '" + value + "' is neither jndi:<DataSource name> (like"
                    + " jndi:java:comp/env/jdbc/postcall) nor " + DATA_SOURCE_ATTRIBUTE_SOURCE + " (the DataSource in"
                    + " the servlet-context attribute " + PostCallWebhookServlet.INBOX_DATA_SOURCE + ")");
        }
        if (inboxDir) {
            problems.add(INBOX + " and " + INBOX_DIR + ": a delivery is kept in one inbox; choose the database ("
                    + INBOX + ", shared by the cluster) or the directory (" + INBOX_DIR + ", this node's)");
        }
        JdbcDeliveryStore.Options.Builder options = JdbcDeliveryStore.options();
        String create = References.value(INBOX_CREATE_SCHEMA, params, sources, problems);
        if (create != null) {
            switch (create.strip().toLowerCase(Locale.ROOT)) {
                case "true" -> options.createSchema(true);
                case "false" -> options.createSchema(false);
                default -> problems.add(INBOX_CREATE_SCHEMA + ": '" + create + "' is neither 'true' (create the"
                        + " tables at start-up when missing) nor 'false' (the default: they must exist)");
            }
        }
        String prefix = References.value(INBOX_TABLE_PREFIX, params, sources, problems);
        if (prefix != null) {
            options.tablePrefix(prefix.strip());
        }
        JdbcDeliveryStore.Options defaults = JdbcDeliveryStore.options().build();
        options.retention(Formats.duration(INBOX_RETENTION, References.value(INBOX_RETENTION, params, sources,
                problems), defaults.retention(), problems));
        options.takeoverAfter(Formats.duration(INBOX_TAKEOVER_AFTER, References.value(INBOX_TAKEOVER_AFTER, params,
                sources, problems), defaults.takeoverAfter(), problems));
        String node = References.value(INBOX_NODE_ID, params, sources, problems);
        if (node != null && !node.isBlank()) {
            options.nodeId(node.strip());
        }
        try {
            JdbcDeliveryStore.Options built = options.build();
            return jndiName != null && jndiName.isEmpty() ? null : new DatabaseInbox(jndiName, built);
        } catch (IllegalArgumentException e) {
            problems.add(INBOX + ": " + e.getMessage());
            return null;
        }
    }

    /**
     * The database inbox's settings.
     *
     * @param jndiName where to look the DataSource up, or {@code null} to take it from the servlet-context attribute
     *                 {@link PostCallWebhookServlet#INBOX_DATA_SOURCE}
     * @param options  the store's options
     */
    record DatabaseInbox(String jndiName, JdbcDeliveryStore.Options options) {

        /** The {@code inbox} setting as the log shows it. */
        String source() {
            return jndiName == null ? DATA_SOURCE_ATTRIBUTE_SOURCE : "jndi:" + jndiName;
        }

        @Override
        public String toString() {
            return INBOX + "=" + source() + ", " + INBOX_TABLE_PREFIX + "=" + options.tablePrefix()
                    + ", " + INBOX_CREATE_SCHEMA + "=" + options.createSchema()
                    + ", " + INBOX_RETENTION + "=" + options.retention()
                    + ", " + INBOX_TAKEOVER_AFTER + "=" + options.takeoverAfter()
                    + ", " + INBOX_NODE_ID + "=" + (options.nodeId() == null ? "none" : options.nodeId());
        }
    }

    /** The settings as the start-up line shows them. */
    @Override
    public String toString() {
        return (database != null ? database.toString()
                : INBOX_DIR + "=" + (inboxDir == null ? "none" : inboxDir.toString()))
                + ", " + ON_HANDLER_FAILURE + "=" + (rejectOnFailure ? "reject" : "accept")
                + ", " + DELIVERY_LEDGER + "=" + ledgerSetting + ", " + DUPLICATE_WAIT + "=" + duplicateWait
                + ", " + DELIVERY_LOG_LEVEL + "=" + acceptedLogLevel.getName().toLowerCase(Locale.ROOT)
                + ", backfill=" + (backfill == null ? "off" : "on (" + BackfillSettings.BASE_URL + "="
                + backfill.baseUrl() + ", " + BackfillSettings.INTERVAL + "=" + backfill.interval() + ", "
                + BackfillSettings.LOOKBACK + "=" + backfill.lookback() + ", " + BackfillSettings.AGENTS + "="
                + (backfill.agents().isEmpty() ? "all" : String.join(",", backfill.agents())) + ", "
                + BackfillSettings.AUDIO + "=" + backfill.audio() + ")");
    }
}
