package dev.postcall;

import dev.postcall.model.CallInitiationFailureData;
import dev.postcall.model.TranscriptionData;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.config.PropertyNamingStrategy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The model written back with JSON-B (same naming) reads back to equal records: unions, open enums and all. */
class ModelRoundTripTest {

    private static Jsonb jsonb;

    @BeforeAll
    static void createJsonb() {
        jsonb = JsonbBuilder.create(new JsonbConfig()
                .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES));
    }

    @AfterAll
    static void closeJsonb() throws Exception {
        jsonb.close();
    }

    private static PostCallEvent reparse(String type, String dataJson) throws MalformedEventException {
        String body = "{\"type\":\"" + type + "\",\"event_timestamp\":1,\"data\":" + dataJson + "}";
        return new EventParser().parse(BodySource.ofBytes(body.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"transcription-minimal.json", "transcription-phone-inbound.json",
            "transcription-sip-outbound.json", "transcription-with-audio-flags.json",
            "transcription-extra-fields.json", "transcription-no-transcript.json",
            "transcription-unknown-direction.json", "transcription-newer-fields.json", "transcription-whatsapp.json"})
    void transcriptionDataSurvivesAWriteAndARead(String file) throws Exception {
        TranscriptionEvent original = (TranscriptionEvent) Fixtures.parse(file);
        String written = jsonb.toJson(original.data());
        assertThat(written).as("open enums are written as their raw string").contains("\"status\":\"done\"");
        TranscriptionEvent again = (TranscriptionEvent) reparse(EventParser.TRANSCRIPTION, written);
        assertThat(again.data()).isEqualTo(original.data());
        assertThat(again.report()).isEqualTo(original.report());
    }

    @Test
    void aTranscriptThatWasNotSentIsWrittenWithoutOneAndAnEmptyOneAsEmpty() throws Exception {
        TranscriptionEvent notSent = (TranscriptionEvent) Fixtures.parse("transcription-no-transcript.json");
        assertThat(jsonb.toJson(notSent.data())).doesNotContain("\"transcript\":");
        TranscriptionEvent empty = (TranscriptionEvent) reparse(EventParser.TRANSCRIPTION, "{\"transcript\":[]}");
        String written = jsonb.toJson(empty.data());
        assertThat(written).contains("\"transcript\":[]");
        assertThat(((TranscriptionEvent) reparse(EventParser.TRANSCRIPTION, written)).data().transcriptSent()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"failure-twilio.json", "failure-sip.json"})
    void failureDataSurvivesAWriteAndARead(String file) throws Exception {
        CallInitiationFailureEvent original = (CallInitiationFailureEvent) Fixtures.parse(file);
        CallInitiationFailureData data = original.data();
        CallInitiationFailureEvent again =
                (CallInitiationFailureEvent) reparse(EventParser.CALL_INITIATION_FAILURE, jsonb.toJson(data));
        assertThat(again.data()).isEqualTo(data);
        assertThat(again.sipStatusCode()).isEqualTo(original.sipStatusCode());
    }
}
