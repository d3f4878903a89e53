package dev.postcall.servlet;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;

/**
 * The init-params of the filter or the servlet, read the same way for both: names to raw values in declaration
 * order, the web application's class loader their references and handlers are looked up in, the check that every
 * name is known, and the one message that lists every problem.
 */
final class InitParams {
    private InitParams() {
    }

    /** The filter's init-params. */
    static Map<String, String> of(FilterConfig config) {
        return read(config.getInitParameterNames(), config::getInitParameter);
    }

    /** The servlet's init-params. */
    static Map<String, String> of(ServletConfig config) {
        return read(config.getInitParameterNames(), config::getInitParameter);
    }

    private static Map<String, String> read(Enumeration<String> names, Function<String, String> value) {
        Map<String, String> params = new LinkedHashMap<>();
        while (names.hasMoreElements()) {
            String name = names.nextElement();
            params.put(name, value.apply(name));
        }
        return params;
    }

    /**
     * The web application's class loader: the context's, or in a restricted context the thread's, which is the web
     * application's while the container runs {@code init()}.
     */
    static ClassLoader classLoader(ServletContext context) {
        try {
            ClassLoader loader = context.getClassLoader();
            if (loader != null) {
                return loader;
            }
        } catch (SecurityException | UnsupportedOperationException e) {
            // fall through to the thread's
        }
        return Thread.currentThread().getContextClassLoader();
    }

    /**
     * Starts the problem list of {@code component} with one entry per init-param it does not know, saying so when
     * the name belongs to {@code other} (the filter's names given to the servlet, or the other way round).
     */
    static List<String> unknownNames(Map<String, String> params, String component, List<String> known, String other,
            List<String> othersNames) {
        List<String> problems = new ArrayList<>();
        for (String name : params.keySet()) {
            if (!known.contains(name)) {
                problems.add("unknown init-param '" + name + "'; the " + component + " knows " + String.join(", ", known)
                        + (othersNames.contains(name) ? " ('" + name + "' belongs to " + other + ")" : ""));
            }
        }
        return problems;
    }

    /**
     * Does nothing when there are no problems; else throws one exception listing them, one per line.
     *
     * @throws IllegalArgumentException {@code "<className> is not configured correctly (n problems):"} and the list
     */
    static void failOn(List<String> problems, String className) {
        if (problems.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder(className).append(" is not configured correctly (")
                .append(problems.size()).append(problems.size() == 1 ? " problem):" : " problems):");
        for (String problem : problems) {
            message.append("\n - ").append(problem);
        }
        throw new IllegalArgumentException(message.toString());
    }
}
