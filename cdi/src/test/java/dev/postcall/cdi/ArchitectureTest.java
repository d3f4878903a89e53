package dev.postcall.cdi;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.postcall.testsupport.Architecture;
import org.junit.jupiter.api.Test;

/** The CDI module's shape: no package cycles, and nothing of the servlet module or the sample. */
class ArchitectureTest {

    private final JavaClasses cdi = Architecture.mainClasses();

    @Test
    void packagesFormNoCycles() {
        Architecture.packagesFormNoCycles(cdi);
    }

    @Test
    void knowsNoServletAndNoSample() {
        Architecture.knowsNone(cdi, "jakarta.servlet..", "dev.postcall.servlet..", "dev.postcall.sample..");
    }

    /** ARCHITECTURE.md's row for the cdi jar: core's API, and of its internals only the OpenTelemetry seam. */
    @Test
    void usesCoresApiAndOfItsInternalsOnlyMonitoring() {
        Architecture.knowsNone(cdi, "dev.postcall.internal.json..", "dev.postcall.internal.report..",
                "dev.postcall.internal.body..", "dev.postcall.internal.delivery..", "dev.postcall.internal.inbox..",
                "dev.postcall.internal.net..", "dev.postcall.internal.config..", "dev.postcall.internal.backfill..",
                "dev.postcall.internal.cli..");
        Architecture.usesOnly(cdi, "dev.postcall.cdi", "dev.postcall", "dev.postcall.model", "dev.postcall.spi",
                "dev.postcall.monitoring");
    }
}
