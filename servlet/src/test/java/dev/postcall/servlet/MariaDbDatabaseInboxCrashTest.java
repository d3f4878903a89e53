package dev.postcall.servlet;

/**
 * {@link DatabaseInboxCrashTest} on a real MariaDB (the machine's {@code mariadb-server}, started by test-support's
 * {@code MariaDbServer}; skipped loudly where it is missing): a delivery whose JVM was killed with SIGKILL mid-dispatch
 * is moved to failed when its node starts again, and replayed once.
 */
@OnDatabases(TestDatabase.MARIADB)
class MariaDbDatabaseInboxCrashTest extends DatabaseInboxCrashTest {
}
