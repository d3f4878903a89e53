package dev.postcall.spring;

import java.lang.reflect.Field;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

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
     * What the builder set on {@code executor} (its {@code taskDecorator(...)}: one the application gave it, or else
     * the application's {@code TaskDecorator} bean when it has exactly one, which is what Spring Boot 3.5 gives it),
     * then the starter's around what it made. The builder applies its customizers after it has set its decorator, and
     * the executors have no getter for it: it is read from their field, and where that cannot be, Spring Boot's
     * choice is assumed.
     */
    static TaskDecorator afterTheApplications(Object executor, ObjectProvider<TaskDecorator> decorators,
            BodyLeases leases) {
        TaskDecorator first = set(executor, decorators);
        TaskDecorator then = leases.decorator();
        return first == null ? then : task -> then.decorate(first.decorate(task));
    }

    private static TaskDecorator set(Object executor, ObjectProvider<TaskDecorator> decorators) {
        Field field = ReflectionUtils.findField(executor.getClass(), "taskDecorator", TaskDecorator.class);
        if (field != null) {
            try {
                ReflectionUtils.makeAccessible(field);
                return (TaskDecorator) field.get(executor);
            } catch (IllegalAccessException | RuntimeException e) {
                // Spring Boot's choice, below
            }
        }
        return decorators.getIfUnique();
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
