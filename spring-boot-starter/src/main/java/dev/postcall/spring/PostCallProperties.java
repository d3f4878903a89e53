package dev.postcall.spring;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code postcall.*} settings of a Spring Boot application: where the webhook is received and everything the
 * filter and the servlet of {@code postcall-servlet} know as init-params, under the same names, but for the database
 * inbox's: {@code postcall.inbox.store=jdbc} (init-param {@code inbox=datasource}, over the application's
 * {@code DataSource} bean) and {@code postcall.inbox.create-schema}, {@code .table-prefix}, {@code .retention},
 * {@code .takeover-after}, {@code .node-id} (init-params {@code inbox-create-schema}, ...), the starter's own
 * {@code postcall.inbox.transactional-listeners}, and backfill's, {@code postcall.backfill.api-key},
 * {@code .base-url}, {@code .interval}, {@code .lookback}, {@code .agents}, {@code .audio} (init-params
 * {@code backfill-api-key}, ...; see {@link Backfill}). Relaxed binding
 * applies, so {@code application.yml} and environment variables ({@code POSTCALL_SECRET},
 * {@code POSTCALL_IP_ALLOWLIST}, {@code POSTCALL_INBOX_STORE}) work as well.
 *
 * <p>Values are kept as written and checked by the same parser as a {@code web.xml}, once, when the web server
 * starts: a bad value anywhere stops the application with one message that lists every problem and its fix.
 * Durations take {@code 30m}, {@code 90s}, {@code 1h}, {@code 500ms} or ISO-8601 ({@code PT30M}); sizes take bytes
 * or {@code 512KB}, {@code 10MB}, {@code 256MB}, {@code 1GB} (1024-based, as in Spring).
 *
 * <pre>{@code
 * postcall.secret=${ELEVENLABS_WEBHOOK_SECRET}
 * postcall.path=/elevenlabs/webhook
 * postcall.ip-allowlist=elevenlabs
 * postcall.inbox.store=jdbc
 * postcall.backfill.api-key=${ELEVENLABS_API_KEY}
 * }</pre>
 */
@ConfigurationProperties(prefix = "postcall")
public final class PostCallProperties {

    /** Whether postcall receives webhooks at all; false registers nothing. */
    private boolean enabled = true;

    /**
     * The webhook secret ElevenLabs shows for the endpoint (wsec_...); several, comma-separated, while rotating.
     * When unset, the environment variable ELEVENLABS_WEBHOOK_SECRET is used. Write ${NAME} to take it from the
     * environment.
     */
    private List<String> secret;

    /** The path the webhook is received at: the filter and the servlet are mapped to it. */
    private String path = "/elevenlabs/webhook";

    /** How old a signature's timestamp may be, like 30m or PT30M. */
    private String tolerance = "30m";

    /** How far ahead of this clock a signature's timestamp may be. */
    private String futureSkew = "5m";

    /**
     * Which senders are let in: off (anyone), elevenlabs (every documented ElevenLabs egress address, residency
     * regions included), IPv4/IPv6 addresses and CIDRs, or a mix.
     */
    private List<String> ipAllowlist = new ArrayList<>(List.of("off"));

    /**
     * Addresses or CIDRs of the reverse proxies in front of the application; behind one of them the sender is read
     * from X-Forwarded-For, right to left. None by default.
     */
    private List<String> trustedProxies;

    /** The largest body accepted; larger ones are answered 413, chunked ones as soon as the limit is crossed. */
    private String maxBodySize = "256MB";

    /** Bodies larger than this are buffered in a temp file, deleted when the request ends. */
    private String memoryThreshold = "1MB";

    /**
     * A write-ahead directory: each verified delivery is stored (fsynced) before it is published and removed once
     * handled; what a listener fails on stays in its failed/ folder for replay. None by default. Setting it makes
     * postcall.inbox.store default to file.
     */
    private String inboxDir;

    /** Where verified deliveries are kept: postcall.inbox.store and the database inbox's settings. */
    private final Inbox inbox = new Inbox();

    /** Backfill from ElevenLabs' Conversations API and the watch on the webhook's state at ElevenLabs. */
    private final Backfill backfill = new Backfill();

