package dev.postcall.spring;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * The tracer of the deliveries' observations, typed {@code Object} so that the classes that hold it load without
 * Micrometer Observation: {@link PostCallRegistration} hands it to the servlet as the servlet-context attribute
 * {@code DeliveryTracer.ATTRIBUTE}. {@code null} when the application has no {@code ObservationRegistry} bean (one
 * comes with Spring Boot Actuator).
 */
final class PostCallObservations implements Supplier<Object> {

    private final Supplier<?> tracer;

    /** @param tracer an {@link ObservedDeliveries} over the registry bean, or {@code null} without one */
    PostCallObservations(Supplier<?> tracer) {
        this.tracer = Objects.requireNonNull(tracer, "tracer");
    }

    @Override
    public Object get() {
        return tracer.get();
    }
}
