package dev.postcall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one number policy of {@code dev.postcall.model}'s documentation, applied everywhere a number is read: the
 * model's whole-number and decimal fields, the failure metadata read from JSON-P, and the envelope's
 * {@code event_timestamp}.
 */
class NumberPolicyTest {

    private final EventParser parser = new EventParser();

    private PostCallEvent parse(String body) throws MalformedEventException {
        return parser.parse(BodySource.ofBytes(body.getBytes(StandardCharsets.UTF_8)));
    }

    /** The six inputs and the whole number each holds, {@code null} for none. */
    static Stream<Arguments> wholeNumbers() {
        return Stream.of(Arguments.of("22", 22L), Arguments.of("22.0", 22L), Arguments.of("\"22\"", 22L),
                Arguments.of("22.5", null), Arguments.of("1e3", 1000L), Arguments.of("\"abc\"", null));
    }

    @ParameterizedTest(name = "{0} -> whole {1}, decimal {2}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "22     | 22   | 22.0",
            "22.0   | 22   | 22.0",
            "'\"22\"' | 22   | 22.0",
            "22.5   | -    | 22.5",
            "1e3    | 1000 | 1000.0",
            "'\"abc\"' | -  | -",
    })
    void wholeAndDecimalFieldsOfTheModel(String json, Long whole, Double decimal) throws Exception {
        TranscriptionEvent event = (TranscriptionEvent) parse("{\"type\":\"post_call_transcription\","
                + "\"event_timestamp\":1,\"data\":{\"metadata\":{\"call_duration_secs\":" + json + ",\"cost\":" + json
                + ",\"cost_fiat\":" + json + "}}}");
        var metadata = event.data().metadata();
        assertThat(metadata.callDurationSecs()).as("Integer field").isEqualTo(whole == null ? null : whole.intValue());
        assertThat(metadata.cost()).as("Long field").isEqualTo(whole);
        assertThat(metadata.costFiat()).as("Double field").isEqualTo(decimal);
        assertThat(event.report().costUsd()).as("the report reads the same").isEqualTo(decimal);
        assertThat(event.report().cost()).isEqualTo(whole);
    }

    @ParameterizedTest(name = "sip_status_code {0} -> {1}")
    @MethodSource("wholeNumbers")
    void wholeNumbersTheFailureMetadataReadsFromJsonP(String json, Long whole) throws Exception {
        CallInitiationFailureEvent event = (CallInitiationFailureEvent) parse("{\"type\":\"call_initiation_failure\","
                + "\"event_timestamp\":1,\"data\":{\"metadata\":{\"type\":\"sip\",\"body\":{\"sip_status_code\":"
                + json + "}}}}");
        assertThat(event.sipStatusCode()).isEqualTo(whole == null ? null : whole.intValue());
    }

    @ParameterizedTest(name = "event_timestamp {0} -> {1}")
    @MethodSource("wholeNumbers")
    void theEnvelopeTimestampRefusesTheEventInsteadOfReadingNull(String json, Long whole) throws Exception {
        String body = "{\"type\":\"x\",\"event_timestamp\":" + json + ",\"data\":{}}";
        if (whole == null) {
            assertThatThrownBy(() -> parse(body)).isInstanceOf(MalformedEventException.class)
                    .hasMessageContaining("event_timestamp");
        } else {
            assertThat(parse(body).eventTimestamp()).isEqualTo(whole);
        }
    }
}