    /**
     * What a listener's failure is answered with: accept (200, the delivery kept in the inbox's failed/ folder) or
     * reject (500, for senders that retry). Defaults to accept with an inbox-dir, else reject.
     */
    private String onHandlerFailure;

    /**
     * How deliveries already handled are recognised without a store that keeps them: memory (this node, the
     * default) or off. Not with postcall.inbox.store (the directory and the database claim keys themselves).
     */
    private String deliveryLedger;

    /** How long a delivery waits for a concurrent delivery of the same event before answering 503. */
    private String duplicateWait = "30s";

    /** Creates the settings with their defaults; Spring binds them. */
    public PostCallProperties() {
    }

    /** @return whether postcall is on */
    public boolean isEnabled() {
        return enabled;
    }

    /** @param enabled whether postcall is on */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** @return the secrets, or {@code null} to read the environment variable ELEVENLABS_WEBHOOK_SECRET */
    public List<String> getSecret() {
        return secret;
    }

    /** @param secret one or more secrets */
    public void setSecret(List<String> secret) {
        this.secret = secret;
    }

    /** @return the path the filter and servlet are mapped to */
    public String getPath() {
        return path;
    }

    /** @param path the path the filter and servlet are mapped to */
    public void setPath(String path) {
        this.path = path;
    }

    /** @return the signature tolerance, as written */
    public String getTolerance() {
        return tolerance;
    }

    /** @param tolerance the signature tolerance */
    public void setTolerance(String tolerance) {
        this.tolerance = tolerance;
    }

    /** @return the allowed clock skew ahead, as written */
    public String getFutureSkew() {
        return futureSkew;
    }

    /** @param futureSkew the allowed clock skew ahead */
    public void setFutureSkew(String futureSkew) {
        this.futureSkew = futureSkew;
    }

    /** @return the allowlist entries */
    public List<String> getIpAllowlist() {
        return ipAllowlist;
    }

    /** @param ipAllowlist the allowlist entries */
    public void setIpAllowlist(List<String> ipAllowlist) {
        this.ipAllowlist = ipAllowlist;
    }

    /** @return the trusted proxies, or {@code null} for none */
    public List<String> getTrustedProxies() {
        return trustedProxies;
    }

