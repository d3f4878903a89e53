package dev.postcall.servlet;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.postcall.testsupport.Architecture;
import org.junit.jupiter.api.Test;

/** The servlet module's shape: no package cycles, and nothing of CDI or the sample. */
class ArchitectureTest {

    private final JavaClasses servlet = Architecture.mainClasses();

    @Test
    void packagesFormNoCycles() {
        Architecture.packagesFormNoCycles(servlet);
    }

    @Test
    void knowsNoCdiAndNoSample() {
        Architecture.knowsNone(servlet, "jakarta.enterprise..", "dev.postcall.cdi..", "dev.postcall.internal.cdi..",
                "dev.postcall.sample..");
    }

    /** ARCHITECTURE.md's row for the servlet jar: core's API and the internals it names, not the rest. */
    @Test
    void usesCoresApiAndOnlyTheInternalsTheLayerTableNames() {
        Architecture.knowsNone(servlet, "dev.postcall.internal.json..", "dev.postcall.internal.report..",
                "dev.postcall.internal.cli..");
    }
}
