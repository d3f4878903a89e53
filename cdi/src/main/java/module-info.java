/** postcall's CDI integration: every verified event fired as a typed CDI event. */
module dev.postcall.cdi {
    requires transitive dev.postcall.core;
    requires transitive jakarta.cdi;
    requires jakarta.inject;
    requires java.naming;
    // the readiness check is registered only where MicroProfile Health is present (the API has no module name)
    requires static microprofile.health.api;

    exports dev.postcall.cdi;

    provides dev.postcall.spi.PostCallEventHandler with dev.postcall.internal.cdi.CdiEventHandler;
    // the container's OpenTelemetry bean (MicroProfile Telemetry, Quarkus) for the deliveries' spans
    provides dev.postcall.internal.monitoring.OpenTelemetrySource with dev.postcall.internal.cdi.CdiOpenTelemetry;
    // the readiness check's registration, run by Weld (through its Lite extension translator) and by Quarkus's ArC
    provides jakarta.enterprise.inject.build.compatible.spi.BuildCompatibleExtension
            with dev.postcall.internal.cdi.PostCallExtension;
}
