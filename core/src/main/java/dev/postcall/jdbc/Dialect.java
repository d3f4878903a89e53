package dev.postcall.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The databases whose DDL ships with the store. Besides the DDL (the binary column's type: BYTEA, MEDIUMBLOB or
 * VARBINARY; where indexes are declared; MySQL's collation) they differ in two words of the statements the store
 * runs: how the database says what time it is, in epoch milliseconds (every timestamp the store writes and every
 * take-over decision is the database's clock, so that nodes whose clocks disagree still agree on whose claim is
 * stale), and whether an insert can skip a row whose key is taken without an error (PostgreSQL's
 * {@code ON CONFLICT DO NOTHING}; elsewhere the store catches the unique violation). Backfill's lease reads the same
 * clock.
 */
enum Dialect {
    POSTGRESQL("postgresql.sql", "CAST(EXTRACT(EPOCH FROM statement_timestamp()) * 1000 AS BIGINT)"),
    /**
     * MariaDB's and MySQL's: UTC_TIMESTAMP does not depend on the session's time zone, and TIMESTAMPDIFF from the
     * epoch written as a UTC datetime is plain arithmetic (UNIX_TIMESTAMP(NOW()) would read a local time, ambiguous
     * for an hour each autumn).
     */
    MYSQL("mysql.sql", "(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6)) DIV 1000)"),
    /** H2's: EXTRACT(EPOCH ...) of its TIMESTAMP WITH TIME ZONE (DATEDIFF would count in the session's zone). */
    H2("h2.sql", "CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000 AS BIGINT)");

    private final String resource;
    private final String now;

    Dialect(String resource, String now) {
        this.resource = resource;
        this.now = now;
    }

    /** The database's current time in epoch milliseconds, as an SQL expression of type BIGINT. */
    String now() {
        return now;
    }

    /** Whether {@code INSERT ... ON CONFLICT DO NOTHING} skips a row whose key or id is taken, without an error. */
    boolean insertsIfAbsent() {
        return this == POSTGRESQL;
    }

    /** A query of one row and one column: the database's clock, in milliseconds since the epoch. */
    String nowMillis() {
        return "SELECT " + now;
    }

    /** The DDL's resource name, next to this class. */
    String resource() {
        return resource;
    }

    /**
     * The dialect of a database product as its driver names it, or {@code null} for one without shipped DDL.
     * MariaDB takes MySQL's DDL.
     */
    static Dialect of(String productName) {
        String name = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
        if (name.contains("postgres")) {
            return POSTGRESQL;
        }
        if (name.contains("mysql") || name.contains("mariadb")) {
            return MYSQL;
        }
        if (name.equals("h2")) {
            return H2;
        }
        return null;
    }

    /** The DDL statements for these tables, placeholders replaced, comments left out. */
    List<String> statements(Tables tables) {
        String text;
        try (InputStream in = Dialect.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource dev/postcall/jdbc/" + resource);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder sql = new StringBuilder();
        for (String line : text.split("\n")) {
            if (!line.strip().startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        List<String> statements = new ArrayList<>();
        for (String statement : tables.substitute(sql.toString()).split(";")) {
            if (!statement.isBlank()) {
                statements.add(statement.strip());
            }
        }
        return statements;
    }

    /**
     * Whether an exception says a unique key or primary key was violated: SQLState 23505 (PostgreSQL, H2, the SQL
     * standard), or 23000 with MySQL's and MariaDB's vendor codes 1062 / 1586 (duplicate entry). Causes and chained
     * exceptions count too, for drivers and pools that wrap.
     */
    static boolean isUniqueViolation(SQLException e) {
        return anyInChain(e, s -> "23505".equals(s.getSQLState())
                || ("23000".equals(s.getSQLState()) && (s.getErrorCode() == 1062 || s.getErrorCode() == 1586)));
    }

    /** Whether {@code test} holds for the exception, one of its causes, or one chained to either. */
    static boolean anyInChain(SQLException e, Predicate<SQLException> test) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException s = sql; s != null; s = s.getNextException()) {
                    if (test.test(s)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
