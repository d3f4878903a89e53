package dev.postcall;

import dev.postcall.CallReport.Direction;
import dev.postcall.CallReport.Outcome;
import dev.postcall.model.CallDirection;
import dev.postcall.model.ConversationAnalysis;
import dev.postcall.model.ConversationAnalysis.DataCollectionResult;
import dev.postcall.model.ConversationAnalysis.EvaluationResult;
import dev.postcall.model.ConversationInitiationClientData;
import dev.postcall.model.ConversationMetadata;
import dev.postcall.model.EvaluationSuccessResult;
import dev.postcall.model.OpenEnum;
import dev.postcall.model.PhoneCall;
import dev.postcall.model.TranscriptionData;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Flattens a transcription into a {@link CallReport}. */
final class CallReports {
    private static final BigDecimal MIN_SECONDS = BigDecimal.valueOf(Long.MIN_VALUE);
    // a second short of Long's end, so that a fraction rounded up to a whole second cannot overflow
    private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(Long.MAX_VALUE - 1);

    private CallReports() {
    }

    /** From the whole bound data; the envelope's ids stand in for absent ones. */
    static CallReport of(TranscriptionData data, String envelopeAgentId, String envelopeConversationId) {
        return of(data.agentId() != null ? data.agentId() : envelopeAgentId,
                data.conversationId() != null ? data.conversationId() : envelopeConversationId,
                data.userId(), data.metadata(), data.analysis(), data.conversationInitiationClientData(),
                data.transcriptSent() ? data.transcript().size() : null);
    }

    /**
     * From the parts a report reads, each bound alone; any may be {@code null}, and {@code turnCount} is when no
     * transcript was sent.
     */
    static CallReport of(String agentId, String conversationId, String dataUserId, ConversationMetadata meta,
            ConversationAnalysis analysis, ConversationInitiationClientData client, Integer turnCount) {

        PhoneCall call = meta == null ? null : meta.phoneCall();
        Direction direction = Direction.NONE;
        String caller = null;
        String called = null;
        if (call != null) {
            CallDirection way = call.direction() == null ? CallDirection.UNKNOWN : call.direction().value();
            if (way == CallDirection.INBOUND) {
                direction = Direction.INBOUND;
                caller = call.externalNumber();
                called = call.agentNumber();
            } else if (way == CallDirection.OUTBOUND) {
                direction = Direction.OUTBOUND;
                caller = call.agentNumber();
                called = call.externalNumber();
            } else {
                // who called whom is not known; the parties are (customerNumber, agentNumber)
                direction = Direction.UNKNOWN;
            }
        }

        String userId = dataUserId != null ? dataUserId : client == null ? null : client.userId();
        String termination = meta == null ? null : meta.terminationReason();
        if (termination != null && termination.isBlank()) {
            termination = null;
        }

        Map<String, Object> collected = new LinkedHashMap<>();
        Map<String, Outcome> evaluations = new LinkedHashMap<>();
        if (analysis != null) {
            if (!analysis.dataCollectionResults().isEmpty()) {
                analysis.dataCollectionResults()
                        .forEach((id, r) -> collected.put(id, r == null ? null : r.javaValue()));
            } else {
                for (DataCollectionResult r : analysis.dataCollectionResultsList()) {
                    if (r != null && r.dataCollectionId() != null) {
                        collected.put(r.dataCollectionId(), r.javaValue());
                    }
                }
            }
            if (!analysis.evaluationCriteriaResults().isEmpty()) {
                analysis.evaluationCriteriaResults()
                        .forEach((id, r) -> evaluations.put(id, outcome(r == null ? null : r.result())));
            } else {
                for (EvaluationResult r : analysis.evaluationCriteriaResultsList()) {
                    if (r != null && r.criteriaId() != null) {
                        evaluations.put(r.criteriaId(), outcome(r.result()));
                    }
                }
            }
        }

        return new CallReport(
                agentId,
                conversationId,
                userId,
                caller,
                called,
                call == null ? null : call.externalNumber(),
                call == null ? null : call.agentNumber(),
                direction,
                meta == null ? null : instant(meta.startTimeUnixSecs()),
                meta == null || meta.callDurationSecs() == null ? null : Duration.ofSeconds(meta.callDurationSecs()),
                meta == null ? null : duration(meta.queueWaitSecs()),
                meta == null ? null : meta.cost(),
                meta == null ? null : meta.costFiat(),
                termination,
                call == null ? null : call.callResult(),
                analysis == null ? Outcome.UNKNOWN : outcome(analysis.callSuccessful()),
                analysis == null ? null : analysis.callSuccessScore(),
                analysis == null ? null : analysis.transcriptSummary(),
                analysis == null ? null : analysis.callSummaryTitle(),
                turnCount,
                Collections.unmodifiableMap(collected),
                Collections.unmodifiableMap(evaluations),
                client == null ? Map.of() : client.dynamicVariableValues(),
                meta == null ? null : meta.mainLanguage());
    }

    /**
     * Seconds with a fraction as a {@link Duration} to the nanosecond; {@code null} when absent or beyond what a
     * Duration holds (which would throw rather than report).
     */
    private static Duration duration(Double seconds) {
        if (seconds == null || seconds.isNaN() || seconds.isInfinite()) {
            return null;
        }
        BigDecimal exact = BigDecimal.valueOf(seconds);
        BigDecimal whole = exact.setScale(0, RoundingMode.FLOOR);
        if (whole.compareTo(MIN_SECONDS) < 0 || whole.compareTo(MAX_SECONDS) > 0) {
            return null;
        }
        long nanos = exact.subtract(whole).movePointRight(9).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
        return Duration.ofSeconds(whole.longValueExact(), nanos);
    }

    /** {@code null} when absent or beyond the years Instant can hold (which would throw rather than report). */
    private static Instant instant(Long epochSeconds) {
        if (epochSeconds == null || epochSeconds < Instant.MIN.getEpochSecond()
                || epochSeconds > Instant.MAX.getEpochSecond()) {
            return null;
        }
        return Instant.ofEpochSecond(epochSeconds);
    }

    private static Outcome outcome(OpenEnum<EvaluationSuccessResult> value) {
        if (value == null) {
            return Outcome.UNKNOWN;
        }
        return switch (value.value()) {
            case SUCCESS -> Outcome.SUCCESS;
            case FAILURE -> Outcome.FAILURE;
            case UNKNOWN -> Outcome.UNKNOWN;
        };
    }
}
