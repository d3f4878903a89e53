package dev.postcall.internal.cdi;

import dev.postcall.cdi.Agent;
import dev.postcall.cdi.DeliveryFailure;
import dev.postcall.AudioEvent;
import dev.postcall.CallInitiationFailureEvent;
import dev.postcall.PostCallEvent;
import dev.postcall.TranscriptionEvent;
import dev.postcall.UnknownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Observer beans the way an application writes them; each records into {@link Deliveries}. */
final class TestObservers {

    private TestObservers() {
    }

    @Dependent
    static class Typed {
        @Inject
        Deliveries deliveries;

        void transcription(@Observes TranscriptionEvent e) {
            deliveries.record("transcription", e);
        }

        void audio(@Observes AudioEvent e) {
            deliveries.record("audio", e);
        }

        void failure(@Observes CallInitiationFailureEvent e) {
            deliveries.record("failure", e);
        }

        void unknown(@Observes UnknownEvent e) {
            deliveries.record("unknown", e);
        }

        void any(@Observes PostCallEvent e) {
            deliveries.record("any", e);
        }
    }

    @Dependent
    static class ForOneAgent {
        @Inject
        Deliveries deliveries;

        void transcription(@Observes @Agent(Fixtures.MINIMAL_AGENT) TranscriptionEvent e) {
            deliveries.record("agent-transcription", e);
        }

        void any(@Observes @Agent(Fixtures.INBOUND_AGENT) PostCallEvent e) {
            deliveries.record("agent-any", e);
        }
    }

    @Dependent
    static class Async {
        @Inject
        Deliveries deliveries;

        void transcription(@ObservesAsync TranscriptionEvent e) {
            deliveries.record("async-transcription", e);
            RuntimeException failure = deliveries.asyncFailure;
            if (failure != null) {
                throw failure;
            }
        }

        void any(@ObservesAsync PostCallEvent e) {
            deliveries.record("async-any", e);
        }

        void agent(@ObservesAsync @Agent(Fixtures.MINIMAL_AGENT) TranscriptionEvent e) {
            deliveries.record("async-agent", e);
        }
    }

    /** Reads the audio in an asynchronous observer, after the test lets it. */
    @Dependent
    static class AsyncAudioReader {
        @Inject
        Deliveries deliveries;

        void read(@ObservesAsync AudioEvent audio) throws Exception {
            CountDownLatch gate = deliveries.asyncGate;
            if (gate != null && !gate.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the gate");
            }
            try (InputStream in = audio.openStream()) {
                deliveries.record("async-audio-bytes", in.readAllBytes());
            }
            deliveries.record("async-audio", audio);
        }
    }

    @Dependent
    static class Failing {
        @Inject
        Deliveries deliveries;

        void transcription(@Observes @Priority(100) TranscriptionEvent e) throws Exception {
            Exception failure = deliveries.syncFailure;
            if (failure != null) {
                throw failure;
            }
        }

        void afterTheFailingOne(@Observes @Priority(200) TranscriptionEvent e) {
            deliveries.record("after-failing", e);
        }
    }

    @Dependent
    static class DeliveryFailures {
        @Inject
        Deliveries deliveries;

        void failed(@Observes DeliveryFailure failure) {
            deliveries.record("delivery-failure", failure);
            RuntimeException thrown = deliveries.deliveryFailureObserverFailure;
            if (thrown != null) {
                throw thrown;
            }
        }
    }

    /** Declared out of order on purpose: CDI orders by {@code @Priority}, not by declaration. */
    @Dependent
    static class Prioritized {
        @Inject
        Deliveries deliveries;

        void late(@Observes @Priority(3000) CallInitiationFailureEvent e) {
            deliveries.record("order", "3000");
        }

        void unprioritized(@Observes CallInitiationFailureEvent e) {
            deliveries.record("order", "default");
        }

        void first(@Observes @Priority(10) CallInitiationFailureEvent e) {
            deliveries.record("order", "10");
        }

        void middle(@Observes @Priority(2000) CallInitiationFailureEvent e) {
            deliveries.record("order", "2000");
        }
    }
}
