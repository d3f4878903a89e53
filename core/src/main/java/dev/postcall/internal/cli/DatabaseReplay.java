package dev.postcall.internal.cli;

import dev.postcall.jdbc.JdbcDeliveryStore;
import dev.postcall.spi.DeliveryStore;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;

/**
 * {@code replay --jdbc-url}: the database store's failed deliveries, replayed by {@link StoreReplay} over one
 * connection opened with credentials from the environment.
 */
final class DatabaseReplay {

    static final String USER_ENV = "POSTCALL_JDBC_USER";
    static final String PASSWORD_ENV = "POSTCALL_JDBC_PASSWORD";

    private final String jdbcUrl;
    private final String tablePrefix;
    private final WebhookPoster poster;
    private final Clock clock;

    DatabaseReplay(String jdbcUrl, String tablePrefix, WebhookPoster poster, Clock clock) {
        this.jdbcUrl = jdbcUrl;
        this.tablePrefix = tablePrefix;
        this.poster = poster;
        this.clock = clock;
    }

    /**
     * Refuses a URL that carries a password: it would be in the shell's history and every process listing. Says so
     * without repeating the URL.
     */
    static void checkUrl(String jdbcUrl) throws Main.UsageException {
        if (!jdbcUrl.startsWith("jdbc:")) {
            throw new Main.UsageException("--jdbc-url must be a JDBC URL (jdbc:postgresql://host:5432/app, ...)");
        }
        String lower = jdbcUrl.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("password=") || lower.matches("jdbc:[a-z0-9:]+//[^/@?;]*:[^/@?;]*@.*")) {
            throw new Main.UsageException("--jdbc-url must not hold a password: set " + PASSWORD_ENV
                    + " (and " + USER_ENV + ") in the environment instead");
        }
    }

    int run(Main.Terminal terminal) {
        String user = blankToNull(terminal.env().get(USER_ENV));
        String password = blankToNull(terminal.env().get(PASSWORD_ENV));
        if (password != null && user == null) {
            terminal.err().println("postcall replay: " + PASSWORD_ENV + " is set but " + USER_ENV + " is not");
            return Main.USAGE;
        }
        try (DriverConnection database = DriverConnection.open(jdbcUrl, user, password);
             JdbcDeliveryStore store = JdbcDeliveryStore.open(database, JdbcDeliveryStore.options()
                     .tablePrefix(tablePrefix)
                     .maintenanceInterval(Duration.ZERO) // no pruning or recovery from here: only reads
                     .build())) {
            return new StoreReplay(store, poster, clock).run(terminal);
        } catch (DeliveryStore.StoreException e) {
            terminal.err().println("postcall replay: " + describe(e.getCause() instanceof SQLException sql ? sql
                    : new SQLException(e.getMessage()), password));
            return Main.UNREACHABLE;
        } catch (DriverConnection.NoDriverException e) {
            terminal.err().println("postcall replay: no JDBC driver on the classpath accepts " + jdbcUrl + "; run"
                    + " java -cp postcall-cli.jar:<the driver's jar> dev.postcall.internal.cli.Main replay ...");
            return Main.UNREACHABLE;
        } catch (SQLException e) {
            terminal.err().println("postcall replay: " + describe(e, password));
            return Main.UNREACHABLE;
        } catch (IllegalArgumentException e) {
            terminal.err().println("postcall replay: " + e.getMessage()); // a --table-prefix the store refuses
            return Main.USAGE;
        }
    }

    /** A database failure in a line, with a hint for refused credentials; the password never appears. */
    static String describe(SQLException e, String password) {
        String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        if (password != null && !password.isEmpty()) {
            message = message.replace(password, "****");
        }
        String state = e.getSQLState();
        if (state != null && state.startsWith("28")) {
            return "the database refused the credentials (" + message + "); set " + USER_ENV + " and "
                    + PASSWORD_ENV;
        }
        return "cannot read the delivery store: " + message;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
