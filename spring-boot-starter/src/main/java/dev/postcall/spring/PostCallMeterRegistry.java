package dev.postcall.spring;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * The application's Micrometer {@code MeterRegistry}, typed {@code Object} so that the classes that hold it load
 * without Micrometer. {@link PostCallRegistration} hands it to the filter and the servlet as the servlet-context
 * attribute {@link dev.postcall.servlet.PostCallWebhookFilter#METER_REGISTRY}, so their meters land where Actuator's
 * {@code /actuator/metrics} and the application's exporters read, not in Micrometer's global registry.
 */
final class PostCallMeterRegistry implements Supplier<Object> {

    private final Supplier<?> registry;

    /** @param registry the registry bean, or {@code null} when the application has none (or several, none primary) */
    PostCallMeterRegistry(Supplier<?> registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** The registry, or {@code null} for none. */
    @Override
    public Object get() {
        return registry.get();
    }
}
