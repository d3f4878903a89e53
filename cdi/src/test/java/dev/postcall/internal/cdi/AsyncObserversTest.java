package dev.postcall.internal.cdi;

import dev.postcall.cdi.Agent;
import dev.postcall.cdi.DeliveryFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postcall.AudioEvent;
import dev.postcall.EventParser;
import dev.postcall.PostCallEvent;
import dev.postcall.internal.body.BodyWriter;
import dev.postcall.internal.body.HeldBody;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Asynchronous observers and their failures. Weld runs asynchronous deliveries on one thread here, so once a later event has
 * reached its asynchronous observers, every failure report of an earlier one has been fired: "exactly one" can be
 * asserted without waiting for time to pass.
 */
@EnableWeld
class AsyncObserversTest {

    private static final long PATIENCE_SECONDS = 60;

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(WeldInitiator.createWeld()
            .beanClasses(Deliveries.class, TestObservers.Typed.class, TestObservers.Async.class,
                    TestObservers.DeliveryFailures.class, TestObservers.Failing.class,
                    TestObservers.AsyncAudioReader.class)
            .property("org.jboss.weld.executor.threadPoolType", "SINGLE_THREAD"))
            .build();

    private Deliveries deliveries() {
        return weld.select(Deliveries.class).get();
    }

    @Test
    void asyncObserversAreNotifiedWithTheSameEvent() throws Exception {
        PostCallEvent event = Fixtures.event(Fixtures.MINIMAL);

        new CdiEventHandler().handle(event);

        Deliveries deliveries = deliveries();
        assertThat(deliveries.first("async-transcription").get(PATIENCE_SECONDS, TimeUnit.SECONDS)).isSameAs(event);
        assertThat(deliveries.first("async-any").get(PATIENCE_SECONDS, TimeUnit.SECONDS)).isSameAs(event);
        assertThat(deliveries.first("async-agent").get(PATIENCE_SECONDS, TimeUnit.SECONDS)).isSameAs(event);
        assertThat(deliveries.seen("transcription")).containsExactly(event);
    }

    @Test
    void failingAsyncObserverLeavesTheHandlerSuccessfulAndFiresOneDeliveryFailure() throws Exception {
        IllegalStateException boom = new IllegalStateException("CRM unreachable");
        Deliveries deliveries = deliveries();
        deliveries.asyncFailure = boom;
        PostCallEvent event = Fixtures.event(Fixtures.MINIMAL);
        CdiEventHandler dispatcher = new CdiEventHandler();

        dispatcher.handle(event);

        assertThat(deliveries.seen("transcription")).containsExactly(event);
        DeliveryFailure failure = (DeliveryFailure) deliveries.first("delivery-failure")
                .get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        assertThat(failure.type()).isEqualTo("post_call_transcription");
        assertThat(failure.conversationId()).isEqualTo(Fixtures.MINIMAL_CONVERSATION);
        assertThat(failure.agentId()).isEqualTo(Fixtures.MINIMAL_AGENT);
        assertThat(failure.eventTimestamp()).isEqualTo(event.eventTimestamp());
        assertThat(failure.failure()).isSameAs(boom);

        deliveries.asyncFailure = null;
        PostCallEvent later = Fixtures.event(Fixtures.AUDIO);
        dispatcher.handle(later);
        assertThat(deliveries.first("async-any").get(PATIENCE_SECONDS, TimeUnit.SECONDS)).isSameAs(event);
        awaitAsync(deliveries, "async-any", later);
        assertThat(deliveries.seen("delivery-failure")).containsExactly(failure);
    }

    @Test
    void throwingDeliveryFailureObserverDoesNotStopLaterDeliveries() throws Exception {
        Deliveries deliveries = deliveries();
        deliveries.asyncFailure = new IllegalStateException("CRM unreachable");
        deliveries.deliveryFailureObserverFailure = new IllegalStateException("alerting down too");
        CdiEventHandler dispatcher = new CdiEventHandler();

        dispatcher.handle(Fixtures.event(Fixtures.MINIMAL));
        deliveries.first("delivery-failure").get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        deliveries.asyncFailure = null;
        PostCallEvent later = Fixtures.event(Fixtures.INBOUND);
        dispatcher.handle(later);

        awaitAsync(deliveries, "async-transcription", later);
        awaitAsync(deliveries, "async-any", later);
        assertThat(deliveries.seen("transcription")).hasSize(2).last().isSameAs(later);
        assertThat(deliveries.seen("delivery-failure")).hasSize(1);
    }

    @Test
    void afterAFailingSyncObserverNoAsyncObserverIsNotified() throws Exception {
        Deliveries deliveries = deliveries();
        deliveries.syncFailure = new IllegalStateException("refused");
        PostCallEvent refused = Fixtures.event(Fixtures.MINIMAL);
        CdiEventHandler dispatcher = new CdiEventHandler();
        assertThatThrownBy(() -> dispatcher.handle(refused)).isSameAs(deliveries.syncFailure);

        deliveries.syncFailure = null;
        PostCallEvent accepted = Fixtures.event(Fixtures.INBOUND);
        dispatcher.handle(accepted);
        awaitAsync(deliveries, "async-transcription", accepted);
        awaitAsync(deliveries, "async-any", accepted);

        assertThat(deliveries.seen("async-transcription")).containsExactly(accepted);
        assertThat(deliveries.seen("async-any")).containsExactly(accepted);
    }

    @Test
    void asyncObserversKeepASpilledBodyAfterTheRequestEndedAndGetTheSameEvent(@TempDir Path dir) throws Exception {
        byte[] bytes = Files.readAllBytes(Fixtures.file(Fixtures.AUDIO));
        HeldBody body;
        try (BodyWriter writer = new BodyWriter(16, dir)) { // spilled, as the filter spills a large body
            writer.write(bytes, 0, bytes.length);
            body = writer.finish();
        }
        PostCallEvent event = new EventParser().parse(body);
        byte[] audio;
        try (InputStream in = ((AudioEvent) event).openStream()) {
            audio = in.readAllBytes();
        }
        Deliveries deliveries = deliveries();
        deliveries.asyncGate = new CountDownLatch(1);

        new CdiEventHandler().handle(event);
        body.release(); // what the filter does once the response is written
        assertThat(spilledFiles(dir)).as("kept for the asynchronous observers").isOne();
        deliveries.asyncGate.countDown();

        Object outcome = CompletableFuture.anyOf(deliveries.first("async-audio-bytes"),
                deliveries.first("delivery-failure")).get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        assertThat(outcome).isInstanceOf(byte[].class);
        assertThat((byte[]) outcome).hasSize(486).startsWith('I', 'D', '3').isEqualTo(audio);
        AudioEvent seen = (AudioEvent) deliveries.first("async-audio").get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        assertThat(seen).as("no copy, no second parse").isSameAs(event);
        assertThat(deliveries.seen("audio")).containsExactly(event);
        assertThat(deliveries.seen("delivery-failure")).isEmpty();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        while (spilledFiles(dir) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(spilledFiles(dir)).as("deleted once the last observer returned").isZero();
    }

    private static long spilledFiles(Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("postcall-")).count();
        }
    }

    /** Waits until {@code observer} has seen {@code event}: the single async thread has finished all before it. */
    private static void awaitAsync(Deliveries deliveries, String observer, Object event) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        while (!deliveries.seen(observer).contains(event)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(observer + " never saw the event");
            }
            Thread.sleep(5);
        }
    }
}
