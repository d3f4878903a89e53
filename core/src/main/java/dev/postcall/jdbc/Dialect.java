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
 * The databases whose DDL ships with the store. Only the DDL differs (the binary column's type: BYTEA, MEDIUMBLOB or
 * VARBINARY; where indexes are declared; MySQL's collation), and how backfill's lease reads the database's clock;
 * every other statement the store runs is plain SQL that all of them accept.
 */
enum Dialect {
    POSTGRESQL("postgresql.sql", "SELECT CAST(EXTRACT(EPOCH FROM CLOCK_TIMESTAMP()) * 1000 AS BIGINT)"),
    MYSQL("mysql.sql", "SELECT CAST(UNIX_TIMESTAMP(CURRENT_TIMESTAMP(3)) * 1000 AS SIGNED)"),
    H2("h2.sql", "SELECT CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000 AS BIGINT)");

    private final String resource;
    private final String now;

    Dialect(String resource, String now) {
        this.resource = resource;
        this.now = now;
    }

    /** A query of one row and one column: the database's clock, in milliseconds since the epoch. */
    String nowMillis() {
        return now;
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
