package dev.postcall.testsupport;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shape every module's {@code ArchitectureTest} checks with ArchUnit, on the module's own main classes: its
 * packages call each other in layers, never in a circle, and it knows none of the modules above or beside it.
 *
 * <pre>{@code
 * JavaClasses core = Architecture.mainClasses();
 * Architecture.packagesFormNoCycles(core);
 * Architecture.knowsNone(core, "jakarta.servlet..", "dev.postcall.servlet..");
 * }</pre>
 */
public final class Architecture {

    private Architecture() {
    }

    /** The module's main classes, as compiled into its {@code target/classes} (tests run in the module's folder). */
    public static JavaClasses mainClasses() {
        Path classes = Path.of("target", "classes");
        if (!Files.isDirectory(classes)) {
            throw new IllegalStateException("no " + classes.toAbsolutePath() + ": run the tests with Maven, which"
                    + " compiles the main classes first, from the module's folder");
        }
        return new ClassFileImporter().importPath(classes);
    }

    /** Fails when two packages depend on each other, directly or through others. */
    public static void packagesFormNoCycles(JavaClasses classes) {
        slices().matching("dev.(**)").namingSlices("$1")
                .should().beFreeOfCycles()
                .because("packages form layers: a cycle means neither can be understood or changed alone")
                .check(classes);
    }

    /** Fails when any class depends on a class in one of {@code packages} (ArchUnit's {@code ..} notation). */
    public static void knowsNone(JavaClasses classes, String... packages) {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(packages)
                .because("a module knows only the modules below it")
                .check(classes);
    }
}
