package dev.postcall.servlet;

import java.lang.System.Logger.Level;

/** The package's one logger. Nothing logged here holds a secret, a signature or payload text. */
final class Log {
    static final String NAME = "dev.postcall.servlet";
    static final System.Logger LOGGER = System.getLogger(NAME);
    /**
     * The {@code java.util.logging} logger behind {@link #LOGGER} when {@code System.Logger} goes to
     * {@code java.util.logging} (the JDK's own {@code LoggerFinder}), else {@code null}.
     */
    private static final java.util.logging.Logger JUL = julBehind(finder(), NAME);

    private Log() {
    }

    /** Whether a line at {@code level} would be logged; false when the logging back end throws on the question. */
    static boolean isLoggable(Level level) {
        try {
            return JUL != null ? JUL.isLoggable(julLevel(level)) : LOGGER.isLoggable(level);
        } catch (Throwable e) {
            return false; // as line(): the application's back end failing costs the line, nothing else
        }
    }

    /**
     * Logs a line of a delivery's path, written by {@code method} of {@code source}. Under {@code java.util.logging}
     * the record names that source itself: otherwise a formatter that prints the caller (the JDK's
     * {@code SimpleFormatter} by default, Tomcat's {@code OneLineFormatter}) has the JDK walk the request thread's
     * stack to find it, once per delivery. Any other logging back end gets the line through {@link #LOGGER}.
     * The back end is the application's: one that throws, an {@code Error} too (a full disk, a broken appender, a
     * {@code StackOverflowError} in a layout), loses the line and nothing else, so that it costs neither the sender
     * its answer nor the counts and the failure streak around the line.
     */
    static void line(Level level, Class<?> source, String method, String line) {
        try {
            if (JUL != null) {
                JUL.logp(julLevel(level), source.getName(), method, line);
            } else {
                LOGGER.log(level, line);
            }
        } catch (Throwable e) {
            // the line is lost; the delivery is already recorded and counted
        }
    }

    private static System.LoggerFinder finder() {
        try {
            return System.LoggerFinder.getLoggerFinder();
        } catch (SecurityException e) {
            return null;
        }
    }

    /**
     * The {@code java.util.logging} logger {@code System.getLogger(name)} writes to when {@code finder} is the JDK's
     * own, which hands every {@code System.Logger} to {@code java.util.logging}; {@code null} for any other finder
     * (SLF4J's, Log4j's, an application server's), whose loggers are used as they are.
     */
    static java.util.logging.Logger julBehind(System.LoggerFinder finder, String name) {
        if (finder == null || !"sun.util.logging.internal.LoggingProviderImpl".equals(finder.getClass().getName())) {
            return null;
        }
        return java.util.logging.Logger.getLogger(name);
    }

    /** The JDK's own mapping from {@code System.Logger} levels to {@code java.util.logging}'s. */
    static java.util.logging.Level julLevel(Level level) {
        return switch (level) {
            case ALL -> java.util.logging.Level.ALL;
            case TRACE -> java.util.logging.Level.FINER;
            case DEBUG -> java.util.logging.Level.FINE;
            case INFO -> java.util.logging.Level.INFO;
            case WARNING -> java.util.logging.Level.WARNING;
            case ERROR -> java.util.logging.Level.SEVERE;
            case OFF -> java.util.logging.Level.OFF;
        };
    }
}
