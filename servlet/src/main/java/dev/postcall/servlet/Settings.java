package dev.postcall.servlet;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.postcall.internal.net.IpAllowlist;

/**
 * The filter's init-params, parsed and checked once. Every problem is collected so one message can list them all.
 *
 * @param secrets        the webhook secrets, one or more (rotation)
 * @param tolerance      how old a timestamp may be
 * @param futureSkew     how far ahead a timestamp may be
 * @param ipAllowlist    the client addresses allowed in
 * @param trustedProxies the peers whose X-Forwarded-For is believed, or {@code null} for none
 * @param maxBodySize    the largest body accepted, bytes
 * @param memoryThreshold bodies larger than this are buffered in a temp file, bytes
 */
record Settings(List<String> secrets, Duration tolerance, Duration futureSkew, IpAllowlist ipAllowlist,
                IpAllowlist trustedProxies, long maxBodySize, int memoryThreshold) {

    static final String SECRET = "secret";
    static final String TOLERANCE = "tolerance";
    static final String FUTURE_SKEW = "future-skew";
    static final String IP_ALLOWLIST = "ip-allowlist";
    static final String TRUSTED_PROXIES = "trusted-proxies";
    static final String MAX_BODY_SIZE = "max-body-size";
    static final String MEMORY_THRESHOLD = "memory-threshold";
    static final Set<String> NAMES = Set.of(
            SECRET, TOLERANCE, FUTURE_SKEW, IP_ALLOWLIST, TRUSTED_PROXIES, MAX_BODY_SIZE, MEMORY_THRESHOLD);
    static final String SECRET_ENV = "ELEVENLABS_WEBHOOK_SECRET";

    static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(30);
    static final Duration DEFAULT_FUTURE_SKEW = Duration.ofMinutes(5);
    static final long DEFAULT_MAX_BODY_SIZE = 256L << 20;
    static final int DEFAULT_MEMORY_THRESHOLD = 1 << 20;
    private static final int LARGEST_ARRAY = Integer.MAX_VALUE - 8;

    Settings {
        secrets = List.copyOf(secrets);
    }

    /** Never the secrets themselves: this may end up in a log. */
    @Override
    public String toString() {
        return SECRET + "=<" + secrets.size() + (secrets.size() == 1 ? " secret>" : " secrets>")
                + ", " + TOLERANCE + "=" + tolerance + ", " + FUTURE_SKEW + "=" + futureSkew
                + ", " + IP_ALLOWLIST + "=" + ipAllowlist
                + ", " + TRUSTED_PROXIES + "=" + (trustedProxies == null ? "none" : trustedProxies.toString())
                + ", " + MAX_BODY_SIZE + "=" + maxBodySize + ", " + MEMORY_THRESHOLD + "=" + memoryThreshold;
    }

    /**
     * Parses init-params (name to raw value) into settings.
     *
     * @throws IllegalArgumentException listing every problem, one per line, each with its fix
     */
    static Settings parse(Map<String, String> params, ConfigSources sources) {
        List<String> problems = new ArrayList<>();
        for (String name : params.keySet()) {
            if (!NAMES.contains(name)) {
                problems.add("unknown init-param '" + name + "'; the filter knows " + String.join(", ",
                        List.of(SECRET, TOLERANCE, FUTURE_SKEW, IP_ALLOWLIST, TRUSTED_PROXIES, MAX_BODY_SIZE,
                                MEMORY_THRESHOLD))
                        + (DeliverySettings.NAMES.contains(name)
                                ? " ('" + name + "' belongs to PostCallWebhookServlet)" : ""));
            }
        }

        List<String> secrets = secrets(params, sources, problems);
        Duration tolerance = duration(TOLERANCE, value(TOLERANCE, params, sources, problems), DEFAULT_TOLERANCE,
                problems);
        Duration futureSkew = duration(FUTURE_SKEW, value(FUTURE_SKEW, params, sources, problems),
                DEFAULT_FUTURE_SKEW, problems);

        IpAllowlist allowlist = null;
        String allow = value(IP_ALLOWLIST, params, sources, problems);
        try {
            allowlist = IpAllowlist.parse(allow == null ? "off" : allow);
        } catch (IllegalArgumentException e) {
            problems.add(IP_ALLOWLIST + ": " + e.getMessage());
        }

        IpAllowlist trusted = null;
        String proxies = value(TRUSTED_PROXIES, params, sources, problems);
        if (proxies != null && !proxies.isBlank()) {
            if (proxies.strip().equalsIgnoreCase("off")) {
                problems.add(TRUSTED_PROXIES + ": 'off' is not a range; leave the init-param out to trust no proxy");
            } else {
                try {
                    trusted = IpAllowlist.parse(proxies);
                } catch (IllegalArgumentException e) {
                    problems.add(TRUSTED_PROXIES + ": " + e.getMessage());
                }
            }
        }

        long maxBody = size(MAX_BODY_SIZE, value(MAX_BODY_SIZE, params, sources, problems), DEFAULT_MAX_BODY_SIZE,
                problems);
        if (maxBody == 0) {
            problems.add(MAX_BODY_SIZE + ": must be at least 1 byte");
        }
        long threshold = size(MEMORY_THRESHOLD, value(MEMORY_THRESHOLD, params, sources, problems),
                DEFAULT_MEMORY_THRESHOLD, problems);
        if (threshold > LARGEST_ARRAY) {
            problems.add(MEMORY_THRESHOLD + ": at most " + LARGEST_ARRAY + " bytes (one array); larger bodies"
                    + " belong in a temp file");
        }

        if (!problems.isEmpty()) {
            StringBuilder message = new StringBuilder("PostCallWebhookFilter is not configured correctly (")
                    .append(problems.size()).append(problems.size() == 1 ? " problem):" : " problems):");
            for (String problem : problems) {
                message.append("\n - ").append(problem);
            }
            throw new IllegalArgumentException(message.toString());
        }
        return new Settings(secrets, tolerance, futureSkew, allowlist, trusted, maxBody, (int) threshold);
    }

    private static List<String> secrets(Map<String, String> params, ConfigSources sources, List<String> problems) {
        String raw;
        String origin;
        if (params.containsKey(SECRET)) {
            raw = value(SECRET, params, sources, problems);
            origin = "init-param '" + SECRET + "'";
            if (raw == null) {
                return List.of();
            }
        } else {
            raw = sources.env(SECRET_ENV);
            origin = "environment variable " + SECRET_ENV;
        }
        if (raw == null || raw.isBlank()) {
            problems.add(SECRET + ": not set; set init-param '" + SECRET + "' (for example ${env:"
                    + SECRET_ENV + "}) or environment variable " + SECRET_ENV);
            return List.of();
        }
        List<String> secrets = new ArrayList<>();
        int start = 0;
        int index = 1;
        while (start <= raw.length()) {
            int comma = raw.indexOf(',', start);
            int end = comma < 0 ? raw.length() : comma;
            String secret = raw.substring(start, end).strip();
            if (secret.isEmpty()) {
                problems.add(SECRET + ": entry " + index + " of " + origin
                        + " is empty; separate several secrets with single commas");
            } else {
                secrets.add(secret);
            }
            start = end + 1;
            index++;
        }
        return secrets;
    }

    /**
     * The init-param's value with its references resolved, {@code null} when the param is absent, or when a
     * reference could not be resolved (then a problem was added). Never puts a resolved value in a problem.
     */
    static String value(String name, Map<String, String> params, ConfigSources sources, List<String> problems) {
        String raw = params.get(name);
        if (raw == null) {
            return null;
        }
        int open = raw.indexOf("${");
        if (open < 0) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        int at = 0;
        boolean ok = true;
        while (open >= 0) {
            out.append(raw, at, open);
            int close = raw.indexOf('}', open + 2);
            if (close < 0) {
                problems.add(name + ": '${' without a closing '}'");
                return null;
            }
            String reference = raw.substring(open + 2, close);
            String resolved = resolve(name, reference, sources, problems);
            if (resolved == null) {
                ok = false;
            } else {
                out.append(resolved);
            }
            at = close + 1;
            open = raw.indexOf("${", at);
        }
        out.append(raw, at, raw.length());
        return ok ? out.toString() : null;
    }

    private static String resolve(String name, String reference, ConfigSources sources, List<String> problems) {
        int colon = reference.indexOf(':');
        String scheme = colon < 0 ? "" : reference.substring(0, colon).strip();
        String key = colon < 0 ? "" : reference.substring(colon + 1).strip();
        String shown = "${" + reference + "}";
        if (key.isEmpty()) {
            problems.add(name + ": " + shown + " names nothing; write ${env:NAME}, ${sys:name}, ${jndi:name} or"
                    + " ${mp:key}");
            return null;
        }
        String value;
        try {
            switch (scheme) {
                case "env":
                    value = sources.env(key);
                    break;
                case "sys":
                    value = sources.sys(key);
                    break;
                case "jndi":
                    value = sources.jndi(key);
                    break;
                case "mp":
                    value = sources.mp(key);
                    break;
                default:
                    problems.add(name + ": " + shown + " uses an unknown source '" + scheme
                            + "'; use env, sys, jndi or mp");
                    return null;
            }
        } catch (IllegalStateException e) {
            problems.add(name + ": " + shown + " cannot be resolved: " + e.getMessage());
            return null;
        }
        if (value == null) {
            String where = switch (scheme) {
                case "env" -> "set the environment variable " + key;
                case "sys" -> "set the system property " + key + " (-D" + key + "=…)";
                case "jndi" -> "bind " + (key.startsWith("java:") ? key : "java:comp/env/" + key) + " in the container";
                default -> "define " + key + " in MicroProfile Config";
            };
            problems.add(name + ": " + shown + " is not set; " + where);
        }
        return value;
    }

    /** ISO-8601 ({@code PT30M}) or a number with a unit: {@code ms}, {@code s}, {@code m}, {@code h}, {@code d}. */
    static Duration duration(String name, String raw, Duration fallback, List<String> problems) {
        if (raw == null) {
            return fallback;
        }
        String text = raw.strip();
        String fix = "; write PT30M, 30m, 90s, 1h or 500ms";
        Duration parsed;
        if (!text.isEmpty() && (text.charAt(0) == 'P' || text.charAt(0) == 'p' || text.charAt(0) == '-')) {
            try {
                parsed = Duration.parse(text);
            } catch (DateTimeParseException e) {
                problems.add(name + ": '" + text + "' is not a duration" + fix);
                return fallback;
            }
        } else {
            int unitAt = digitsEnd(text);
            String unit = text.substring(unitAt).strip().toLowerCase(Locale.ROOT);
            long amount = unitAt == 0 || unitAt > 12 ? -1 : Long.parseLong(text.substring(0, unitAt));
            if (amount < 0 || unit.isEmpty()) {
                problems.add(name + ": '" + text + "' is not a duration" + (unit.isEmpty() && amount >= 0
                        ? " (a number needs a unit)" : "") + fix);
                return fallback;
            }
            switch (unit) {
                case "ms":
                    parsed = Duration.ofMillis(amount);
                    break;
                case "s":
                    parsed = Duration.ofSeconds(amount);
                    break;
                case "m":
                case "min":
                    parsed = Duration.ofMinutes(amount);
                    break;
                case "h":
                    parsed = Duration.ofHours(amount);
                    break;
                case "d":
                    parsed = Duration.ofDays(amount);
                    break;
                default:
                    problems.add(name + ": '" + text + "' has an unknown unit '" + unit + "'" + fix);
                    return fallback;
            }
        }
        if (parsed.isNegative()) {
            problems.add(name + ": '" + text + "' is negative" + fix);
            return fallback;
        }
        return parsed;
    }

    /**
     * Bytes, with an optional binary unit: {@code 1048576}, {@code 512k}, {@code 1m}, {@code 256MB},
     * {@code 256MiB}, {@code 1g}. KB, MB and GB mean 1024-based units here, as they do in most server settings.
     */
    static long size(String name, String raw, long fallback, List<String> problems) {
        if (raw == null) {
            return fallback;
        }
        String text = raw.strip();
        String fix = "; write a number of bytes or one with a unit, like 1048576, 512KB, 10MB, 256MiB or 1g";
        int unitAt = digitsEnd(text);
        if (unitAt == 0 || unitAt > 18) {
            problems.add(name + ": '" + text + "' is not a size" + fix);
            return fallback;
        }
        long amount = Long.parseLong(text.substring(0, unitAt));
        String unit = text.substring(unitAt).strip().toLowerCase(Locale.ROOT);
        int shift;
        switch (unit) {
            case "":
            case "b":
                shift = 0;
                break;
            case "k":
            case "kb":
            case "kib":
                shift = 10;
                break;
            case "m":
            case "mb":
            case "mib":
                shift = 20;
                break;
            case "g":
            case "gb":
            case "gib":
                shift = 30;
                break;
            default:
                problems.add(name + ": '" + text + "' has an unknown unit '" + unit + "'" + fix);
                return fallback;
        }
        if (amount > (Long.MAX_VALUE >> shift)) {
            problems.add(name + ": '" + text + "' is too large" + fix);
            return fallback;
        }
        return amount << shift;
    }

    private static int digitsEnd(String text) {
        int i = 0;
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
        }
        return i;
    }
}
