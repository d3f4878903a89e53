package dev.postcall.internal.backfill;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BackfillSettingsTest {

    private static final String KEY = "sk_0123456789abcdef0123456789abcdef";

    private final List<String> problems = new ArrayList<>();

    private BackfillSettings parse(String... nameValue) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            values.put(nameValue[i], nameValue[i + 1]);
        }
        return BackfillSettings.parse(values::get, problems);
    }

    @Test
    void withoutAKeyBackfillIsOffAndNothingIsAProblem() {
        assertThat(parse()).isNull();
        assertThat(problems).isEmpty();
    }

    @Test
    void aKeyAloneGivesTheDefaults() {
        BackfillSettings settings = parse("backfill-api-key", KEY);

        assertThat(problems).isEmpty();
        assertThat(settings).isEqualTo(new BackfillSettings(KEY, URI.create("https://api.elevenlabs.io"),
                Duration.ofMinutes(5), Duration.ofDays(1), List.of(), false));
    }

    @Test
    void everySettingIsRead() {
        BackfillSettings settings = parse("backfill-api-key", " " + KEY + " ", "backfill-base-url",
                "https://api.eu.residency.elevenlabs.io/", "backfill-interval", "90s", "backfill-lookback", "PT6H",
                "backfill-agents", "agent_1, agent_2,agent_1", "backfill-audio", "TRUE");

        assertThat(problems).isEmpty();
        assertThat(settings).isEqualTo(new BackfillSettings(KEY, URI.create("https://api.eu.residency.elevenlabs.io"),
                Duration.ofSeconds(90), Duration.ofHours(6), List.of("agent_1", "agent_2"), true));
    }

    @ParameterizedTest
    @CsvSource({
            "us, https://api.us.elevenlabs.io",
            "EU, https://api.eu.residency.elevenlabs.io",
            "in, https://api.in.residency.elevenlabs.io",
            "sg, https://api.sg.residency.elevenlabs.io",
            "http://localhost:8089, http://localhost:8089",
            "http://127.0.0.1:8089/api/, http://127.0.0.1:8089/api",
    })
    void aResidencyNameOrAUrlIsTheBaseUrl(String value, String url) {
        BackfillSettings settings = parse("backfill-api-key", KEY, "backfill-base-url", value);

        assertThat(problems).isEmpty();
        assertThat(settings.baseUrl()).isEqualTo(URI.create(url));
    }

    @Test
    void everyBadValueIsAProblemAtOnceAndTheKeyIsNeverShown() {
        String key = "sk_abc def";
        BackfillSettings settings = parse("backfill-api-key", key, "backfill-base-url", "http://api.example.com",
                "backfill-interval", "5s", "backfill-lookback", "0s", "backfill-agents", "agent_1,,agent 2",
                "backfill-audio", "yes");

        assertThat(settings).isNull();
        assertThat(problems).containsExactly(
                "backfill-api-key: contains a space or a control character (a copying mistake?); the key itself is"
                        + " not shown",
                "backfill-base-url: 'http://api.example.com' is plain http to another machine, which would send the"
                        + " API key in clear text; use https (plain http only to localhost, for a test stand-in)",
                "backfill-interval: at least 10s; write PT5M or 5m",
                "backfill-lookback: must be longer than 0; write P1D or 24h",
                "backfill-agents: entry 2 of 3 is empty; write agent ids separated by commas, or remove"
                        + " backfill-agents to backfill every agent",
                "backfill-agents: entry 3 of 3 contains a space or a control character",
                "backfill-audio: 'yes' is neither true nor false");
        assertThat(String.join("\n", problems)).doesNotContain("abc");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ftp://api.example.com | is not an http(s) URL with a host",
            "api.elevenlabs.io | is not an http(s) URL with a host",
            "https://api.elevenlabs.io/?x=1 | has a query, a fragment or a user name",
            "https://user@api.elevenlabs.io | has a query, a fragment or a user name",
            "https://api elevenlabs | is not a URL",
    })
    void aBaseUrlThatIsNotAnApiRootIsAProblem(String value, String problem) {
        parse("backfill-api-key", KEY, "backfill-base-url", value);

        assertThat(problems).singleElement().asString().startsWith("backfill-base-url: '" + value + "' " + problem);
    }

    @Test
    void aDurationThatDoesNotParseIsAProblemFromTheSharedGrammar() {
        parse("backfill-api-key", KEY, "backfill-interval", "soon");

        assertThat(problems).containsExactly(
                "backfill-interval: 'soon' is not a duration; write PT30M, 30m, 90s, 1h or 500ms");
    }

    @Test
    void anEmptyKeyIsAProblem() {
        assertThat(parse("backfill-api-key", "  ")).isNull();
        assertThat(problems).containsExactly(
                "backfill-api-key: empty; set an ElevenLabs API key, or remove it to switch backfill off");
    }

    @Test
    void backfillSettingsWithoutAKeyAreAProblemEach() {
        assertThat(parse("backfill-interval", "PT1M", "backfill-audio", "true")).isNull();

        assertThat(problems).containsExactly(
                "backfill-interval: set, but backfill-api-key is not; backfill runs only with an API key: set"
                        + " backfill-api-key (for example ${env:ELEVENLABS_API_KEY}) or remove backfill-interval",
                "backfill-audio: set, but backfill-api-key is not; backfill runs only with an API key: set"
                        + " backfill-api-key (for example ${env:ELEVENLABS_API_KEY}) or remove backfill-audio");
    }

    @Test
    void toStringNeverShowsTheKey() {
        assertThat(parse("backfill-api-key", KEY).toString()).doesNotContain(KEY).contains("apiKey=***");
    }
}
