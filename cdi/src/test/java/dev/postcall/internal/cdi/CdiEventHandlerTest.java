package dev.postcall.internal.cdi;

import dev.postcall.cdi.Agent;
import dev.postcall.cdi.DeliveryFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postcall.PostCallEvent;
import jakarta.enterprise.inject.spi.BeanManager;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@EnableWeld
class CdiEventHandlerTest {

    private static final List<String> TYPED_OBSERVERS = List.of("transcription", "audio", "failure", "unknown");

    @WeldSetup
    WeldInitiator weld = WeldInitiator.from(Deliveries.class, TestObservers.Typed.class,
            TestObservers.ForOneAgent.class, TestObservers.Failing.class, TestObservers.Prioritized.class).build();

    private Deliveries deliveries() {
        return weld.select(Deliveries.class).get();
    }

    @ParameterizedTest
    @CsvSource({
        "transcription-minimal.json, transcription, dev.postcall.TranscriptionEvent",
        "audio.json,                 audio,         dev.postcall.AudioEvent",
        "failure-sip.json,           failure,       dev.postcall.CallInitiationFailureEvent",
        "failure-twilio.json,        failure,       dev.postcall.CallInitiationFailureEvent",
        "unknown-type.json,          unknown,       dev.postcall.UnknownEvent",
    })
    void eachEventReachesItsTypedObserverAndThePostCallEventObserverOnce(String fixture, String observer,
            Class<? extends PostCallEvent> type) throws Exception {
        PostCallEvent event = Fixtures.event(fixture);
        assertThat(event).isInstanceOf(type);

        new CdiEventHandler().handle(event);

        Deliveries deliveries = deliveries();
        assertThat(deliveries.seen(observer)).containsExactly(event);
        assertThat(deliveries.seen("any")).containsExactly(event);
        for (String other : TYPED_OBSERVERS) {
            if (!other.equals(observer)) {
                assertThat(deliveries.seen(other)).as(other).isEmpty();
            }
        }
    }

    @Test
    void agentQualifiedObserverSeesOnlyItsAgentWhileUnqualifiedOnesSeeAll() throws Exception {
        PostCallEvent minimal = Fixtures.event(Fixtures.MINIMAL);
        PostCallEvent inbound = Fixtures.event(Fixtures.INBOUND);
        PostCallEvent audio = Fixtures.event(Fixtures.AUDIO);
        assertThat(minimal.agentId()).isEqualTo(Fixtures.MINIMAL_AGENT);
        assertThat(inbound.agentId()).isEqualTo(Fixtures.INBOUND_AGENT);
        assertThat(audio.agentId()).isEqualTo(Fixtures.INBOUND_AGENT);

        CdiEventHandler dispatcher = new CdiEventHandler();
        dispatcher.handle(minimal);
        dispatcher.handle(inbound);
        dispatcher.handle(audio);

        Deliveries deliveries = deliveries();
        assertThat(deliveries.seen("agent-transcription")).containsExactly(minimal);
        assertThat(deliveries.seen("agent-any")).containsExactly(inbound, audio);
        assertThat(deliveries.seen("transcription")).containsExactly(minimal, inbound);
        assertThat(deliveries.seen("any")).containsExactly(minimal, inbound, audio);
    }

    @Test
    void repeatedDeliveriesThroughOneDispatcherReachTheSameObserversEachTime() throws Exception {
        // the dispatcher keeps the selected Event per type and agent; the second round goes through those
        PostCallEvent minimal = Fixtures.event(Fixtures.MINIMAL);
        PostCallEvent inbound = Fixtures.event(Fixtures.INBOUND);
        PostCallEvent audio = Fixtures.event(Fixtures.AUDIO);
        PostCallEvent anonymous = Fixtures.withoutAgent();

        CdiEventHandler dispatcher = new CdiEventHandler();
        for (int round = 0; round < 2; round++) {
            dispatcher.handle(minimal);
            dispatcher.handle(inbound);
            dispatcher.handle(audio);
            dispatcher.handle(anonymous);
        }

        Deliveries deliveries = deliveries();
        assertThat(deliveries.seen("agent-transcription")).containsExactly(minimal, minimal);
        assertThat(deliveries.seen("agent-any")).containsExactly(inbound, audio, inbound, audio);
        assertThat(deliveries.seen("transcription")).containsExactly(minimal, inbound, anonymous,
                minimal, inbound, anonymous);
        assertThat(deliveries.seen("audio")).containsExactly(audio, audio);
        assertThat(deliveries.seen("any")).hasSize(8);
    }

    @Test
    void eventWithoutAgentReachesUnqualifiedObserversOnly() throws Exception {
        PostCallEvent event = Fixtures.withoutAgent();
        assertThat(event.agentId()).isNull();

        new CdiEventHandler().handle(event);

        Deliveries deliveries = deliveries();
        assertThat(deliveries.seen("transcription")).containsExactly(event);
        assertThat(deliveries.seen("any")).containsExactly(event);
        assertThat(deliveries.seen("agent-transcription")).isEmpty();
        assertThat(deliveries.seen("agent-any")).isEmpty();
    }

    @Test
    void failingSyncObserverIsTheHandlersFailureAndStopsLaterObservers() {
        IllegalArgumentException boom = new IllegalArgumentException("observer refused the call");
        deliveries().syncFailure = boom;
        PostCallEvent event = Fixtures.event(Fixtures.MINIMAL);

        assertThatThrownBy(() -> new CdiEventHandler().handle(event)).isSameAs(boom);
        assertThat(deliveries().seen("after-failing")).isEmpty();
    }

    @Test
    void checkedExceptionFromSyncObserverIsUnwrappedFromObserverException() {
        IOException boom = new IOException("disk full");
        deliveries().syncFailure = boom;
        PostCallEvent event = Fixtures.event(Fixtures.MINIMAL);

        assertThatThrownBy(() -> new CdiEventHandler().handle(event)).isSameAs(boom);
    }

    @Test
    void syncObserversRunInPriorityOrder() throws Exception {
        new CdiEventHandler().handle(Fixtures.event(Fixtures.FAILURE_SIP));

        assertThat(deliveries().seen("order")).containsExactly("10", "2000", "default", "3000");
    }

    @Test
    void beanManagerIsLookedUpOncePerDispatcher() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        BeanManager manager = weld.getBeanManager();
        CdiEventHandler dispatcher = new CdiEventHandler(() -> {
            lookups.incrementAndGet();
            return manager;
        });

        dispatcher.handle(Fixtures.event(Fixtures.MINIMAL));
        dispatcher.handle(Fixtures.event(Fixtures.AUDIO));

        assertThat(lookups).hasValue(1);
        assertThat(deliveries().seen("any")).hasSize(2);
    }
}
