package dev.postcall.cdi.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

/** The {@link OpenTelemetry} bean a MicroProfile Telemetry container provides, its spans kept in memory. */
@ApplicationScoped
public class ContainerTelemetry {

    static final InMemorySpanExporter EXPORTED = InMemorySpanExporter.create();
    private static final OpenTelemetry SDK = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(EXPORTED))
                    .build())
            .build();

    @Produces
    @Dependent
    OpenTelemetry openTelemetry() {
        return SDK;
    }
}
