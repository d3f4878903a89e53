package dev.postcall.internal.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.cache.impl.HazelcastServerCachingProvider;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.postcall.spi.DeliveryKey;
import dev.postcall.spi.DeliveryLedger;
import dev.postcall.spi.DeliveryLedger.Claim;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two Hazelcast members on loopback in this JVM, each node with its own ledger over the shared JCache. */
class JCacheDeliveryLedgerTest {

    static HazelcastInstance member1;
    static HazelcastInstance member2;
    static Cache<String, String> cache1;
    static Cache<String, String> cache2;
    static final Duration WAIT = Duration.ofSeconds(10);
    static final List<CachingProvider> providers = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        member1 = Hazelcast.newHazelcastInstance(config());
        member2 = Hazelcast.newHazelcastInstance(config());
        assertThat(member1.getCluster().getMembers()).hasSize(2);
        cache1 = cacheOn(member1);
        cache2 = cacheOn(member2);
        assertThat(cache2.getCacheManager()).isNotSameAs(cache1.getCacheManager());
        assertThat(((com.hazelcast.cache.HazelcastCacheManager) cache2.getCacheManager())
                .getHazelcastInstance().getName()).isEqualTo(member2.getName());
        assertThat(((com.hazelcast.cache.HazelcastCacheManager) cache1.getCacheManager())
                .getHazelcastInstance().getName()).isEqualTo(member1.getName());
        cache1.put("probe", "from member 1");
        assertThat(cache2.get("probe")).isEqualTo("from member 1");
    }

    @AfterAll
    static void stopCluster() {
        providers.forEach(CachingProvider::close);
        if (member1 != null) member1.shutdown();
        if (member2 != null) member2.shutdown();
    }

    private static Config config() {
        Config config = new Config();
        config.setClusterName("postcall-test-" + ProcessHandle.current().pid());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "none");
        config.getNetworkConfig().setPort(15701).setPortAutoIncrement(true);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1");
        return config;
    }

    private static Cache<String, String> cacheOn(HazelcastInstance member) {
        // a provider bound to this member; its default URI and class loader give the cache the same name on both
        CachingProvider provider = new HazelcastServerCachingProvider(member);
        providers.add(provider);
        CacheManager manager = provider.getCacheManager();
        Cache<String, String> existing = manager.getCache("postcall-deliveries", String.class, String.class);
        if (existing != null) {
            return existing;
        }
        return manager.createCache("postcall-deliveries", new MutableConfiguration<String, String>()
                .setTypes(String.class, String.class)
                .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(
                        new javax.cache.expiry.Duration(TimeUnit.HOURS, 2))));
    }

    @Test
    void aKeyDoneOnOneNodeIsNotDispatchedOnTheOther() throws Exception {
        DeliveryLedger node1 = new JCacheDeliveryLedger(cache1);
        DeliveryLedger node2 = new JCacheDeliveryLedger(cache2);
        DeliveryKey key = new DeliveryKey("post_call_transcription", "conv_cluster_done", 1761400000L);

        Claim onNode1 = node1.claim(key, WAIT);
        assertThat(onNode1.shouldDispatch()).isTrue();
        onNode1.done();

        assertThat(node2.claim(key, WAIT).shouldDispatch()).isFalse();
    }

    @Test
    void aKeyThatFailedOnOneNodeIsDispatchedOnTheOther() throws Exception {
        DeliveryLedger node1 = new JCacheDeliveryLedger(cache1);
        DeliveryLedger node2 = new JCacheDeliveryLedger(cache2);
        DeliveryKey key = new DeliveryKey("post_call_transcription", "conv_cluster_failed", 1761400000L);

        node1.claim(key, WAIT).failed();

        assertThat(node2.claim(key, WAIT).shouldDispatch()).isTrue();
    }

    @Test
    void theSecondNodeWaitsForTheFirstAndThenSkips() throws Exception {
        DeliveryLedger node1 = new JCacheDeliveryLedger(cache1);
        DeliveryLedger node2 = new JCacheDeliveryLedger(cache2);
        DeliveryKey key = new DeliveryKey("post_call_transcription", "conv_cluster_wait", 1761400000L);
        Claim running = node1.claim(key, WAIT);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Claim> waiting = pool.submit(() -> node2.claim(key, WAIT));
            Thread.sleep(200);
            assertThat(waiting).isNotDone();
            running.done();
            assertThat(waiting.get(10, TimeUnit.SECONDS).shouldDispatch()).isFalse();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClaimLeftByADeadNodeIsTakenOverAfterTheAbandonTime() throws Exception {
        InMemoryDeliveryLedgerTest.MutableClock clock = new InMemoryDeliveryLedgerTest.MutableClock();
        DeliveryLedger node1 = new JCacheDeliveryLedger(cache1, Duration.ofMinutes(10), clock);
        DeliveryLedger node2 = new JCacheDeliveryLedger(cache2, Duration.ofMinutes(10), clock);
        DeliveryKey key = new DeliveryKey("post_call_transcription", "conv_cluster_dead", 1761400000L);
        node1.claim(key, WAIT); // node 1 dies without finishing

        clock.advance(Duration.ofMinutes(11));
        assertThat(node2.claim(key, Duration.ofMillis(100)).shouldDispatch()).isTrue();
    }
}
