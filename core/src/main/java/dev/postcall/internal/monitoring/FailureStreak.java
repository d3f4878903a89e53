package dev.postcall.internal.monitoring;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The non-200 answers to verified deliveries since the last 200, and the last {@value #KEPT} of them. ElevenLabs
 * disables an endpoint after 10 failed deliveries in a row; this is how postcall sees it coming. A 200 costs one
 * read of the count while nothing failed.
 */
public final class FailureStreak {
    /** How many of the streak's failures are remembered for the warning. */
    public static final int KEPT = 5;

    /**
     * One failed answer.
     *
     * @param reason         the problem type answered ({@code handler-failed}, ...)
     * @param type           the event type, or {@code none}
     * @param conversationId the conversation, or {@code null}
     * @param status         the HTTP status answered
     */
    public record Failure(String reason, String type, String conversationId, int status) {
    }

    private final AtomicInteger length = new AtomicInteger();
    private final Failure[] recent = new Failure[KEPT];
    private int next;

    /** Adds a failure; returns the streak's length with it. */
    public int failed(Failure failure) {
        synchronized (recent) {
            recent[next] = failure;
            next = (next + 1) % KEPT;
        }
        return length.incrementAndGet();
    }

    /** Ends the streak; returns how long it was (0 when there was none). */
    public int succeeded() {
        if (length.get() == 0) {
            return 0;
        }
        synchronized (recent) {
            java.util.Arrays.fill(recent, null);
            next = 0;
        }
        return length.getAndSet(0);
    }

    /** The streak's length now. */
    public int length() {
        return length.get();
    }

    /** The streak's last failures, oldest first, at most {@value #KEPT}. */
    public List<Failure> recent() {
        List<Failure> failures = new ArrayList<>(KEPT);
        synchronized (recent) {
            for (int i = 0; i < KEPT; i++) {
                Failure f = recent[(next + i) % KEPT];
                if (f != null) {
                    failures.add(f);
                }
            }
        }
        return failures;
    }
}
