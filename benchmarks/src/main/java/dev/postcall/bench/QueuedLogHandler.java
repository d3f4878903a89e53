package dev.postcall.bench;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Asynchronous logging as Logback's {@code AsyncAppender} does it, for {@code java.util.logging}: the request thread
 * puts the record on a bounded queue and one writer thread hands it to the JDK's {@code ConsoleHandler} (which
 * formats, writes and flushes it). The load test's {@code postcall-queuedlog} receiver measures what this does to the
 * INFO line's price ({@code -Dpostcall.bench.queuedLog=true}). A full queue drops the record, as {@code AsyncAppender}
 * does with {@code neverBlock}.
 */
final class QueuedLogHandler extends Handler {

    private final BlockingQueue<LogRecord> queue = new ArrayBlockingQueue<>(8192);

    private QueuedLogHandler() {
        Handler console = new ConsoleHandler();
        Thread writer = new Thread(() -> {
            try {
                while (true) {
                    console.publish(queue.take());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "queued-log-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Puts this handler in place of the root logger's handlers. */
    static void install() {
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        root.addHandler(new QueuedLogHandler());
    }

    @Override
    public void publish(LogRecord record) {
        if (isLoggable(record)) {
            queue.offer(record);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
