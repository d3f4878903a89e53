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
        assertThat(settings.recordKeys()).isTrue();
        assertThat(settings.ledgerSetting()).isEqualTo("memory");
        assertThat(settings.duplicateWait()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void withAnInboxAFailureIsAcceptedUnlessTheUserPrefersReject() {
        assertThat(DeliverySettings.parse(params("inbox-dir", "/var/lib/x"), SYSTEM).rejectOnFailure()).isFalse();
        assertThat(DeliverySettings.parse(params("inbox-dir", "/var/lib/x", "on-handler-failure", "reject"), SYSTEM)
                .rejectOnFailure()).isTrue();
    }

    @Test
    void withoutAnApiKeyBackfillIsOff() {
        assertThat(DeliverySettings.parse(params("inbox-dir", "/var/lib/x"), SYSTEM).backfill()).isNull();
    }

    @Test
    void theApiKeyIsReadLikeTheSecretAndNeverShown() {
        System.setProperty("postcall.test.apikey", "sk_from_a_system_property_123");
        try {
            DeliverySettings settings = DeliverySettings.parse(params("inbox-dir", "/var/lib/x",
                    "backfill-api-key", "${sys:postcall.test.apikey}", "backfill-interval", "1m",
                    "backfill-agents", "agent_1,agent_2"), SYSTEM);

            assertThat(settings.backfill().apiKey()).isEqualTo("sk_from_a_system_property_123");
            assertThat(settings.backfill().interval()).isEqualTo(Duration.ofMinutes(1));
            assertThat(settings.backfill().agents()).containsExactly("agent_1", "agent_2");
            assertThat(settings.toString()).contains("backfill=on (backfill-base-url=https://api.elevenlabs.io,"
                    + " backfill-interval=PT1M").doesNotContain("sk_from");
        } finally {
            System.clearProperty("postcall.test.apikey");
        }
    }

    @Test
    void anUnresolvedApiKeyIsOneProblemThatNamesTheReference() {
        assertThatThrownBy(() -> DeliverySettings.parse(params("inbox-dir", "/var/lib/x",
                "backfill-api-key", "${env:POSTCALL_TEST_SURELY_UNSET_API_KEY}", "backfill-interval", "1m"), SYSTEM))
                .hasMessage("PostCallWebhookServlet is not configured correctly (1 problem):\n - backfill-api-key:"
                        + " ${env:POSTCALL_TEST_SURELY_UNSET_API_KEY} is not set; set the environment variable"
                        + " POSTCALL_TEST_SURELY_UNSET_API_KEY");
    }

    @Test
    void badBackfillSettingsAreListedWithTheOthers() {
        assertThatThrownBy(() -> DeliverySettings.parse(params("duplicate-wait", "soon",
                "backfill-api-key", "sk_ok_0123", "backfill-interval", "1s", "backfill-audio", "maybe"), SYSTEM))
                .hasMessageContaining("(3 problems)").hasMessageContaining("backfill-interval: at least 10s")
                .hasMessageContaining("backfill-audio: 'maybe' is neither true nor false")
                .message().doesNotContain("sk_ok_0123");
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
    void theRemovedJCacheLedgerIsAClearStartUpErrorThatPointsToTheDatabase() {
        assertThatThrownBy(() -> DeliverySettings.parse(params("delivery-ledger", "jcache:postcall"), SYSTEM))
                .hasMessageContaining("delivery-ledger: 'jcache:' is no longer supported")
                .hasMessageContaining("inbox=jndi:<DataSource name>");
    }

    @Test
    void offRecordsNothingAndCannotGoWithADirectory() {
        assertThat(DeliverySettings.parse(params("delivery-ledger", "off"), SYSTEM).recordKeys()).isFalse();
        assertThatThrownBy(() -> DeliverySettings.parse(params("delivery-ledger", "off", "inbox-dir", "/x"), SYSTEM))
                .hasMessageContaining("delivery-ledger: 'off' cannot be combined with inbox-dir");
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

    @Test
    void aDatabaseInboxIsTheLedgerTooAndAcceptsFailures() {
        DeliverySettings settings = DeliverySettings.parse(params("inbox", "jndi:java:comp/env/jdbc/postcall",
                "inbox-create-schema", "true", "inbox-table-prefix", "app.pc_", "inbox-retention", "3h",
                "inbox-takeover-after", "5m", "inbox-node-id", "pod-1"), SYSTEM);

        assertThat(settings.database().jndiName()).isEqualTo("java:comp/env/jdbc/postcall");
        assertThat(settings.database().options().createSchema()).isTrue();
        assertThat(settings.database().options().tablePrefix()).isEqualTo("app.pc_");
        assertThat(settings.database().options().retention()).isEqualTo(Duration.ofHours(3));
        assertThat(settings.database().options().takeoverAfter()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.database().options().nodeId()).isEqualTo("pod-1");
        assertThat(settings.rejectOnFailure()).isFalse();
        assertThat(settings.toString()).contains("inbox=jndi:java:comp/env/jdbc/postcall")
                .contains("delivery-ledger=inbox");
    }

    @Test
    void theDatabaseInboxDefaultsAreTheStoresAndTheDataSourceCanComeFromTheContext() {
        DeliverySettings settings = DeliverySettings.parse(params("inbox", "datasource"), SYSTEM);

        assertThat(settings.database().jndiName()).isNull();
        assertThat(settings.database().options()).isEqualTo(dev.postcall.jdbc.JdbcDeliveryStore.options().build());
    }

    @Test
    void aSecondLedgerOrASecondInboxBesideTheDatabaseIsRefused() {
        assertThatThrownBy(() -> DeliverySettings.parse(params("inbox", "jndi:jdbc/postcall",
                "delivery-ledger", "jcache:postcall", "inbox-dir", "/var/lib/x"), SYSTEM))
                .hasMessageContaining("(2 problems)")
                .hasMessageContaining("delivery-ledger: 'jcache:postcall' cannot be combined with inbox: the"
                        + " database store claims keys itself")
                .hasMessageContaining("inbox and inbox-dir: a delivery is kept in one inbox");
    }

    @Test
    void badDatabaseInboxSettingsAreListedTogether() {
        assertThatThrownBy(() -> DeliverySettings.parse(params("inbox", "postgres://db", "inbox-create-schema",
                "yes", "inbox-retention", "long", "inbox-table-prefix", "x;drop"), SYSTEM))
                .hasMessageContaining("inbox: 'postgres://db' is neither jndi:<DataSource name>")
                .hasMessageContaining("inbox-create-schema: 'yes' is neither 'true'")
                .hasMessageContaining("inbox-retention: 'long' is not a duration")
                .hasMessageContaining("inbox: postcall delivery store options:");
    }

    @Test
    void databaseSettingsWithoutADatabaseInboxAreRefused() {
        assertThatThrownBy(() -> DeliverySettings.parse(params("inbox-create-schema", "true"), SYSTEM))
                .hasMessageContaining("inbox-create-schema: only a database inbox has it");
    }

    @Test
    void aDriverMessageLosesItsPasswords() {
        assertThat(PostCallWebhookServlet.withoutPasswords(new java.sql.SQLException(
                "cannot connect to jdbc:postgresql://db/app?user=app&password=hunter2&ssl=true;"
                        + " jdbc:mysql://app:s3cret@db/app; PWD = topsecret)")))
                .doesNotContain("hunter2").doesNotContain("s3cret").doesNotContain("topsecret")
                .contains("password=***&ssl=true").contains("//app:***@db/app");
    }

    @Test
    void aDatabaseInboxWithoutItsDataSourceStopsTheWebApplication() {
        assertThatThrownBy(() -> TestServer.builder().servletParam("inbox", "datasource").start().close())
                .hasStackTraceContaining("PostCallWebhookServlet is not configured correctly: inbox=datasource finds"
                        + " no DataSource: set the servlet-context attribute "
                        + PostCallWebhookServlet.INBOX_DATA_SOURCE);
        assertThatThrownBy(() -> TestServer.builder().servletParam("inbox", "jndi:jdbc/none").start().close())
                .hasStackTraceContaining("inbox=jndi:jdbc/none cannot look up JNDI name java:comp/env/jdbc/none");
        assertThatThrownBy(() -> TestServer.builder().servletParam("inbox", "datasource")
                .contextAttribute(PostCallWebhookServlet.INBOX_DATA_SOURCE, "not one").start().close())
                .hasStackTraceContaining("needs a javax.sql.DataSource, but the servlet-context attribute");
    }

    @Test
    void aDatabaseWithoutTheTablesStopsTheWebApplicationUnlessAskedToCreateThem() throws Exception {
        try (TestDatabase.Fixture db = TestDatabase.H2.fresh()) {
            assertThatThrownBy(() -> TestServer.builder().servletParam("inbox", "datasource")
                    .servletParam("inbox-table-prefix", db.prefix())
                    .contextAttribute(PostCallWebhookServlet.INBOX_DATA_SOURCE, db.dataSource()).start().close())
                    .hasStackTraceContaining("inbox=datasource cannot be used (")
                    .hasStackTraceContaining("or set inbox-create-schema=true");
        }
    }
}
