package dev.postcall.internal.backfill;

import dev.postcall.internal.config.Formats;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Backfill's settings, parsed once at start-up. Without {@code backfill-api-key} backfill and the webhook watch are
 * off, and nothing of this runs.
 *
 * <table>
 *   <caption>init-params</caption>
 *   <tr><th>name</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code backfill-api-key}</td><td>none: off</td><td>an ElevenLabs API key that may read conversations
 *       (and, for the watch, the workspace's webhooks)</td></tr>
 *   <tr><td>{@code backfill-base-url}</td><td>{@code https://api.elevenlabs.io}</td><td>the API's root: a URL, or
 *       {@code us}, {@code eu}, {@code in}, {@code sg} for the data-residency ones</td></tr>
 *   <tr><td>{@code backfill-interval}</td><td>{@code PT5M}</td><td>time between runs, at least 10 s</td></tr>
 *   <tr><td>{@code backfill-lookback}</td><td>{@code P1D}</td><td>how far back the first run looks, and how far
 *       before the watermark every run looks again</td></tr>
 *   <tr><td>{@code backfill-agents}</td><td>every agent</td><td>comma-separated agent ids to backfill</td></tr>
 *   <tr><td>{@code backfill-audio}</td><td>{@code false}</td><td>{@code true} fetches each backfilled call's
 *       recording too, as an {@code AudioEvent}</td></tr>
 * </table>
 *
 * @param apiKey   the {@code xi-api-key}; {@link #toString()} never shows it
 * @param baseUrl  the API's root, without a trailing slash
 * @param interval time between scheduled runs
 * @param lookback the first run's window, and the margin before the watermark every run looks at again
 * @param agents   the agent ids to backfill; empty for every agent
 * @param audio    whether recordings are fetched
 */
public record BackfillSettings(String apiKey, URI baseUrl, Duration interval, Duration lookback, List<String> agents,
                               boolean audio) {

    /** The API key's init-param. */
    public static final String API_KEY = "backfill-api-key";
    /** The base URL's init-param. */
    public static final String BASE_URL = "backfill-base-url";
    /** The interval's init-param. */
    public static final String INTERVAL = "backfill-interval";
    /** The lookback's init-param. */
    public static final String LOOKBACK = "backfill-lookback";
    /** The agents' init-param. */
    public static final String AGENTS = "backfill-agents";
    /** The audio switch's init-param. */
    public static final String AUDIO = "backfill-audio";
    /** Every name above. */
    public static final List<String> NAMES = List.of(API_KEY, BASE_URL, INTERVAL, LOOKBACK, AGENTS, AUDIO);

    /** Five minutes. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);
    /** One day. */
    public static final Duration DEFAULT_LOOKBACK = Duration.ofDays(1);
    /** Runs closer together than this would spend the key's concurrency on little. */
    static final Duration SHORTEST_INTERVAL = Duration.ofSeconds(10);

    /** The SDK's environments other than the default: the US one and the data-residency ones. */
    public static final Map<String, URI> RESIDENCIES = Map.of(
            "us", URI.create("https://api.us.elevenlabs.io"),
            "eu", URI.create("https://api.eu.residency.elevenlabs.io"),
            "in", URI.create("https://api.in.residency.elevenlabs.io"),
            "sg", URI.create("https://api.sg.residency.elevenlabs.io"));

    /** Copies the list; checks nothing else (see {@link #parse}). */
    public BackfillSettings {
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(lookback, "lookback");
        agents = List.copyOf(agents);
    }

    /**
     * Parses the settings from {@code values} (an init-param's value, with references already resolved, or
     * {@code null} when it is not set), adding one line to {@code problems} for each bad value; the API key is never
     * quoted.
     *
     * <pre>{@code
     * List<String> problems = new ArrayList<>();
     * BackfillSettings backfill = BackfillSettings.parse(params::get, problems);
     * // backfill == null: no key, backfill off; problems not empty: refuse to start
     * }</pre>
     *
     * @return the settings, or {@code null} when {@code backfill-api-key} is not set (backfill off) or a value is bad
     */
    public static BackfillSettings parse(Function<String, String> values, List<String> problems) {
        int before = problems.size();
        String key = values.apply(API_KEY);
        if (key == null) {
            for (String name : NAMES) {
                if (values.apply(name) != null) {
                    problems.add(name + ": set, but " + API_KEY + " is not; backfill runs only with an API key: set "
                            + API_KEY + " (for example ${env:ELEVENLABS_API_KEY}) or remove " + name);
                }
            }
            return null;
        }
        key = key.strip();
        if (key.isEmpty()) {
            problems.add(API_KEY + ": empty; set an ElevenLabs API key, or remove it to switch backfill off");
        } else if (key.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            problems.add(API_KEY + ": contains a space or a control character (a copying mistake?); the key itself"
                    + " is not shown");
        }
        URI base = baseUrl(values.apply(BASE_URL), problems);
        Duration interval = Formats.duration(INTERVAL, values.apply(INTERVAL), DEFAULT_INTERVAL, problems);
        if (interval.compareTo(SHORTEST_INTERVAL) < 0) {
            problems.add(INTERVAL + ": at least " + SHORTEST_INTERVAL.toSeconds() + "s; write PT5M or 5m");
        }
        Duration lookback = Formats.duration(LOOKBACK, values.apply(LOOKBACK), DEFAULT_LOOKBACK, problems);
        if (lookback.isZero()) {
            problems.add(LOOKBACK + ": must be longer than 0; write P1D or 24h");
        }
        List<String> agents = agents(values.apply(AGENTS), problems);
        boolean audio = false;
        String rawAudio = values.apply(AUDIO);
        if (rawAudio != null) {
            String text = rawAudio.strip().toLowerCase(Locale.ROOT);
            if (text.equals("true")) {
                audio = true;
            } else if (!text.equals("false")) {
                problems.add(AUDIO + ": '" + rawAudio.strip() + "' is neither true nor false");
            }
        }
        return problems.size() > before ? null : new BackfillSettings(key, base, interval, lookback, agents, audio);
    }

    private static URI baseUrl(String raw, List<String> problems) {
        if (raw == null) {
            return ElevenLabsApi.DEFAULT_BASE_URL;
        }
        String text = raw.strip();
        URI residency = RESIDENCIES.get(text.toLowerCase(Locale.ROOT));
        if (residency != null) {
            return residency;
        }
        String fix = "; write a URL such as " + ElevenLabsApi.DEFAULT_BASE_URL + ", or one of "
                + String.join(", ", new java.util.TreeSet<>(RESIDENCIES.keySet())) + " for a residency";
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            problems.add(BASE_URL + ": '" + text + "' is not a URL" + fix);
            return ElevenLabsApi.DEFAULT_BASE_URL;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            problems.add(BASE_URL + ": '" + text + "' is not an http(s) URL with a host" + fix);
            return ElevenLabsApi.DEFAULT_BASE_URL;
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            problems.add(BASE_URL + ": '" + text + "' has a query, a fragment or a user name; give the root only"
                    + fix);
            return ElevenLabsApi.DEFAULT_BASE_URL;
        }
        if (scheme.equals("http") && !loopback(uri.getHost())) {
            problems.add(BASE_URL + ": '" + text + "' is plain http to another machine, which would send the API key"
                    + " in clear text; use https (plain http only to localhost, for a test stand-in)");
            return ElevenLabsApi.DEFAULT_BASE_URL;
        }
        String url = uri.toString();
        return URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    }

    private static boolean loopback(String host) {
        return host.equalsIgnoreCase("localhost") || host.startsWith("127.") || host.equals("[::1]");
    }

    private static List<String> agents(String raw, List<String> problems) {
        if (raw == null) {
            return List.of();
        }
        List<String> entries = Formats.entries(raw);
        LinkedHashSet<String> agents = new LinkedHashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            String agent = entries.get(i);
            if (agent.isEmpty()) {
                problems.add(AGENTS + ": entry " + (i + 1) + " of " + entries.size() + " is empty; write agent ids"
                        + " separated by commas, or remove " + AGENTS + " to backfill every agent");
            } else if (agent.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
                problems.add(AGENTS + ": entry " + (i + 1) + " of " + entries.size() + " contains a space or a"
                        + " control character");
            } else {
                agents.add(agent);
            }
        }
        return new ArrayList<>(agents);
    }

    /** Every setting but the key, which shows as {@code ***}. */
    @Override
    public String toString() {
        return "BackfillSettings[apiKey=***, baseUrl=" + baseUrl + ", interval=" + interval + ", lookback="
                + lookback + ", agents=" + agents + ", audio=" + audio + "]";
    }
}
