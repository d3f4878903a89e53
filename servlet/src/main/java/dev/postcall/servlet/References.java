package dev.postcall.servlet;

import java.util.List;
import java.util.Map;

/**
 * The reference language of init-param values: {@code ${env:NAME}}, {@code ${sys:name}}, {@code ${jndi:name}} and
 * {@code ${mp:key}}, resolved through {@link ConfigSources}, any number of them inside one value. A reference that
 * cannot be resolved adds a problem that says where to set it; a resolved value never appears in a problem.
 */
final class References {
    private References() {
    }

    /**
     * The init-param's value with its references resolved; {@code null} when the param is absent, or when a
     * reference could not be resolved (then a problem was added).
     */
    static String value(String name, Map<String, String> params, ConfigSources sources, List<String> problems) {
        String raw = params.get(name);
        if (raw == null) {
            return null;
        }
        int open = raw.indexOf("${");
        if (open < 0) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        int at = 0;
        boolean ok = true;
        while (open >= 0) {
            out.append(raw, at, open);
            int close = raw.indexOf('}', open + 2);
            if (close < 0) {
                problems.add(name + ": '${' without a closing '}'");
                return null;
            }
            String resolved = resolve(name, raw.substring(open + 2, close), sources, problems);
            if (resolved == null) {
                ok = false;
            } else {
                out.append(resolved);
            }
            at = close + 1;
            open = raw.indexOf("${", at);
        }
        out.append(raw, at, raw.length());
        return ok ? out.toString() : null;
    }

    private static String resolve(String name, String reference, ConfigSources sources, List<String> problems) {
        int colon = reference.indexOf(':');
        String scheme = colon < 0 ? "" : reference.substring(0, colon).strip();
        String key = colon < 0 ? "" : reference.substring(colon + 1).strip();
        String shown = "${" + reference + "}";
        if (key.isEmpty()) {
            problems.add(name + ": " + shown + " names nothing; write ${env:NAME}, ${sys:name}, ${jndi:name} or"
                    + " ${mp:key}");
            return null;
        }
        String value;
        try {
            switch (scheme) {
                case "env" -> value = sources.env(key);
                case "sys" -> value = sources.sys(key);
                case "jndi" -> value = sources.jndi(key);
                case "mp" -> value = sources.mp(key);
                default -> {
                    problems.add(name + ": " + shown + " uses an unknown source '" + scheme
                            + "'; use env, sys, jndi or mp");
                    return null;
                }
            }
        } catch (IllegalStateException e) {
            problems.add(name + ": " + shown + " cannot be resolved: " + e.getMessage());
            return null;
        }
        if (value == null) {
            String where = switch (scheme) {
                case "env" -> "set the environment variable " + key;
                case "sys" -> "set the system property " + key + " (-D" + key + "=…)";
                case "jndi" -> "bind " + (key.startsWith("java:") ? key : "java:comp/env/" + key) + " in the container";
                default -> "define " + key + " in MicroProfile Config";
            };
            problems.add(name + ": " + shown + " is not set; " + where);
        }
        return value;
    }
}
