package dev.postcall.jdbc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock a test moves forward by hand, shared by the "nodes" of one test (public for the CLI's tests). */
public final class MutableClock extends Clock {
    private final AtomicLong millis = new AtomicLong(Instant.parse("2026-11-22T17:00:00Z").toEpochMilli());

    /** Moves the clock on by {@code d}. */
    public void advance(Duration d) {
        millis.addAndGet(d.toMillis());
    }

    @Override public ZoneId getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(ZoneId zone) { return this; }
    @Override public long millis() { return millis.get(); }
    @Override public Instant instant() { return Instant.ofEpochMilli(millis()); }
}
