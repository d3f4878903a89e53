package dev.postcall.servlet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.postcall.internal.config.Formats;
import dev.postcall.internal.net.IpAllowlist;

/**
 * The filter's init-params, parsed and checked once into this value. Every problem is collected so one message can
 * list them all; values go through {@link References} and {@link Formats}.
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
    static final List<String> NAMES = List.of(
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
        List<String> problems = InitParams.unknownNames(params, "filter", NAMES, "PostCallWebhookServlet",
                DeliverySettings.NAMES);

        List<String> secrets = secrets(params, sources, problems);
        Duration tolerance = Formats.duration(TOLERANCE, References.value(TOLERANCE, params, sources, problems),
                DEFAULT_TOLERANCE, problems);
        Duration futureSkew = Formats.duration(FUTURE_SKEW, References.value(FUTURE_SKEW, params, sources, problems),
                DEFAULT_FUTURE_SKEW, problems);

        IpAllowlist allowlist = null;
        String allow = References.value(IP_ALLOWLIST, params, sources, problems);
        try {
            allowlist = IpAllowlist.parse(allow == null ? "off" : allow);
        } catch (IllegalArgumentException e) {
            problems.add(IP_ALLOWLIST + ": " + e.getMessage());
        }

        IpAllowlist trusted = null;
        String proxies = References.value(TRUSTED_PROXIES, params, sources, problems);
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

        long maxBody = Formats.size(MAX_BODY_SIZE, References.value(MAX_BODY_SIZE, params, sources, problems),
                DEFAULT_MAX_BODY_SIZE, problems);
        if (maxBody == 0) {
            problems.add(MAX_BODY_SIZE + ": must be at least 1 byte");
        }
        long threshold = Formats.size(MEMORY_THRESHOLD, References.value(MEMORY_THRESHOLD, params, sources,
                problems), DEFAULT_MEMORY_THRESHOLD, problems);
        if (threshold > LARGEST_ARRAY) {
            problems.add(MEMORY_THRESHOLD + ": at most " + LARGEST_ARRAY + " bytes (one array); larger bodies"
                    + " belong in a temp file");
        }

        InitParams.failOn(problems, "PostCallWebhookFilter");
        return new Settings(secrets, tolerance, futureSkew, allowlist, trusted, maxBody, (int) threshold);
    }

    private static List<String> secrets(Map<String, String> params, ConfigSources sources, List<String> problems) {
        String raw;
        String origin;
        if (params.containsKey(SECRET)) {
            raw = References.value(SECRET, params, sources, problems);
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
        List<String> entries = Formats.entries(raw);
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).isEmpty()) {
                problems.add(SECRET + ": entry " + (i + 1) + " of " + origin
                        + " is empty; separate several secrets with single commas");
            } else {
                secrets.add(entries.get(i));
            }
        }
        return secrets;
    }
}
