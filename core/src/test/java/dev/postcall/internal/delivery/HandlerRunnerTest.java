package dev.postcall.internal.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postcall.spi.PostCallEventHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class HandlerRunnerTest {

    @Test
    void aLoggingBackEndThatThrowsOnAHandlersFailureStopsNeitherTheOtherHandlersNorItsClassification()
            throws Exception {
        Logger jul = Logger.getLogger("dev.postcall.delivery");
        AtomicInteger asked = new AtomicInteger();
        Handler throwing = new Handler() {
            @Override
            public void publish(LogRecord record) {
                asked.incrementAndGet();
                throw new StackOverflowError("a layout that recursed");
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        IllegalStateException failure = new IllegalStateException("the handler's own failure");
        List<String> ran = new ArrayList<>();
        PostCallEventHandler first = event -> {
            ran.add("first");
            throw failure;
        };
        PostCallEventHandler second = event -> ran.add("second:" + event.conversationId());
        jul.addHandler(throwing);
        try {
            HandlerRunner.Attempt attempt = new HandlerRunner(List.of(List.of(first, second)))
                    .attempt(DispatcherTest.event("conv_runner"));

            assertThat(asked.get()).as("the failure's line was asked for, and threw").isEqualTo(1);
            assertThat(ran).containsExactly("first", "second:conv_runner");
            assertThat(attempt.result()).isEqualTo(HandlerRunner.Result.FAILED);
            assertThat(attempt.firstFailure()).isSameAs(failure);
        } finally {
            jul.removeHandler(throwing);
        }
    }
}
