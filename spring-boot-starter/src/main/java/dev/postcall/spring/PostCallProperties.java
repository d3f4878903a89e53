package dev.postcall.spring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code postcall.*} settings of a Spring Boot application: where the webhook is received and everything the
 * filter and the servlet of {@code postcall-servlet} know as init-params, under the same names. Relaxed binding
 * applies, so {@code application.yml} and environment variables ({@code POSTCALL_SECRET},
 * {@code POSTCALL_IP_ALLOWLIST}) work as well.
 *
 * <p>Values are kept as written and checked by the same parser as a {@code web.xml}, once, when the web server
 * starts: a bad value anywhere stops the application with one message that lists every problem and its fix.
 * Durations take {@code 30m}, {@code 90s}, {@code 1h}, {@code 500ms} or ISO-8601 ({@code PT30M}); sizes take bytes
 * or {@code 512KB}, {@code 10MB}, {@code 256MB}, {@code 1GB} (1024-based, as in Spring).
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
     * handled; what a listener fails on stays in its failed/ folder for replay. None by default.
     */
    private String inboxDir;

    /**
     * What a listener's failure is answered with: accept (200, the delivery kept in the inbox's failed/ folder) or
     * reject (500, for senders that retry). Defaults to accept with an inbox-dir, else reject.
     */
    private String onHandlerFailure;

    /**
     * How deliveries already handled are recognised: memory (one node), jcache:NAME (a cluster sharing a JSR-107
     * cache) or off.
     */
    private String deliveryLedger = "memory";

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

    /** @return the delivery ledger setting */
    public String getDeliveryLedger() {
        return deliveryLedger;
    }

    /** @param deliveryLedger memory, off or jcache:NAME */
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

    /** The names of the settings: the filter's and the servlet's init-params, and the properties after {@code postcall.}. */
    static final List<String> NAMES = List.of("secret", "path", "tolerance", "future-skew", "ip-allowlist",
            "trusted-proxies", "max-body-size", "memory-threshold", "inbox-dir", "on-handler-failure",
            "delivery-ledger", "duplicate-wait");
    private static final List<String> FILTER_PARAMS = List.of("secret", "tolerance", "future-skew", "ip-allowlist",
            "trusted-proxies", "max-body-size", "memory-threshold");
    private static final List<String> SERVLET_PARAMS = List.of("inbox-dir", "on-handler-failure", "delivery-ledger",
            "duplicate-wait");

    /** The filter's init-params these settings stand for; settings left unset are left out. */
    Map<String, String> filterParams() {
        return params(FILTER_PARAMS);
    }

    /** The servlet's init-params these settings stand for; settings left unset are left out. */
    Map<String, String> servletParams() {
        return params(SERVLET_PARAMS);
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
                problems.add("postcall." + name + ": " + placeholder + " is not set; set the environment variable"
                        + " or property " + key + ", or give a default: ${" + key + ":...}");
            }
        });
        return problems;
    }

    /** Every setting that is set, by its name (the init-param's, and the property's after {@code postcall.}). */
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
