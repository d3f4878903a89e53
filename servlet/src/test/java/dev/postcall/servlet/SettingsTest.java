package dev.postcall.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SettingsTest {
    private static final String SECRET = "wsec_abc";

    /** Environment, properties, JNDI and MicroProfile Config as plain maps; a missing map means "unavailable". */
    private static final class FakeSources implements ConfigSources {
        final Map<String, String> env = new HashMap<>();
        final Map<String, String> sys = new HashMap<>();
        final Map<String, String> jndi = new HashMap<>();
        Map<String, String> mp;

        @Override
        public String env(String name) {
            return env.get(name);
        }

        @Override
        public String sys(String name) {
            return sys.get(name);
        }

        @Override
        public String jndi(String name) {
            return jndi.get(name.startsWith("java:") ? name : "java:comp/env/" + name);
        }

        @Override
        public String mp(String key) {
            if (mp == null) {
                throw new IllegalStateException("MicroProfile Config is not available in this container");
            }
            return mp.get(key);
        }
    }

    private final FakeSources sources = new FakeSources();

    private Settings parse(String... nameValues) {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            params.put(nameValues[i], nameValues[i + 1]);
        }
        return Settings.parse(params, sources);
    }

    @Test
    void defaultsEverythingButTheSecret() {
        Settings s = parse("secret", SECRET);
        assertThat(s.secrets()).containsExactly(SECRET);
        assertThat(s.tolerance()).isEqualTo(Duration.ofMinutes(30));
        assertThat(s.futureSkew()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.ipAllowlist().allowsAll()).isTrue();
        assertThat(s.trustedProxies()).isNull();
        assertThat(s.maxBodySize()).isEqualTo(256L * 1024 * 1024);
        assertThat(s.memoryThreshold()).isEqualTo(1024 * 1024);
    }

    @Test
    void takesTheSecretFromTheEnvironmentWhenNoParamIsGiven() {
        sources.env.put("ELEVENLABS_WEBHOOK_SECRET", "wsec_from_env");
        assertThat(parse().secrets()).containsExactly("wsec_from_env");
    }

    @Test
    void readsSeveralSecretsForRotation() {
        assertThat(parse("secret", " wsec_new , wsec_old ").secrets()).containsExactly("wsec_new", "wsec_old");
    }

    @Test
    void resolvesEnvSysJndiAndMicroProfileReferences() {
        sources.env.put("HOOK_SECRET", "wsec_env");
        sources.sys.put("hook.tolerance", "10m");
        sources.jndi.put("java:comp/env/postcall/allow", "10.0.0.0/8");
        sources.jndi.put("java:global/proxies", "192.168.0.0/16");
        sources.mp = Map.of("postcall.max", "10MB");
        Settings s = parse("secret", "${env:HOOK_SECRET},${sys:hook.tolerance}x",
                "tolerance", "${sys:hook.tolerance}",
                "ip-allowlist", "elevenlabs,${jndi:postcall/allow}",
                "trusted-proxies", "${jndi:java:global/proxies}",
                "max-body-size", "${mp:postcall.max}");
        assertThat(s.secrets()).containsExactly("wsec_env", "10mx");
        assertThat(s.tolerance()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.ipAllowlist().toString()).isEqualTo("elevenlabs,10.0.0.0/8");
        assertThat(s.trustedProxies().toString()).isEqualTo("192.168.0.0/16");
        assertThat(s.maxBodySize()).isEqualTo(10L << 20);
    }

    @Test
    void aMissingSecretSaysWhereToPutOne() {
        assertThatThrownBy(this::parse).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PostCallWebhookFilter is not configured correctly (1 problem):\n"
                        + " - secret: not set; set init-param 'secret' (for example ${env:ELEVENLABS_WEBHOOK_SECRET})"
                        + " or environment variable ELEVENLABS_WEBHOOK_SECRET");
    }

    @Test
    void eachBadSettingAloneIsNamedWithItsFix() {
        assertThatThrownBy(() -> parse("secret", SECRET, "ip-allowlist", "10.0.0.0/33"))
                .hasMessageContaining("(1 problem)")
                .hasMessageContaining("ip-allowlist: '10.0.0.0/33' has a prefix length");
        assertThatThrownBy(() -> parse("secret", SECRET, "trusted-proxies", "proxy.local"))
                .hasMessageContaining("trusted-proxies: 'proxy.local' is not an IP address or CIDR");
        assertThatThrownBy(() -> parse("secret", SECRET, "trusted-proxies", "off"))
                .hasMessageContaining("trusted-proxies: 'off' is not a range");
        assertThatThrownBy(() -> parse("secret", SECRET, "max-body-size", "lots"))
                .hasMessageContaining("max-body-size: 'lots' is not a size");
        assertThatThrownBy(() -> parse("secret", SECRET, "max-body-size", "0"))
                .hasMessageContaining("max-body-size: must be at least 1 byte");
        assertThatThrownBy(() -> parse("secret", SECRET, "memory-threshold", "4g"))
                .hasMessageContaining("memory-threshold: at most 2147483639 bytes");
        assertThatThrownBy(() -> parse("secret", SECRET, "tolerance", "30"))
                .hasMessageContaining("tolerance: '30' is not a duration (a number needs a unit)");
        assertThatThrownBy(() -> parse("secret", SECRET, "future-skew", "-PT1M"))
                .hasMessageContaining("future-skew: '-PT1M' is negative");
        assertThatThrownBy(() -> parse("secret", SECRET, "inbox-dir", "/var/inbox"))
                .hasMessageContaining("unknown init-param 'inbox-dir'; the filter knows secret, tolerance");
        assertThatThrownBy(() -> parse("secret", "wsec_a,,wsec_b"))
                .hasMessageContaining("secret: entry 2 of init-param 'secret' is empty");
        assertThatThrownBy(() -> parse("secret", "${env:NOPE}"))
                .hasMessageContaining("secret: ${env:NOPE} is not set; set the environment variable NOPE");
        assertThatThrownBy(() -> parse("secret", "${vault:x}"))
                .hasMessageContaining("secret: ${vault:x} uses an unknown source 'vault'");
        assertThatThrownBy(() -> parse("secret", "${env:X"))
                .hasMessageContaining("secret: '${' without a closing '}'");
        assertThatThrownBy(() -> parse("secret", "${mp:hook.secret}"))
                .hasMessageContaining("secret: ${mp:hook.secret} cannot be resolved: MicroProfile Config is not"
                        + " available");
        assertThatThrownBy(() -> parse("secret", "${jndi:hook}"))
                .hasMessageContaining("secret: ${jndi:hook} is not set; bind java:comp/env/hook in the container");
    }

    @Test
    void severalBadSettingsGiveOneMessageListingThemAll() {
        sources.env.put("HOOK_SECRET", "wsec_top_secret_value");
        assertThatThrownBy(() -> parse(
                "secret", "${env:HOOK_SECRET},${env:MISSING}",
                "tolerance", "forever",
                "ip-allowlist", "elevenlabs, 300.1.1.1",
                "max-body-size", "1 TB",
                "memroy-threshold", "1m"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("PostCallWebhookFilter is not configured correctly (5 problems):\n - ")
                .hasMessageContaining("unknown init-param 'memroy-threshold'")
                .hasMessageContaining("secret: ${env:MISSING} is not set")
                .hasMessageContaining("tolerance: 'forever' is not a duration")
                .hasMessageContaining("ip-allowlist: '300.1.1.1' is not an IP address")
                .hasMessageContaining("max-body-size: '1 TB' has an unknown unit 'tb'")
                .message().doesNotContain("wsec_top_secret_value");
    }

    @Test
    void toStringNeverShowsASecret() {
        Settings s = parse("secret", "wsec_one,wsec_two", "ip-allowlist", "elevenlabs");
        assertThat(s.toString()).contains("<2 secrets>").contains("ip-allowlist=elevenlabs")
                .doesNotContain("wsec_one").doesNotContain("wsec_two");
    }
}
