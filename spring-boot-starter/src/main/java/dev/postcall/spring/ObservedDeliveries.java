package dev.postcall.spring;

import java.util.Objects;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import dev.postcall.internal.delivery.DeliveryTracer;
import dev.postcall.internal.delivery.Dispatcher;
import dev.postcall.internal.monitoring.DeliveryOutcome;

/**
 * One Micrometer observation per delivery, in the application's {@link ObservationRegistry}: with Micrometer it is
 * the timer {@value DefaultPostCallObservationConvention#NAME}, with Micrometer Tracing a CONSUMER span, a child of the
 * server's {@code http.server.requests} observation, current (its scope open) while the listeners run. The servlet
 * gets it under {@link DeliveryTracer#ATTRIBUTE}, so OpenTelemetry's own spans are not made beside it.
 */
final class ObservedDeliveries implements DeliveryTracer {

    private static final PostCallObservationConvention DEFAULT = new DefaultPostCallObservationConvention();
    private static final OpenSpan NOTHING = result -> { };

    private final ObservationRegistry registry;
    private final PostCallObservationConvention convention;

    /**
     * @param registry   the application's registry
     * @param convention the application's convention, or {@link DefaultPostCallObservationConvention}
     */
    ObservedDeliveries(ObservationRegistry registry, PostCallObservationConvention convention) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.convention = Objects.requireNonNull(convention, "convention");
    }

    @Override
    public OpenSpan start(String type, String conversationId, long bodyBytes, Origin origin) {
        try {
            PostCallObservationContext context = new PostCallObservationContext(type, conversationId, bodyBytes,
                    origin.label);
            Observation observation = Observation.createNotStarted(convention, DEFAULT, () -> context, registry)
                    .start();
            return new Open(observation, observation.openScope(), context);
        } catch (RuntimeException e) {
            // a handler of the registry that throws: no observation, same delivery
            return NOTHING;
        }
    }

    @Override
    public String toString() {
        return "Micrometer Observation (" + convention.getClass().getName() + ")";
    }

    /** An observation and the scope that makes it current. */
    private record Open(Observation observation, Observation.Scope scope, PostCallObservationContext context)
            implements OpenSpan {
        @Override
        public void end(Dispatcher.Result result) {
            try {
                String errorType = DeliveryTracer.errorType(result);
                context.ended(result == null ? "unknown" : DeliveryOutcome.of(result.outcome()).label, errorType);
                if (errorType != null) {
                    Throwable why = result == null ? null : result.cause() != null ? result.cause() : result.store();
                    observation.error(new DeliveryFailedException(errorType, why));
                }
            } catch (RuntimeException e) {
                // the observation stops below all the same
            } finally {
                try {
                    scope.close();
                } catch (RuntimeException e) {
                    // the observation stops all the same
                }
                try {
                    observation.stop();
                } catch (RuntimeException e) {
                    // a handler of the registry that throws must not cost the sender its answer
                }
            }
        }
    }

    /**
     * What the observation of a failed delivery records as its error: the problem type and the failure's class, never
     * the failure itself, whose message may quote the payload. No stack trace: it would show postcall, not the cause.
     */
    static final class DeliveryFailedException extends Exception {
        private static final long serialVersionUID = 1L;

        DeliveryFailedException(String errorType, Throwable why) {
            super(why == null ? errorType : errorType + " (" + why.getClass().getName() + ")", null, false, false);
        }
    }
}
