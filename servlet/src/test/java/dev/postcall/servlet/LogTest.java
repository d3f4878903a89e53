package dev.postcall.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The delivery line under {@code java.util.logging} names its own source, so a formatter that prints the caller needs
 * no stack walk per delivery; levels map as the JDK maps them; any other {@code LoggerFinder} keeps its own loggers.
 */
class LogTest {
    private final Logger jul = Logger.getLogger(Log.NAME);
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private java.util.logging.Level before;

    @BeforeEach
    void listen() {
        before = jul.getLevel();
        jul.addHandler(handler);
    }

    @AfterEach
    void stop() {
        jul.removeHandler(handler);
        jul.setLevel(before);
    }

    @Test
    void theLineNamesTheSourceItWasGivenNotItsCaller() {
        Log.line(Level.INFO, DeliveryLog.class, "delivered", "delivery post_call_transcription conversation=c1");

        assertThat(records).singleElement().satisfies(r -> {
            // a stack walk would have found this test class
            assertThat(r.getSourceClassName()).isEqualTo(DeliveryLog.class.getName());
            assertThat(r.getSourceMethodName()).isEqualTo("delivered");
            assertThat(r.getLevel()).isEqualTo(java.util.logging.Level.INFO);
            assertThat(r.getMessage()).isEqualTo("delivery post_call_transcription conversation=c1");
        });
    }

    @Test
    void levelsMapAsTheJdkMapsThemAndTheLoggersLevelDecides() {
        jul.setLevel(java.util.logging.Level.INFO);
        assertThat(Log.isLoggable(Level.DEBUG)).isFalse();
        assertThat(Log.isLoggable(Level.INFO)).isTrue();
        Log.line(Level.DEBUG, DeliveryLog.class, "delivered", "not written");
        Log.line(Level.ERROR, DeliveryLog.class, "delivered", "written");

        jul.setLevel(java.util.logging.Level.FINE);
        assertThat(Log.isLoggable(Level.DEBUG)).isTrue();
        assertThat(Log.isLoggable(Level.TRACE)).isFalse();
        Log.line(Level.DEBUG, DeliveryLog.class, "replayed", "written at debug");

        assertThat(records).extracting(LogRecord::getMessage).containsExactly("written", "written at debug");
        assertThat(records).extracting(LogRecord::getLevel)
                .containsExactly(java.util.logging.Level.SEVERE, java.util.logging.Level.FINE);
    }

    @Test
    void underTheJdksOwnFinderTheLoggerIsJavaUtilLoggingsOfTheSameName() {
        assertThat(Log.julBehind(System.LoggerFinder.getLoggerFinder(), Log.NAME)).isSameAs(jul);
    }

    @Test
    void anyOtherFinderKeepsItsOwnLoggers() {
        System.LoggerFinder other = new System.LoggerFinder() {
            @Override
            public System.Logger getLogger(String name, Module module) {
                return new System.Logger() {
                    @Override
                    public String getName() {
                        return name;
                    }

                    @Override
                    public boolean isLoggable(Level level) {
                        return true;
                    }

                    @Override
                    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
                    }

                    @Override
                    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
                    }

                    @Override
                    public void log(Level level, Supplier<String> msgSupplier) {
                    }
                };
            }
        };
        assertThat(Log.julBehind(other, Log.NAME)).isNull();
        assertThat(Log.julBehind(null, Log.NAME)).isNull();
    }
}
