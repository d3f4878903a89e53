package dev.postcall.servlet;

/**
 * {@link TwoNodeTest} on a real MariaDB: two servers in JVMs of their own share one MariaDB database (the machine's
 * {@code mariadb-server}, started by test-support's {@code MariaDbServer}; skipped loudly where it is missing), one of
 * them killed with SIGKILL mid-run and restarted; every distinct event is handled, its effect there exactly once.
 */
class MariaDbTwoNodeTest extends TwoNodeTest {

    @Override
    TestDatabase database() {
        return TestDatabase.MARIADB;
    }
}
