package dev.postcall.internal.cli;

import dev.postcall.BodySource;
import dev.postcall.jdbc.JdbcDeliveryStore;
import dev.postcall.jdbc.JdbcDeliveryStore.FailedDelivery;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code replay --jdbc-url}: POSTs every failed delivery of a {@link JdbcDeliveryStore} again, re-signed with a fresh
 * timestamp. It reads the rows and changes none of them itself: the receiving node's store finds the delivery's key
 * {@code failed}, claims the row and records its outcome, so what the receiver answered is read back from the row. A
 * delivery without a conversation id has no key to find (the receiver stores it anew), so after a 200 for one of
 * those its old row is marked done through {@link JdbcDeliveryStore#markReplayed(long)}.
 */
final class DatabaseReplay {

    static final String USER_ENV = "POSTCALL_JDBC_USER";
    static final String PASSWORD_ENV = "POSTCALL_JDBC_PASSWORD";
    private static final int PAGE = 100;
    /** Rows are listed in this order; a run replays those up to the last one there was when it started. */
    private static final Comparator<FailedDelivery> ORDER = Comparator.comparing(FailedDelivery::receivedAt)
            .thenComparingLong(FailedDelivery::id);

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
        try (DriverConnection database = DriverConnection.open(jdbcUrl, user, password)) {
            JdbcDeliveryStore store = JdbcDeliveryStore.open(database, JdbcDeliveryStore.options()
                    .tablePrefix(tablePrefix)
                    .maintenanceInterval(Duration.ZERO) // no pruning or recovery from here: only reads
                    .build());
            return replay(store, terminal);
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

    private int replay(JdbcDeliveryStore store, Main.Terminal terminal) throws SQLException {
        FailedDelivery last = lastFailed(store);
        int seen = 0;
        int done = 0;
        int skipped = 0;
        FailedDelivery after = null;
        while (last != null) {
            List<FailedDelivery> page = store.failed(after, PAGE);
            for (FailedDelivery failed : page) {
                if (ORDER.compare(failed, last) > 0) {
                    break; // failed during this run (a new row for one without a conversation id): the next run's
                }
                seen++;
                String line = describe(failed);
                Optional<BodySource> stored = store.body(failed.id());
                if (stored.isEmpty()) {
                    skipped++;
                    terminal.out().println(line + " -> no longer failed (replayed elsewhere meanwhile), skipped");
                    continue;
                }
                int status = poster.replay(() -> stored.get().openStream(), clock.instant(), terminal,
                        done + " of " + seen + " replayed");
                if (status == WebhookPoster.NOT_SENT) {
                    return Main.UNREACHABLE;
                }
                if (status != 200) {
                    terminal.out().println(line + " -> HTTP " + status + ", still failed");
                } else if (failed.conversationId() == null) {
                    store.markReplayed(failed.id());
                    done++;
                    terminal.out().println(line + " -> HTTP 200, done");
                } else if (store.body(failed.id()).isEmpty()) {
                    done++; // the receiving node claimed the row and recorded it done (its body dropped)
                    terminal.out().println(line + " -> HTTP 200, done");
                } else {
                    terminal.out().println(line + " -> HTTP 200 but not done: it failed again on the receiver (which"
                            + " accepts failures into its store), or the receiver does not keep its deliveries in"
                            + " this database under --table-prefix " + tablePrefix);
                }
            }
            if (page.size() < PAGE || ORDER.compare(page.get(page.size() - 1), last) >= 0) {
                break;
            }
            after = page.get(page.size() - 1);
        }
        int stillFailed = seen - done - skipped;
        terminal.out().printf("replayed %d of %d; %d still failed in %sdelivery%s%n", done, seen, stillFailed,
                tablePrefix, skipped > 0 ? ", " + skipped + " replayed elsewhere meanwhile" : "");
        return stillFailed == 0 ? Main.OK : Main.NOT_ACCEPTED;
    }

    /** The newest failed row there is now, or null: the run stops after it. */
    private static FailedDelivery lastFailed(JdbcDeliveryStore store) throws SQLException {
        FailedDelivery last = null;
        while (true) {
            List<FailedDelivery> page = store.failed(last, PAGE);
            if (page.isEmpty()) {
                return last;
            }
            last = page.get(page.size() - 1);
        }
    }

    /** A row in a line: what it is, never what it says. */
    private static String describe(FailedDelivery failed) {
        return "delivery " + failed.id() + " (" + failed.type() + ", conversation "
                + (failed.conversationId() == null ? "none" : failed.conversationId()) + ", " + failed.bodyLength()
                + " bytes, " + failed.attempts() + " attempt(s), last failure " + failed.failureClass() + ")";
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
