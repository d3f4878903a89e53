package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import dev.postcall.BodySource;
import dev.postcall.internal.delivery.MemoryStore;
import dev.postcall.spi.DeliveryStore;

/**
 * A {@link DeliveryStore} bean of the application's is the store the webhook claims and keeps deliveries through:
 * the user's own bean wins, as with every bean of the starter; beside {@code postcall.inbox-dir} it stops the start.
 */
@SpringBootTest(classes = OwnDeliveryStoreTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "postcall.secret=" + Webhook.SECRET)
class OwnDeliveryStoreTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Recorder.class)
    static class App {
        @Bean
        CountingStore ownStore() {
            return new CountingStore(MemoryStore.create());
        }
    }

    /** The application's store: counts what it admits, over the memory store. */
    static final class CountingStore implements DeliveryStore {
        final AtomicInteger admitted = new AtomicInteger();
        private final DeliveryStore store;

        CountingStore(DeliveryStore store) {
            this.store = store;
        }

        @Override
        public Admission admit(Delivery delivery, Duration maxWait) throws StoreException, InterruptedException {
            admitted.incrementAndGet();
            return store.admit(delivery, maxWait);
        }

        @Override public List<Kept> failed(Kept after, int max) throws StoreException { return store.failed(after, max); }
        @Override public Optional<Claim> claimFailed(Kept kept) throws StoreException { return store.claimFailed(kept); }
        @Override public Optional<BodySource> body(Kept kept) throws StoreException { return store.body(kept); }
        @Override public int failedCount() throws StoreException { return store.failedCount(); }
        @Override public boolean keepsBodies() { return store.keepsBodies(); }
        @Override public String description() { return "the application's own store"; }
    }

    @Value("${local.server.port}")
    int port;

    @Autowired
    CountingStore store;

    @Autowired
    Recorder recorder;

    @Test
    void deliveriesGoThroughTheApplicationsStore() throws Exception {
        byte[] body = Fixtures.withIds("transcription-minimal.json", "agent_o", "conv_own_store");

        HttpResponse<String> first = Webhook.postSigned(port, body);
        HttpResponse<String> again = Webhook.postSigned(port, body);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(store.admitted).hasValue(2);
        assertThat(recorder.of("transcription")).as("the second a duplicate the store recognised").hasSize(1);
    }

    @Test
    void anOwnStoreBesideAnInboxDirStopsTheStart() {
        Throwable thrown = StartupFailureTest.start("postcall.secret=" + Webhook.SECRET,
                "postcall.inbox-dir=/tmp/postcall-own-store-test",
                "spring.main.sources=" + App.class.getName());
        assertThat(StartupFailureTest.settingsFailure(thrown).getMessage())
                .contains("a DeliveryStore bean (the application's own store) and postcall.inbox-dir or"
                        + " postcall.inbox.* are both set");
    }
}
