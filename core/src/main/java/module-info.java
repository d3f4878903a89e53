/**
 * postcall's core: the events and their parser, the payload model, signing and verification, the handler and
 * delivery-store SPIs, the database store and the sample payloads. The internal packages are exported to postcall's own
 * servlet module only, and opened for the JSON-B implementation that binds the model.
 */
module dev.postcall.core {
    requires transitive jakarta.json;
    requires transitive jakarta.json.bind;
    // backfill reads ElevenLabs' API with the JDK's HTTP client (the CLI posts with it too)
    requires java.net.http;
    // the database store (dev.postcall.jdbc) works over any javax.sql.DataSource
    requires transitive java.sql;
    // the webhooks' MBeans; Micrometer's meters only where an application has Micrometer
    requires java.management;
    requires static micrometer.core;
    // a span per delivery only where an application has OpenTelemetry's API
    requires static io.opentelemetry.api;
    requires static io.opentelemetry.context;

    exports dev.postcall;
    exports dev.postcall.model;
    exports dev.postcall.signature;
    exports dev.postcall.spi;
    exports dev.postcall.testing;
    exports dev.postcall.jdbc;
    exports dev.postcall.monitoring;

    exports dev.postcall.internal.body to dev.postcall.servlet;
    exports dev.postcall.internal.config to dev.postcall.servlet;
    exports dev.postcall.internal.delivery to dev.postcall.servlet, dev.postcall.spring;
    exports dev.postcall.internal.inbox to dev.postcall.servlet;
    exports dev.postcall.internal.net to dev.postcall.servlet;
    exports dev.postcall.internal.monitoring to dev.postcall.servlet, dev.postcall.cdi, dev.postcall.spring;
    exports dev.postcall.internal.backfill to dev.postcall.servlet;

    // postcall-cdi lists the CDI container's OpenTelemetry here
    uses dev.postcall.internal.monitoring.OpenTelemetrySource;

    // JSON-B creates the adapters and deserializers and binds the records reflectively
    opens dev.postcall.model;
    opens dev.postcall.internal.json;
    opens dev.postcall.internal.report;
}
