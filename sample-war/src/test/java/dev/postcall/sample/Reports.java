package dev.postcall.sample;

import dev.postcall.CallReport;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** {@link CallReport}s for unit tests, varied by the fields the sample computes with. */
final class Reports {
    private Reports() {
    }

    static CallReport call(String conversationId, long seconds, Long cost, Double usd, CallReport.Outcome outcome) {
        return new CallReport("agent_1", conversationId, null, "+12025550143", "+14155550188", "+12025550143",
                "+14155550188", CallReport.Direction.INBOUND, Instant.parse("2026-11-22T10:00:00Z"),
                Duration.ofSeconds(seconds), null, cost, usd, null, null, outcome, null, "summary of " + conversationId,
                "title", 4, Map.of("patient_name", "Marco"), Map.of("booked", CallReport.Outcome.SUCCESS), Map.of(),
                "en");
    }
}
