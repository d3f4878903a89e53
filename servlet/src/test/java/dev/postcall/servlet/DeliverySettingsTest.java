package dev.postcall.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postcall.internal.delivery.InMemoryDeliveryLedger;

class DeliverySettingsTest {

    static final ConfigSources SYSTEM = ConfigSources.system(DeliverySettingsTest.class.getClassLoader());

    static Map<String, String> params(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    @Test
    void withoutParamsThereIsNoInboxAFailureIsRejectedAndTheLedgerIsInMemory() {
        DeliverySettings settings = DeliverySettings.parse(Map.of(), SYSTEM);

        assertThat(settings.inboxDir()).isNull();
        assertThat(settings.rejectOnFailure()).isTrue();
        assertThat(settings.ledger()).isInstanceOf(InMemoryDeliveryLedger.class);
        assertThat(settings.duplicateWait()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void withAnInboxAFailureIsAcceptedUnlessTheUserPrefersReject() {
        assertThat(DeliverySettings.parse(params("inbox-dir", "/var/lib/x"), SYSTEM).rejectOnFailure()).isFalse();
        assertThat(DeliverySettings.parse(params("inbox-dir", "/var/lib/x", "on-handler-failure", "reject"), SYSTEM)
                .rejectOnFailure()).isTrue();
    }

    @Test
    void referencesAreResolved() {
        System.setProperty("postcall.test.inbox", "/srv/inbox");
        try {
            assertThat(DeliverySettings.parse(params("inbox-dir", "${sys:postcall.test.inbox}"), SYSTEM).inboxDir())
                    .isEqualTo(Path.of("/srv/inbox"));
        } finally {
            System.clearProperty("postcall.test.inbox");
        }
    }

    @Test
    void everyProblemIsListedInOneMessage() {
        assertThatThrownBy(() -> DeliverySettings.parse(params(
                "on-handler-failure", "maybe",
                "delivery-ledger", "redis",
                "duplicate-wait", "soon",
                "secret", "wsec_x"), SYSTEM))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("PostCallWebhookServlet is not configured correctly (4 problems):")
                .hasMessageContaining("on-handler-failure: 'maybe' is neither 'accept'")
                .hasMessageContaining("delivery-ledger: 'redis' is not one of memory")
                .hasMessageContaining("duplicate-wait: 'soon' is not a duration")
                .hasMessageContaining("unknown init-param 'secret'")
                .hasMessageContaining("('secret' belongs to PostCallWebhookFilter)")
                .hasMessageNotContaining("wsec_x");
    }

    @Test
    void acceptWithoutAnInboxIsRefusedBecauseItWouldLoseDeliveries() {
        assertThatThrownBy(() -> DeliverySettings.parse(params("on-handler-failure", "accept"), SYSTEM))
                .hasMessageContaining("'accept' needs inbox-dir");
    }

    @Test
    void aJCacheLedgerWithoutAProviderIsAClearStartUpError() {
        assertThatThrownBy(() -> DeliverySettings.parse(params("delivery-ledger", "jcache:postcall"), SYSTEM))
                .hasMessageContaining("delivery-ledger: the JCache cache 'postcall' cannot be opened")
                .hasMessageContaining("a provider");
    }

    @Test
    void theFilterPointsInboxParamsToTheServlet() {
        assertThatThrownBy(() -> Settings.parse(params("secret", "wsec_x", "inbox-dir", "/x"),
                new ConfigSources() {
                    @Override public String env(String name) { return null; }
                    @Override public String sys(String name) { return null; }
                    @Override public String jndi(String name) { return null; }
                    @Override public String mp(String key) { return null; }
                }))
                .hasMessageContaining("('inbox-dir' belongs to PostCallWebhookServlet)");
    }

    @Test
    void anInboxDirThatIsAFileStopsTheWebApplication(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");

        assertThatThrownBy(() -> TestServer.builder().servletParam("inbox-dir", file.toString()).start().close())
                .hasStackTraceContaining("inbox-dir " + file + " cannot be used");
    }
}
