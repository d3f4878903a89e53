package dev.postcall.spring;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.ClassUtils;

/**
 * How the running Spring Boot applies {@code TaskDecorator} beans to the executors it builds: Spring Boot 4 composes
 * all of them ({@link Composed}); Spring Boot 3.5 applies one only when it is the only one ({@link Single}). Told by
 * a class Spring Boot 4 moved: {@code org.springframework.boot.EnvironmentPostProcessor} (in
 * {@code org.springframework.boot.env} before).
 */
final class TaskDecorators {

    private static final String BOOT_4_CLASS = "org.springframework.boot.EnvironmentPostProcessor";

    private TaskDecorators() {
    }

    static boolean composed(ClassLoader loader) {
        return ClassUtils.isPresent(BOOT_4_CLASS, loader);
    }

    /**
     * What Spring Boot 3.5 applies (the application's {@code TaskDecorator} bean when it has exactly one), then the
     * starter's around what it made.
     */
    static TaskDecorator afterTheApplications(ObjectProvider<TaskDecorator> decorators, BodyLeases leases) {
        TaskDecorator first = decorators.getIfUnique();
        TaskDecorator then = leases.decorator();
        return first == null ? then : task -> then.decorate(first.decorate(task));
    }

    /** Spring Boot 4: every {@code TaskDecorator} bean is applied. */
    static final class Composed implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return composed(context.getClassLoader());
        }
    }

    /** Spring Boot 3.5: a {@code TaskDecorator} bean is applied only when it is the only one. */
    static final class Single implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !composed(context.getClassLoader());
        }
    }
}
