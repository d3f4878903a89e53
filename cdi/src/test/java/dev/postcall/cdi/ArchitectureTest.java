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
}
