package dev.postcall.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Everything logged while installed: every JUL record (where {@link System.Logger} goes by default) at every level
 * of postcall's own loggers and at the root's level for the rest, with messages formatted and stack traces written
 * out as a console would, plus whatever is printed on {@code System.out} and {@code System.err}. Each record reads
 * {@code <LEVEL> <logger>: <message>}, JUL's level names ({@code WARNING}, {@code FINE} for DEBUG).
 *
 * <pre>{@code
 * try (LogCapture logs = LogCapture.install()) {
 *     ... requests ...
 *     assertThat(logs.records("WARNING", "rejected POST")).hasSize(1);
 * }
 * }</pre>
 */
public final class LogCapture extends Handler implements AutoCloseable {
    private static final SimpleFormatter FORMAT = new SimpleFormatter();

    private final List<String> records = new ArrayList<>();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    // JUL holds loggers weakly: keep the one whose level is raised, or the level is lost with it
    private final Logger postcall = Logger.getLogger("dev.postcall");
    private final Level previousLevel = postcall.getLevel();
    private final PrintStream out = System.out;
    private final PrintStream err = System.err;
    private boolean installed = true;

    private LogCapture() {
        setLevel(Level.ALL);
    }

    /** Starts capturing: postcall's loggers at every level, the root's at its own. */
    public static LogCapture install() {
        LogCapture capture = new LogCapture();
        capture.postcall.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(capture);
        System.setOut(new PrintStream(new Tee(capture.out, capture.printed), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(capture.err, capture.printed), true, StandardCharsets.UTF_8));
        return capture;
    }

    /** Stops capturing and puts the levels and streams back. */
    public synchronized void uninstall() {
        if (!installed) {
            return;
        }
        installed = false;
        System.setOut(out);
        System.setErr(err);
        Logger.getLogger("").removeHandler(this);
        postcall.setLevel(previousLevel);
    }

    @Override
    public void publish(LogRecord record) {
        StringBuilder line = new StringBuilder(record.getLevel() + " " + record.getLoggerName() + ": ");
        line.append(FORMAT.formatMessage(record));
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.append('\n').append(trace);
        }
        synchronized (records) {
            records.add(line.toString());
        }
    }

    /** Every record, then everything printed, as one text. */
    public String text() {
        StringBuilder all = new StringBuilder();
        synchronized (records) {
            records.forEach(r -> all.append(r).append('\n'));
        }
        synchronized (printed) {
            all.append(printed.toString(StandardCharsets.UTF_8));
        }
        return all.toString();
    }

    /** Every record so far, in order. */
    public List<String> records() {
        synchronized (records) {
            return new ArrayList<>(records);
        }
    }

    /** The records at JUL level {@code level} ({@code INFO}, {@code WARNING}, ...) that mention {@code text}. */
    public List<String> records(String level, String text) {
        List<String> found = new ArrayList<>();
        for (String r : records()) {
            if (r.startsWith(level + " ") && r.contains(text)) {
                found.add(r);
            }
        }
        return found;
    }

    /** Forgets the records and the printed output captured so far. */
    public void clear() {
        synchronized (records) {
            records.clear();
        }
        synchronized (printed) {
            printed.reset();
        }
    }

    /** The records (not the printed output) that mention {@code text}, for a readable failure. */
    public List<String> recordsContaining(String text) {
        List<String> found = new ArrayList<>();
        synchronized (records) {
            for (String r : records) {
                if (r.contains(text)) {
                    found.add(r);
                }
            }
        }
        return found;
    }

    @Override
    public void flush() {
    }

    /** {@link #uninstall()}; the handler's own close, which the root logger calls at shutdown, does the same. */
    @Override
    public void close() {
        uninstall();
    }

    /** Writes to the original stream and keeps a copy. */
    private static final class Tee extends java.io.OutputStream {
        private final PrintStream original;
        private final ByteArrayOutputStream copy;

        Tee(PrintStream original, ByteArrayOutputStream copy) {
            this.original = original;
            this.copy = copy;
        }

        @Override
        public void write(int b) {
            original.write(b);
            synchronized (copy) {
                copy.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            original.write(b, off, len);
            synchronized (copy) {
                copy.write(b, off, len);
            }
        }

        @Override
        public void flush() {
            original.flush();
        }
    }
}
