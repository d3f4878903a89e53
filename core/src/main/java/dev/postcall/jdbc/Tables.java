package dev.postcall.jdbc;

import java.util.regex.Pattern;

/**
 * The store's table names under a prefix. The prefix becomes part of SQL text, so it is checked to be plain
 * identifier characters, optionally after one schema name and a dot ({@code app.postcall_}).
 *
 * @param delivery the deliveries' table, {@code <prefix>delivery}
 * @param chunk    the body chunks' table, {@code <prefix>body_chunk}
 * @param name     the prefix without its schema, for constraint and index names
 * @param backfill backfill's state (its watermark and lease), {@code <prefix>backfill}: used only when backfill is on
 */
record Tables(String delivery, String chunk, String name, String backfill) {

    private static final Pattern PREFIX = Pattern.compile("([A-Za-z_][A-Za-z0-9_]{0,40}\\.)?[A-Za-z_][A-Za-z0-9_]{0,30}");

    /** @throws IllegalArgumentException when the prefix is not an identifier (or schema.identifier) */
    static Tables withPrefix(String prefix) {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("tablePrefix must be letters, digits and '_', at most 31 of them,"
                    + " starting with a letter or '_', optionally after a schema name and a dot (app.postcall_)");
        }
        int dot = prefix.indexOf('.');
        return new Tables(prefix + "delivery", prefix + "body_chunk", prefix.substring(dot + 1), prefix + "backfill");
    }

    /** Replaces {@code ${delivery}}, {@code ${chunk}}, {@code ${backfill}} and {@code ${name}} in SQL text. */
    String substitute(String sql) {
        return sql.replace("${delivery}", delivery).replace("${chunk}", chunk).replace("${backfill}", backfill)
                .replace("${name}", name);
    }
}
