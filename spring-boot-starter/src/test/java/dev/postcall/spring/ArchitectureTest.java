package dev.postcall.spring;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.postcall.testsupport.Architecture;
import org.junit.jupiter.api.Test;

/** The starter's shape: ARCHITECTURE.md's row for it, and nothing of CDI or the samples. */
class ArchitectureTest {

    /**
     * The starter's classes wherever they are on the class path: its {@code target/classes} here, its jar where
     * {@code spring-boot3-test} runs these tests on Spring Boot 3.5.
     */
    private final JavaClasses starter = new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests())
            .importPackages("dev.postcall.spring");

    @Test
    void knowsNoCdiAndNoSample() {
        Architecture.knowsNone(starter, "jakarta.enterprise..", "dev.postcall.cdi..", "dev.postcall.internal.cdi..",
                "dev.postcall.sample..");
    }

    /**
     * ARCHITECTURE.md's row for the starter: core's and the servlet's API, and of core's internals only
     * {@code internal.delivery} and {@code internal.monitoring}, the two its JPMS module is exported.
     */
    @Test
    void usesCoresAndTheServletsApiAndOfCoresInternalsOnlyDeliveryAndMonitoring() {
        Architecture.knowsNone(starter, "dev.postcall.internal.json..", "dev.postcall.internal.report..",
                "dev.postcall.internal.body..", "dev.postcall.internal.inbox..", "dev.postcall.internal.net..",
                "dev.postcall.internal.config..", "dev.postcall.internal.backfill..", "dev.postcall.internal.cli..");
        Architecture.usesOnly(starter, "dev.postcall.spring", "dev.postcall", "dev.postcall.model",
                "dev.postcall.spi", "dev.postcall.monitoring", "dev.postcall.signature", "dev.postcall.testing",
                "dev.postcall.jdbc", "dev.postcall.servlet", "dev.postcall.internal.delivery",
                "dev.postcall.internal.monitoring");
    }
}
