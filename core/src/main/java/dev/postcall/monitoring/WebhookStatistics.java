package dev.postcall.monitoring;

import java.time.Duration;
import java.util.Map;

/**
 * The counts of one webhook since it started.
 *
 * @param deliveries          verified deliveries by event type ({@code post_call_transcription},
 *                            {@code post_call_audio}, {@code call_initiation_failure}, {@code other} for any other
 *                            type, {@code none} when the body was not an event) and then by outcome ({@code handled},
 *                            {@code duplicate}, {@code kept}, {@code failed}, {@code malformed}, {@code in-progress},
 *                            {@code inbox-unavailable}); every combination is present, zeros included
 * @param rejections          requests the filter turned down, by problem type ({@code signature-mismatch}, ...)
 * @param verified            requests the filter verified and handed on
 * @param handlerFailures     deliveries on which a handler threw (or the data did not fit the model)
 * @param duplicates          deliveries recognised as already handled
 * @param inboxFailed         entries in the inbox's {@code failed/} waiting for replay, 0 without an inbox
 * @param consecutiveFailures non-200 answers to verified deliveries since the last 200 (the sender disables the
 *                            endpoint at 10)
 * @param handlingCount       deliveries timed: from the servlet receiving the verified request to its answer
 * @param handlingTotal       their total time
 * @param handlingMax         the longest
 * @param handlingMedian      the median, to within a fifth (a histogram of 4 buckets per power of two)
 * @param handlingP99         the 99th percentile, to within a fifth
 *
 * <pre>{@code
 * WebhookStatistics numbers = Webhooks.find("/", "postcall").statistics();
 * long handled = numbers.deliveries("handled");            // over every event type
 * long forged = numbers.rejections().get("signature-mismatch");
 * }</pre>
 */
public record WebhookStatistics(Map<String, Map<String, Long>> deliveries, Map<String, Long> rejections,
                                long verified, long handlerFailures, long duplicates, int inboxFailed,
                                int consecutiveFailures, long handlingCount, Duration handlingTotal,
                                Duration handlingMax, Duration handlingMedian, Duration handlingP99) {

    /** Copies the maps. */
    public WebhookStatistics {
        deliveries = Map.copyOf(deliveries);
        rejections = Map.copyOf(rejections);
    }

    /** How many deliveries had {@code outcome}, over every type. */
    public long deliveries(String outcome) {
        long sum = 0;
        for (Map<String, Long> byOutcome : deliveries.values()) {
            sum += byOutcome.getOrDefault(outcome, 0L);
        }
        return sum;
    }

    /** How many requests the filter turned down, for every reason. */
    public long rejectionsTotal() {
        long sum = 0;
        for (long n : rejections.values()) {
            sum += n;
        }
        return sum;
    }
}
