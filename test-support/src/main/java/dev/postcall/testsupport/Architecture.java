package dev.postcall.testsupport;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
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

    /**
     * Fails when a class of the package {@code pkg} itself (not its sub-packages) uses a postcall class outside
     * {@code pkg} and {@code uses}: one row of ARCHITECTURE.md's layer table ({@code "dev.postcall"} is the root).
     */
    public static void usesOnly(JavaClasses classes, String pkg, String... uses) {
        String[] allowed = java.util.stream.Stream.concat(java.util.stream.Stream.of(pkg),
                java.util.Arrays.stream(uses)).toArray(String[]::new);
        noClasses().that().resideInAPackage(pkg).should().dependOnClassesThat(
                        JavaClass.Predicates.resideInAPackage("dev.postcall..")
                                .and(DescribedPredicate.not(JavaClass.Predicates.resideInAnyPackage(allowed))))
                .because("ARCHITECTURE.md's layer table says " + pkg + " uses only " + String.join(", ", uses))
                .check(classes);
    }
}