    /** @param trustedProxies the trusted proxies */
    public void setTrustedProxies(List<String> trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    /** @return the largest body accepted, as written */
    public String getMaxBodySize() {
        return maxBodySize;
    }

    /** @param maxBodySize the largest body accepted */
    public void setMaxBodySize(String maxBodySize) {
        this.maxBodySize = maxBodySize;
    }

    /** @return the size above which a body goes to a temp file, as written */
    public String getMemoryThreshold() {
        return memoryThreshold;
    }

    /** @param memoryThreshold the size above which a body goes to a temp file */
    public void setMemoryThreshold(String memoryThreshold) {
        this.memoryThreshold = memoryThreshold;
    }

    /** @return the inbox directory, or {@code null} for none */
    public String getInboxDir() {
        return inboxDir;
    }

    /** @param inboxDir the inbox directory */
    public void setInboxDir(String inboxDir) {
        this.inboxDir = inboxDir;
    }

    /** @return accept, reject, or {@code null} for the default */
    public String getOnHandlerFailure() {
        return onHandlerFailure;
    }

    /** @param onHandlerFailure accept or reject */
    public void setOnHandlerFailure(String onHandlerFailure) {
        this.onHandlerFailure = onHandlerFailure;
    }

    /** @return the inbox's settings, bound from {@code postcall.inbox.*} */
    public Inbox getInbox() {
        return inbox;
    }

    /** @return backfill's settings, bound from {@code postcall.backfill.*} */
    public Backfill getBackfill() {
        return backfill;
    }

    /** @return the delivery ledger setting, or {@code null} for the default (memory) */
    public String getDeliveryLedger() {
        return deliveryLedger;
    }

    /** @param deliveryLedger memory or off */
    public void setDeliveryLedger(String deliveryLedger) {
        this.deliveryLedger = deliveryLedger;
    }

    /** @return how long a duplicate waits, as written */
    public String getDuplicateWait() {
        return duplicateWait;
    }

    /** @param duplicateWait how long a duplicate waits */
    public void setDuplicateWait(String duplicateWait) {
        this.duplicateWait = duplicateWait;
    }

    /**
     * {@code postcall.inbox.*}: which store keeps verified deliveries, and the database inbox's settings (the
     * servlet's {@code inbox-*} init-params).
     */
    public static final class Inbox {

        /**
         * Where verified deliveries are kept: none (the default), file (the directory postcall.inbox-dir; the
         * default when that is set) or jdbc (the application's DataSource, shared by every node: one insert is the
         * write-ahead record and the cluster-wide claim; not with postcall.delivery-ledger).
         */
        private String store;

        /** With store=jdbc: true creates the two tables at start-up when they are missing; false (the default) needs them. */
        private String createSchema;

        /**
         * With store=jdbc: the prefix of the tables' names, which are PREFIXdelivery and PREFIXbody_chunk
         * (postcall_ by default); may name a schema (app.postcall_).
         */
        private String tablePrefix;

        /** With store=jdbc: how long a handled delivery's key is remembered before its row is pruned (2h by default). */
        private String retention;

        /**
         * With store=jdbc: how long a claim may go without its node keeping it alive before another node takes it
         * over (its node died); the node handling a delivery keeps its claim alive however long its listeners run
         * (10m by default).
         */
        private String takeoverAfter;

        /**
         * With store=jdbc: this node's unique, stable name (host or pod name, like ${HOSTNAME}): its next start moves
         * what it was dispatching when it died to failed at once. None (random per start) by default.
         */
        private String nodeId;

        /**
         * With store=jdbc: true runs the synchronous listeners of each delivery in one Spring transaction on the
         * inbox's DataSource, which also marks the delivery handled: @Transactional work of theirs on that DataSource
         * joins it, so their work and the record that the delivery was handled commit together (handled once in
         * effect, whenever a node dies). False (the default): each listener's work commits on its own, and postcall
         * records the delivery afterwards.
         */
        private String transactionalListeners;

        /** Created with the rest of the settings; Spring binds it. */
        public Inbox() {
        }

        /** @return true or false as written, or {@code null} for the default */
        public String getTransactionalListeners() {
            return transactionalListeners;
        }

        /** @param transactionalListeners whether the listeners run in the delivery's transaction */
        public void setTransactionalListeners(String transactionalListeners) {
            this.transactionalListeners = transactionalListeners;
        }

        /** @return none, file, jdbc, or {@code null} for the default */
        public String getStore() {
            return store;
        }

        /** @param store none, file or jdbc */
        public void setStore(String store) {
            this.store = store;
        }

        /** @return true or false as written, or {@code null} for the default */
        public String getCreateSchema() {
            return createSchema;
        }

        /** @param createSchema whether the tables are created at start-up */
        public void setCreateSchema(String createSchema) {
            this.createSchema = createSchema;
        }

        /** @return the tables' prefix, or {@code null} for the default */
        public String getTablePrefix() {
            return tablePrefix;
        }

        /** @param tablePrefix the tables' prefix */
        public void setTablePrefix(String tablePrefix) {
            this.tablePrefix = tablePrefix;
        }

        /** @return how long a handled key is remembered, as written */
        public String getRetention() {
            return retention;
        }

        /** @param retention how long a handled key is remembered */
        public void setRetention(String retention) {
            this.retention = retention;
        }

        /** @return the take-over age of a claim, as written */
        public String getTakeoverAfter() {
            return takeoverAfter;
        }

        /** @param takeoverAfter the take-over age of a claim */
        public void setTakeoverAfter(String takeoverAfter) {
            this.takeoverAfter = takeoverAfter;
        }

        /** @return this node's name, or {@code null} for none */
        public String getNodeId() {
            return nodeId;
        }

        /** @param nodeId this node's unique, stable name */
        public void setNodeId(String nodeId) {
            this.nodeId = nodeId;
        }
    }

    /**
     * {@code postcall.backfill.*}: backfill from ElevenLabs' Conversations API (the servlet's {@code backfill-*}
     * init-params). With an API key, every interval the conversations no webhook delivered are fetched and published
     * as backfilled events ({@code event.backfilled()} is true), and the webhook's state at ElevenLabs shows in health
     * and the meters. Needs postcall.inbox-dir or postcall.inbox.store=jdbc.
     */
    public static final class Backfill {

        /**
         * An ElevenLabs API key that may read conversations (and the workspace's webhooks, for the watch); none (the
         * default) switches backfill off. Write ${ELEVENLABS_API_KEY} to take it from the environment; it is never
         * logged.
         */
        private String apiKey;

        /**
         * The API's root: https://api.elevenlabs.io by default, or us, eu, in, sg for the data-residency ones, or a
         * URL (plain http only to localhost, for a stand-in).
         */
        private String baseUrl;

        /** Time between backfill runs, at least 10s (5m by default). */
        private String interval;

        /**
         * How far back the first run looks, and how far before the watermark every run looks again (1d by default).
         */
        private String lookback;

        /** The agent ids to backfill; every agent by default. */
        private List<String> agents;

        /**
         * Whether each backfilled call's recording is fetched too and published as a backfilled AudioEvent, before
         * its transcription (false by default).
         */
        private String audio;

        /** Created with the rest of the settings; Spring binds it. */
        public Backfill() {
        }

        /** @return the API key, or {@code null} for none (backfill off) */
        public String getApiKey() {
            return apiKey;
        }

        /** @param apiKey the API key */
        public void setApiKey(String apiKey) {
            this.apiKey = apiKey;
        }

        /** @return the API's root, as written */
        public String getBaseUrl() {
            return baseUrl;
        }

        /** @param baseUrl the API's root, or a residency's short name */
        public void setBaseUrl(String baseUrl) {
            this.baseUrl = baseUrl;
        }

        /** @return the time between runs, as written */
        public String getInterval() {
            return interval;
        }

        /** @param interval the time between runs */
        public void setInterval(String interval) {
            this.interval = interval;
        }

        /** @return the lookback, as written */
        public String getLookback() {
            return lookback;
        }

        /** @param lookback how far back the runs look */
        public void setLookback(String lookback) {
            this.lookback = lookback;
        }

        /** @return the agent ids, or {@code null} for every agent */
        public List<String> getAgents() {
            return agents;
        }

        /** @param agents the agent ids to backfill */
        public void setAgents(List<String> agents) {
            this.agents = agents;
        }

        /** @return true or false as written, or {@code null} for the default */
        public String getAudio() {
            return audio;
        }

        /** @param audio whether recordings are fetched */
        public void setAudio(String audio) {
            this.audio = audio;
        }
    }

    /** The stores {@code postcall.inbox.store} names. */
    static final String STORE_NONE = "none";
    static final String STORE_FILE = "file";
    static final String STORE_JDBC = "jdbc";

    /**
     * Every setting, by the name the filter's and the servlet's messages give it (its init-param), to its property
     * after {@code postcall.}: the same name, but for the database inbox's, which are under {@code postcall.inbox.}.
     */
    static final Map<String, String> NAMES = names("secret", "secret", "path", "path", "tolerance", "tolerance",
            "future-skew", "future-skew", "ip-allowlist", "ip-allowlist", "trusted-proxies", "trusted-proxies",
            "max-body-size", "max-body-size", "memory-threshold", "memory-threshold", "inbox-dir", "inbox-dir",
            "on-handler-failure", "on-handler-failure", "delivery-ledger", "delivery-ledger",
            "duplicate-wait", "duplicate-wait", "inbox", "inbox.store", "inbox-create-schema", "inbox.create-schema",
            "inbox-table-prefix", "inbox.table-prefix", "inbox-retention", "inbox.retention",
            "inbox-takeover-after", "inbox.takeover-after", "inbox-node-id", "inbox.node-id",
            "backfill-api-key", "backfill.api-key", "backfill-base-url", "backfill.base-url",
            "backfill-interval", "backfill.interval", "backfill-lookback", "backfill.lookback",
            "backfill-agents", "backfill.agents", "backfill-audio", "backfill.audio");
    private static final List<String> FILTER_PARAMS = List.of("secret", "tolerance", "future-skew", "ip-allowlist",
            "trusted-proxies", "max-body-size", "memory-threshold");
    private static final List<String> SERVLET_PARAMS = List.of("inbox-dir", "on-handler-failure", "delivery-ledger",
            "duplicate-wait", "backfill-api-key", "backfill-base-url", "backfill-interval", "backfill-lookback",
            "backfill-agents", "backfill-audio");
    private static final List<String> DATABASE_PARAMS = List.of("inbox-create-schema", "inbox-table-prefix",
            "inbox-retention", "inbox-takeover-after", "inbox-node-id");

    private static Map<String, String> names(String... pairs) {
        Map<String, String> names = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            names.put(pairs[i], pairs[i + 1]);
        }
        return Collections.unmodifiableMap(names);
    }

