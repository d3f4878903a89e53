package dev.postcall.spring;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names the observation of each delivery and its key values. The starter uses
 * {@link DefaultPostCallObservationConvention} unless the application has a bean of this type, which then wins:
 *
 * <pre>{@code
 * @Bean
 * PostCallObservationConvention postCallObservationConvention() {
 *     return new DefaultPostCallObservationConvention() {
 *         @Override
 *         public KeyValues getLowCardinalityKeyValues(PostCallObservationContext context) {
 *             return super.getLowCardinalityKeyValues(context).and("team", "calls");
 *         }
 *     };
 * }
 * }</pre>
 *
 * <p>Low-cardinality key values become the timer's tags and span attributes; high-cardinality ones only span
 * attributes. Keep conversation ids among the high-cardinality ones: as a tag, each would be a time series.
 */
public interface PostCallObservationConvention extends ObservationConvention<PostCallObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof PostCallObservationContext;
    }
}
