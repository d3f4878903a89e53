package dev.postcall.testsupport;

import java.io.PrintStream;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Prints a {@code [WARNING]} line with the reason for every test that was skipped ({@code @Disabled}) or aborted
 * (a failed assumption), so a skip is seen in the Maven console, not only in the XML report. Registered for every
 * module's tests through {@code META-INF/services}; the JUnit launcher finds it by itself.
 */
public final class SkipReporter implements TestExecutionListener {
    private final PrintStream out = System.out;

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        report(test, reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            report(test, result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
        }
    }

    private void report(TestIdentifier test, String reason) {
        out.println("[WARNING] SKIPPED " + name(test) + ": " + (reason == null ? "no reason given" : reason));
        out.flush();
    }

    private static String name(TestIdentifier test) {
        return test.getSource().map(source -> {
            if (source instanceof MethodSource method) {
                return simple(method.getClassName()) + " > " + test.getDisplayName();
            }
            if (source instanceof ClassSource type) {
                return simple(type.getClassName());
            }
            return test.getDisplayName();
        }).orElse(test.getDisplayName());
    }

    private static String simple(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