    /**
     * The store {@code postcall.inbox.store} names, lower-cased: as written, or else {@code file} when
     * {@code postcall.inbox-dir} is set and {@code none} when it is not.
     */
    String inboxStore() {
        String store = inbox.store;
        if (store == null || store.isBlank()) {
            return inboxDir == null || inboxDir.isBlank() ? STORE_NONE : STORE_FILE;
        }
        return store.strip().toLowerCase(Locale.ROOT);
    }

    /** Whether a store is configured here ({@code postcall.inbox-dir}, {@code postcall.inbox.store} or the ledger). */
    boolean inboxConfigured() {
        return !inboxStore().equals(STORE_NONE) || (deliveryLedger != null && !deliveryLedger.isBlank());
    }

    /** Whether deliveries go to the application's database. */
    boolean jdbcInbox() {
        return inboxStore().equals(STORE_JDBC);
    }

    /**
     * What is wrong with the inbox settings taken together, one line each with its fix: the servlet would read
     * some of these combinations differently or not see them at all (it is given {@code inbox=datasource} only for
     * {@code jdbc}).
     */
    List<String> inboxProblems() {
        List<String> problems = new ArrayList<>();
        String store = inboxStore();
        boolean dir = inboxDir != null && !inboxDir.isBlank();
        switch (store) {
            case STORE_NONE -> {
                if (dir) {
                    problems.add("postcall.inbox.store: 'none' but postcall.inbox-dir is set; remove one of them"
                            + " (with postcall.inbox-dir alone the store is file)");
                }
            }
            case STORE_FILE -> {
                if (!dir) {
                    problems.add("postcall.inbox.store: 'file' needs postcall.inbox-dir, the directory deliveries"
                            + " are kept in; set it, or choose postcall.inbox.store=jdbc for the application's"
                            + " database");
                }
            }
            case STORE_JDBC -> {
                if (dir) {
                    problems.add("postcall.inbox.store: 'jdbc' keeps deliveries in the database, but postcall.inbox-dir"
                            + " is set too; a delivery is kept in one inbox: remove postcall.inbox-dir");
                }
                if (deliveryLedger != null && !deliveryLedger.isBlank()) {
                    problems.add("postcall.delivery-ledger: cannot be combined with postcall.inbox.store=jdbc: the"
                            + " database's table is the delivery ledger too (one insert keeps the delivery and claims"
                            + " it for every node); remove postcall.delivery-ledger");
                }
            }
            default -> {
                if (!store.contains("${")) { // reported as a placeholder
                    problems.add("postcall.inbox.store: '" + inbox.store.strip() + "' is not one of none (the"
                            + " default), file (postcall.inbox-dir) or jdbc (the application's DataSource)");
                }
            }
        }
        if (!store.equals(STORE_JDBC)) {
            Map<String, String> database = new LinkedHashMap<>(settings());
            database.keySet().retainAll(DATABASE_PARAMS);
            for (String name : database.keySet()) {
                problems.add("postcall." + NAMES.get(name) + ": only the database inbox has it; set postcall.inbox.store=jdbc"
                        + " too, or remove it");
            }
        }
        return problems;
    }

