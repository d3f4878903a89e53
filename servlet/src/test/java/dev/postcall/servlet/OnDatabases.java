package dev.postcall.servlet;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;

/**
 * The databases a test class's {@code @ParameterizedTest @ArgumentsSource(OnDatabases.Each.class)} methods run on. A
 * subclass that names others runs the same tests on those, under a name of its own:
 *
 * <pre>{@code
 * @OnDatabases(TestDatabase.MARIADB)
 * class MariaDbDatabaseInboxTest extends DatabaseInboxTest { }
 * }</pre>
 */
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface OnDatabases {

    /** The databases, in the order the tests run on them. */
    TestDatabase[] value();

    /** Hands each test the databases its class names (the nearest {@link OnDatabases} up its hierarchy). */
    final class Each implements ArgumentsProvider {
        @Override
        public Stream<? extends Arguments> provideArguments(ExtensionContext context) {
            OnDatabases on = context.getRequiredTestClass().getAnnotation(OnDatabases.class);
            if (on == null) {
                throw new IllegalStateException(context.getRequiredTestClass().getName()
                        + " names no databases: annotate it with @OnDatabases");
            }
            return Arrays.stream(on.value()).map(Arguments::of);
        }
    }
}
