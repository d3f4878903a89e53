package dev.postcall;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Numbers a signed sender may put where the report reads a time, beyond what {@link Instant} or
 * {@link java.time.Duration} can hold: the report is still built (a {@link java.time.DateTimeException} once escaped
 * {@link TranscriptionEvent#report()}).
 */
class CallReportOutOfRangeTest {

    private final EventParser parser = new EventParser();

    private CallReport report(String metadata) throws MalformedEventException {
        String body = "{\"type\":\"post_call_transcription\",\"event_timestamp\":1,\"data\":{\"conversation_id\":\"c\","
                + "\"metadata\":" + metadata + "}}";
        return ((TranscriptionEvent) parser.parse(BodySource.ofBytes(body.getBytes(StandardCharsets.UTF_8))))
                .report();
    }

    @Test
    void startTimeBeyondTheInstantRangeReadsAsUnknown() throws Exception {
        CallReport report = report("{\"start_time_unix_secs\":1e30,\"call_duration_secs\":31}");

        assertThat(report.startTime()).isNull();
        assertThat(report.duration()).hasSeconds(31);
    }

    @Test
    void startTimeJustBeyondInstantMaxReadsAsUnknown() throws Exception {
        assertThat(report("{\"start_time_unix_secs\":" + (Instant.MAX.getEpochSecond() + 1) + "}").startTime())
                .isNull();
        assertThat(report("{\"start_time_unix_secs\":" + (Instant.MIN.getEpochSecond() - 1) + "}").startTime())
                .isNull();
    }

    @Test
    void aQueueWaitBeyondTheDurationRangeReadsAsUnknown() throws Exception {
        CallReport report = report("{\"queue_wait_secs\":1e30,\"call_duration_secs\":31}");
        assertThat(report.queueWait()).isNull();
        assertThat(report.duration()).hasSeconds(31);
        assertThat(report("{\"queue_wait_secs\":-1e30}").queueWait()).isNull();
        assertThat(report("{\"queue_wait_secs\":9.3e18}").queueWait()).isNull();
    }

    @Test
    void aQueueWaitInsideTheDurationRangeIsKeptToTheNanosecond() throws Exception {
        assertThat(report("{\"queue_wait_secs\":9.2e18}").queueWait()).hasSeconds(9_200_000_000_000_000_000L);
        assertThat(report("{\"queue_wait_secs\":0.000000001}").queueWait()).hasNanos(1);
        assertThat(report("{\"queue_wait_secs\":\"12.5\"}").queueWait()).hasMillis(12_500);
        assertThat(report("{\"queue_wait_secs\":0}").queueWait()).isZero();
    }

    @Test
    void startTimeAtInstantMaxIsKept() throws Exception {
        assertThat(report("{\"start_time_unix_secs\":" + Instant.MAX.getEpochSecond() + "}").startTime())
                .isEqualTo(Instant.ofEpochSecond(Instant.MAX.getEpochSecond()));
    }
}
