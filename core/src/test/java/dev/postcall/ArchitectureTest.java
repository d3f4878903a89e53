package dev.postcall;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.postcall.testsupport.Architecture;
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
}
