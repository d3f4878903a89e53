package dev.postcall.servlet;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import jakarta.servlet.http.HttpServletRequest;

import dev.postcall.internal.monitoring.Webhook;
import dev.postcall.internal.net.IpAllowlist;
import dev.postcall.internal.net.IpLiteral;

/**
 * The filter's rejections: counted per reason in the webhook's statistics, and logged at WARNING with the reason and
 * the client's address, at most one line per reason per {@link #WINDOW_SECONDS} seconds. The next line after a quiet
 * spell says how many were left out, so a flood of forged requests costs a counter, not a disk. With the logger at
 * DEBUG, the lines left out are written at DEBUG instead.
 */
final class RejectionLog {
    /** Every problem the filter answers with, in the order statistics list them. */
    static final List<Problem> REASONS = List.of(Problem.ADDRESS_NOT_ALLOWED, Problem.METHOD_NOT_ALLOWED,
            Problem.SIGNATURE_HEADER_MISSING, Problem.SIGNATURE_HEADER_MALFORMED, Problem.TIMESTAMP_TOO_OLD,
            Problem.TIMESTAMP_IN_FUTURE, Problem.SIGNATURE_MISMATCH, Problem.BODY_TOO_LARGE, Problem.BODY_INCOMPLETE);
    static final List<String> SLUGS = REASONS.stream().map(p -> p.slug).toList();
    static final long WINDOW_SECONDS = 10;
    private static final long WINDOW_NANOS = WINDOW_SECONDS * 1_000_000_000L;
    private static final int[] INDEX = new int[Problem.values().length];

    static {
        java.util.Arrays.fill(INDEX, -1);
        for (int i = 0; i < REASONS.size(); i++) {
            INDEX[REASONS.get(i).ordinal()] = i;
        }
    }

    private final Webhook webhook;
    private final IpAllowlist trustedProxies;
    private final Window[] windows = new Window[REASONS.size()];
    private final LongSupplier ticker;

    /** {@code ticker} gives the monotonic time in nanoseconds ({@code System::nanoTime}; a test's own in tests). */
    RejectionLog(Webhook webhook, IpAllowlist trustedProxies, LongSupplier ticker) {
        this.webhook = webhook;
        this.trustedProxies = trustedProxies;
        this.ticker = ticker;
        long start = ticker.getAsLong() - WINDOW_NANOS - 1;
        for (int i = 0; i < windows.length; i++) {
            windows[i] = new Window(start);
        }
    }

    /** Counts the rejection and logs it unless a line for its reason was written in the last window. */
    void rejected(HttpServletRequest request, Problem problem) {
        int index = INDEX[problem.ordinal()];
        if (index < 0) {
            return; // not a filter's answer
        }
        webhook.rejected(index);
        long left = windows[index].open(ticker.getAsLong());
        if (left < 0) {
            if (Log.LOGGER.isLoggable(Level.DEBUG)) {
                Log.LOGGER.log(Level.DEBUG, line(request, problem));
            }
            return;
        }
        if (Log.LOGGER.isLoggable(Level.WARNING)) {
            String line = line(request, problem);
            if (left > 0) {
                line += " (" + left + " more " + problem.slug + " rejections since the last such line were not"
                        + " logged; at most one line per reason per " + WINDOW_SECONDS + " s)";
            }
            Log.LOGGER.log(Level.WARNING, line);
        }
    }

    /** Logs what the windows still hold back, when the filter stops. */
    void flush() {
        for (int i = 0; i < windows.length; i++) {
            long left = windows[i].suppressed.sumThenReset();
            if (left > 0) {
                Log.LOGGER.log(Level.WARNING, left + " more " + REASONS.get(i).slug + " rejections by webhook '"
                        + webhook.name() + "' were not logged before it stopped");
            }
        }
    }

    private String line(HttpServletRequest request, Problem problem) {
        String peer = request.getRemoteAddr();
        String client = peer;
        byte[] judged = ClientAddress.of(request, trustedProxies);
        if (judged != null) {
            client = IpLiteral.toInetAddress(judged).getHostAddress();
        }
        String from = LogText.safe(client, 64);
        if (peer != null && !peer.equals(client)) {
            from += " (via " + LogText.safe(peer, 64) + ")";
        }
        return "rejected " + LogText.safe(request.getMethod(), 16) + " " + LogText.safe(request.getRequestURI(), 120)
                + " from " + from + ": " + problem.status + " " + problem.slug;
    }

    /** One reason's window: when its last line was written, and how many were left out since. */
    private static final class Window {
        private final AtomicLong start;
        private final LongAdder suppressed = new LongAdder();

        Window(long start) {
            this.start = new AtomicLong(start);
        }

        /** -1 when a line was written in this window (this one is left out), else how many were left out before. */
        long open(long now) {
            long begun = start.get();
            if (now - begun >= WINDOW_NANOS && start.compareAndSet(begun, now)) {
                return suppressed.sumThenReset();
            }
            suppressed.increment();
            return -1;
        }
    }
}
