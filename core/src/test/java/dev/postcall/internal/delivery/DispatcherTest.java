package dev.postcall.internal.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postcall.BodySource;
import dev.postcall.EventParser;
import dev.postcall.PostCallEvent;
import dev.postcall.internal.delivery.Dispatcher.Outcome;
import dev.postcall.internal.inbox.InboxStore;
import dev.postcall.spi.PostCallEventHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DispatcherTest {

    @TempDir Path dir;
    final AtomicInteger calls = new AtomicInteger();
    final PostCallEventHandler counting = event -> calls.incrementAndGet();
    final PostCallEventHandler throwing = event -> {
        calls.incrementAndGet();
        throw new IllegalStateException("the application is down");
    };

    static PostCallEvent event(String conversationId) throws Exception {
        byte[] body = ("{\"type\":\"post_call_transcription\",\"event_timestamp\":1761400000,\"data\":"
                + "{\"agent_id\":\"agent_1\",\"conversation_id\":\"" + conversationId + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
        return new EventParser().parse(BodySource.ofBytes(body));
    }

    Outcome deliver(Dispatcher d, PostCallEvent e, PostCallEventHandler h) throws InterruptedException {
        return d.deliver(e, 1761400005L, "application/json", new HandlerRunner(List.of(List.of(h))));
    }

    @Test
    void aHandledDeliveryLeavesNothingInTheInbox() throws Exception {
        InboxStore inbox = InboxStore.open(dir);
        Dispatcher d = new Dispatcher(new InMemoryDeliveryLedger(), inbox, Duration.ofSeconds(5));

        assertThat(deliver(d, event("conv_1"), counting)).isEqualTo(Outcome.HANDLED);
        assertThat(calls).hasValue(1);
        assertThat(inbox.incoming()).isEmpty();
        assertThat(inbox.failed()).isEmpty();
    }

    @Test
    void theSameEventDeliveredAgainIsNotDispatchedAgain() throws Exception {
        Dispatcher d = new Dispatcher(new InMemoryDeliveryLedger(), null, Duration.ofSeconds(5));

        assertThat(deliver(d, event("conv_1"), counting)).isEqualTo(Outcome.HANDLED);
        assertThat(deliver(d, event("conv_1"), counting)).isEqualTo(Outcome.DUPLICATE);
        assertThat(calls).hasValue(1);
    }

    @Test
    void withoutALedgerEveryDeliveryIsDispatched() throws Exception {
        Dispatcher d = new Dispatcher(null, null, Duration.ofSeconds(5));

        deliver(d, event("conv_1"), counting);
        deliver(d, event("conv_1"), counting);
        assertThat(calls).hasValue(2);
    }

    @Test
    void aFailedDeliveryIsKeptInFailedAndDispatchedAgainNextTime() throws Exception {
        InboxStore inbox = InboxStore.open(dir);
        Dispatcher d = new Dispatcher(new InMemoryDeliveryLedger(), inbox, Duration.ofSeconds(5));

        assertThat(deliver(d, event("conv_1"), throwing)).isEqualTo(Outcome.FAILED_KEPT);
        assertThat(inbox.failed()).extracting(e -> e.record().conversationId()).containsExactly("conv_1");
        assertThat(inbox.failed().get(0).record().signatureTimestamp()).isEqualTo(1761400005L);
        assertThat(inbox.incoming()).isEmpty();

        assertThat(deliver(d, event("conv_1"), counting)).isEqualTo(Outcome.HANDLED);
        assertThat(calls).hasValue(2);
    }

    @Test
    void aFailedDeliveryWithoutAnInboxIsReportedLost() throws Exception {
        Dispatcher d = new Dispatcher(new InMemoryDeliveryLedger(), null, Duration.ofSeconds(5));

        assertThat(deliver(d, event("conv_1"), throwing)).isEqualTo(Outcome.FAILED);
    }

    @Test
    void anInboxThatCannotStoreStopsTheDispatch() throws Exception {
        InboxStore inbox = InboxStore.open(dir);
        Files.delete(dir.resolve("tmp"));
        Files.writeString(dir.resolve("tmp"), "not a directory");
        InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger();
        Dispatcher d = new Dispatcher(ledger, inbox, Duration.ofSeconds(5));

        assertThat(deliver(d, event("conv_1"), counting)).isEqualTo(Outcome.INBOX_UNAVAILABLE);
        assertThat(calls).hasValue(0);
        assertThat(ledger.size()).as("the key is released for the sender's retry").isZero();
    }

    @Test
    void aDeliveryThatWaitsTooLongForAConcurrentOneIsInProgress() throws Exception {
        Dispatcher d = new Dispatcher(new InMemoryDeliveryLedger(), null, Duration.ofMillis(100));
        java.util.concurrent.CountDownLatch inHandler = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Outcome> first = pool.submit(() -> deliver(d, event("conv_1"), e -> {
                inHandler.countDown();
                release.await();
            }));
            assertThat(inHandler.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(deliver(d, event("conv_1"), counting)).isEqualTo(Outcome.IN_PROGRESS);
            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(Outcome.HANDLED);
            assertThat(calls).hasValue(0);
        } finally {
            pool.shutdownNow();
        }
    }
}