    /**
     * Whether the listeners run in the delivery's transaction ({@code postcall.inbox.transactional-listeners}), a
     * setting of the starter's alone (no init-param); a line added to {@code problems} for a value that is neither
     * true nor false, or one set without {@code postcall.inbox.store=jdbc}.
     */
    boolean transactionalListeners(List<String> problems) {
        String value = inbox.transactionalListeners;
        if (value == null || value.isBlank()) {
            return false;
        }
        boolean on;
        switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> on = true;
            case "false" -> on = false;
            default -> {
                problems.add("postcall.inbox.transactional-listeners: '" + value.strip() + "' is neither true (the"
                        + " listeners run in the delivery's transaction) nor false (the default)");
                return false;
            }
        }
        if (on && !jdbcInbox()) {
            problems.add("postcall.inbox.transactional-listeners: only the database inbox has a transaction to run the"
                    + " listeners in; set postcall.inbox.store=jdbc too, or remove it");
            return false;
        }
        return on;
    }

    /** The filter's init-params these settings stand for; settings left unset are left out. */
    Map<String, String> filterParams() {
        return params(FILTER_PARAMS);
    }

    /**
     * The servlet's init-params these settings stand for; settings left unset are left out. With
     * {@code postcall.inbox.store=jdbc}: {@code inbox=datasource} and the database inbox's own, the DataSource being
     * the servlet-context attribute the registration sets.
     */
    Map<String, String> servletParams() {
        if (!jdbcInbox()) {
            return params(SERVLET_PARAMS);
        }
        List<String> names = new ArrayList<>(SERVLET_PARAMS);
        names.addAll(DATABASE_PARAMS);
        Map<String, String> params = new LinkedHashMap<>();
        params.put("inbox", "datasource");
        params.putAll(params(names));
        return params;
    }

    /**
     * The settings whose value still holds a {@code ${...}}: Spring Boot binds a placeholder it cannot resolve as
     * it is written (an unset environment variable, say). Such a setting is left out of the init-params, whose own
     * {@code ${...}} syntax would read it differently, and reported here; only the placeholder is named.
     */
    List<String> unresolvedPlaceholders() {
        List<String> problems = new ArrayList<>();
        settings().forEach((name, value) -> {
            int open = value.indexOf("${");
            if (open >= 0) {
                int close = value.indexOf('}', open);
                String placeholder = close < 0 ? value.substring(open) : value.substring(open, close + 1);
                String key = placeholder.substring(2, close < 0 ? placeholder.length() : placeholder.length() - 1);
                problems.add("postcall." + NAMES.get(name) + ": " + placeholder + " is not set; set the environment variable"
                        + " or property " + key + ", or give a default: ${" + key + ":...}");
            }
        });
        return problems;
    }

    /**
     * Every setting that is set, by its name (the init-param's; the property after {@code postcall.} is
     * {@link #NAMES}' value for it).
     */
    private Map<String, String> settings() {
        Map<String, String> all = new LinkedHashMap<>();
        put(all, "secret", joined(secret));
        put(all, "path", path);
        put(all, "tolerance", tolerance);
        put(all, "future-skew", futureSkew);
        put(all, "ip-allowlist", joined(ipAllowlist));
        put(all, "trusted-proxies", joined(trustedProxies));
        put(all, "max-body-size", maxBodySize);
        put(all, "memory-threshold", memoryThreshold);
        put(all, "inbox-dir", inboxDir);
        put(all, "on-handler-failure", onHandlerFailure);
        put(all, "delivery-ledger", deliveryLedger);
        put(all, "duplicate-wait", duplicateWait);
        put(all, "inbox", inbox.store);
        put(all, "inbox-create-schema", inbox.createSchema);
        put(all, "inbox-table-prefix", inbox.tablePrefix);
        put(all, "inbox-retention", inbox.retention);
        put(all, "inbox-takeover-after", inbox.takeoverAfter);
        put(all, "inbox-node-id", inbox.nodeId);
        put(all, "backfill-api-key", backfill.apiKey);
        put(all, "backfill-base-url", backfill.baseUrl);
        put(all, "backfill-interval", backfill.interval);
        put(all, "backfill-lookback", backfill.lookback);
        put(all, "backfill-agents", joined(backfill.agents));
        put(all, "backfill-audio", backfill.audio);
        return all;
    }

    private Map<String, String> params(List<String> names) {
        Map<String, String> params = new LinkedHashMap<>(settings());
        params.keySet().retainAll(names);
        params.values().removeIf(value -> value.contains("${"));
        return params;
    }

    /** A list bound from {@code a,b} or from YAML, back in the comma-separated form the init-params take. */
    private static String joined(List<String> values) {
        return values == null || values.isEmpty() ? null : String.join(",", values);
    }

    private static void put(Map<String, String> params, String name, String value) {
        if (value != null && !value.isBlank()) {
            params.put(name, value);
        }
    }
}
