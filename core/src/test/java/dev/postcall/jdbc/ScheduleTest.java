package dev.postcall.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The store's own schedule: each task on a thread of its own. */
class ScheduleTest {

    /**
     * A maintenance round that takes long (a prune of a large table, each statement up to the statement timeout)
     * does not hold up the heartbeats: were they late past the take-over age, another node would take over claims
     * whose handlers still run here, and handle those deliveries a second time.
     */
    @Test
    void aTaskThatTakesLongNeverHoldsUpAnother() throws Exception {
        CountDownLatch slowRunning = new CountDownLatch(1);
        CountDownLatch slowMayEnd = new CountDownLatch(1);
        CountDownLatch heartbeats = new CountDownLatch(3);
        try (Schedule schedule = Schedule.daemon("postcall-store-schedule-test")) {
            schedule.every(Duration.ofMillis(1), () -> {
                slowRunning.countDown();
                try {
                    slowMayEnd.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(slowRunning.await(10, TimeUnit.SECONDS)).as("the slow task started").isTrue();
            schedule.every(Duration.ofMillis(1), heartbeats::countDown);

            assertThat(heartbeats.await(10, TimeUnit.SECONDS)).as("three heartbeats while the slow task runs")
                    .isTrue();
            assertThat(slowMayEnd.getCount()).as("the slow task is still running").isEqualTo(1);
        } finally {
            slowMayEnd.countDown();
        }
    }

    @Test
    void closingStopsEveryTaskAndRefusesNewOnes() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        Schedule schedule = Schedule.daemon("postcall-store-schedule-test");
        schedule.every(Duration.ofMillis(1), ran::countDown);
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        schedule.close();
        assertThatThrownBy(() -> schedule.every(Duration.ofMillis(1), () -> { }))
                .isInstanceOf(IllegalStateException.class);
    }
}
