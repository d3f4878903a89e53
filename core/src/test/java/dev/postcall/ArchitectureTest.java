package dev.postcall;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.postcall.testsupport.Architecture;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Core's shape: its packages in layers, and nothing of the servlet, CDI or the sample. */
class ArchitectureTest {

    private final JavaClasses core = Architecture.mainClasses();

    @Test
    void packagesFormNoCycles() {
        Architecture.packagesFormNoCycles(core);
    }

    @Test
    void knowsNoServletNoCdiAndNoSample() {
        Architecture.knowsNone(core, "jakarta.servlet..", "jakarta.enterprise..", "dev.postcall.servlet..",
                "dev.postcall.cdi..", "dev.postcall.internal.cdi..", "dev.postcall.sample..");
    }

    @Test
    void backfillReachesTheDeliveryPipelineOnlyThroughItsSink() {
        Architecture.knowsNone(core.that(com.tngtech.archunit.core.domain.JavaClass.Predicates
                        .resideInAPackage("dev.postcall.internal.backfill")),
                "dev.postcall.spi..", "dev.postcall.internal.delivery..", "dev.postcall.internal.inbox..",
                "dev.postcall.inbox..", "dev.postcall.jdbc..");
    }

    @Test
    void theJsonInternalsKnowNeitherTheEventsNorTheModel() {
        Architecture.knowsNone(core.that(com.tngtech.archunit.core.domain.JavaClass.Predicates
                        .resideInAPackage("dev.postcall.internal.json")),
                "dev.postcall", "dev.postcall.model..", "dev.postcall.spi..");
    }

    /** ARCHITECTURE.md's layer table, row by row: each package uses only what its row names. */
    @Test
    void everyPackageUsesOnlyWhatTheLayerTableNames() {
        String p = "dev.postcall.";
        for (String bottom : List.of("signature", "testing", "monitoring", "internal.json", "internal.config")) {
            Architecture.usesOnly(core, p + bottom);
        }
        Architecture.usesOnly(core, p + "model", p + "internal.json");
        Architecture.usesOnly(core, p + "internal.net", p + "internal.config");
        Architecture.usesOnly(core, p + "internal.report", p + "model", p + "internal.json");
        Architecture.usesOnly(core, "dev.postcall", p + "model", p + "internal.json", p + "internal.report");
        Architecture.usesOnly(core, p + "spi", "dev.postcall");
        Architecture.usesOnly(core, p + "internal.body", "dev.postcall");
        Architecture.usesOnly(core, p + "internal.delivery", "dev.postcall", p + "spi", p + "monitoring");
        Architecture.usesOnly(core, p + "internal.backfill", "dev.postcall", p + "internal.json", p + "internal.body",
                p + "internal.config");
        Architecture.usesOnly(core, p + "jdbc", "dev.postcall", p + "spi");
        Architecture.usesOnly(core, p + "internal.inbox", "dev.postcall", p + "spi", p + "internal.body",
                p + "internal.delivery");
        Architecture.usesOnly(core, p + "internal.monitoring", p + "monitoring", p + "spi", p + "internal.delivery",
                p + "internal.inbox", p + "internal.backfill");
        Architecture.usesOnly(core, p + "internal.cli", "dev.postcall", p + "signature", p + "testing", p + "spi",
                p + "internal.inbox", p + "jdbc", p + "internal.config");
    }
}
