package dev.postcall;

import dev.postcall.CallReport.Direction;
import dev.postcall.CallReport.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link TranscriptionEvent#report()} binds only the members it reads and counts the transcript's turns with the
 * envelope scan; what it gives must be what the report of the whole binding gives.
 */
class ReportOnlyBindingTest {

    private static final EventParser PARSER = new EventParser();

    private static TranscriptionEvent parse(byte[] body) throws MalformedEventException {
        return (TranscriptionEvent) PARSER.parse(BodySource.ofBytes(body));
    }

    private static TranscriptionEvent transcription(String data) throws MalformedEventException {
        return parse(("{\"type\":\"post_call_transcription\",\"event_timestamp\":1,\"data\":" + data + "}")
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The report of the whole binding, from a second event over the same bytes. */
    private static CallReport wholeBindingReport(TranscriptionEvent event) {
        return CallReports.of(event.data(), event.agentId(), event.conversationId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"transcription-minimal.json", "transcription-phone-inbound.json",
            "transcription-sip-outbound.json", "transcription-with-audio-flags.json", "transcription-extra-fields.json",
            "transcription-unknown-direction.json", "transcription-newer-fields.json", "transcription-whatsapp.json"})
    void everyFixtureGivesTheSameReportAsTheWholeBinding(String file) throws Exception {
        byte[] body = Fixtures.bytes(file);
        CallReport alone = parse(body).report();
        TranscriptionEvent whole = parse(body);
        assertThat(alone).isEqualTo(wholeBindingReport(whole));
        assertThat(alone.turnCount()).isEqualTo(whole.data().transcript().size()).isPositive();
    }

    @Test
    void aFixtureWithoutATranscriptGivesTheSameReportAsTheWholeBinding() throws Exception {
        byte[] body = Fixtures.bytes("transcription-no-transcript.json");
        CallReport alone = parse(body).report();
        assertThat(alone).isEqualTo(wholeBindingReport(parse(body)));
        assertThat(alone.transcriptSent()).isFalse();
        assertThat(alone.turnCount()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                                        | false |",
            "'\"transcript\":null,'                      | false |",
            "'\"transcript\":[],'                        | true  | 0",
            "'\"transcript\":[{},{}],'                   | true  | 2",
            // a repeated member: the last one counts, as in the whole binding
            "'\"transcript\":[{}],\"transcript\":null,'   | false |",
            "'\"transcript\":null,\"transcript\":[],'     | true  | 0"})
    void anAbsentTranscriptIsNotSentAndAnEmptyOneIsZeroTurnsOnBothPaths(String member, boolean sent,
            Integer turns) throws Exception {
        String data = "{" + member + "\"metadata\":{\"cost\":4}}";
        CallReport alone = transcription(data).report();
        TranscriptionEvent whole = transcription(data);
        assertThat(alone).isEqualTo(wholeBindingReport(whole));
        assertThat(whole.data().transcriptSent()).as(member).isEqualTo(sent);
        assertThat(alone.transcriptSent()).as(member).isEqualTo(sent);
        assertThat(alone.turnCount()).as(member).isEqualTo(turns);
    }

    @Test
    void theReportOfTheInboundFixtureHasItsValues() throws Exception {
        CallReport report = parse(Fixtures.bytes("transcription-phone-inbound.json")).report();
        assertThat(report.direction()).isEqualTo(Direction.INBOUND);
        assertThat(report.callerNumber()).isNotBlank();
        assertThat(report.duration()).isPositive();
        assertThat(report.summary()).isNotBlank();
    }

    @Test
    void aSpilledBodyGivesTheSameReportAsOneInMemory(@TempDir Path dir) throws Exception {
        byte[] body = Fixtures.bytes("transcription-phone-inbound.json");
        Path file = Files.write(dir.resolve("body.json"), body);
        TranscriptionEvent spilled = (TranscriptionEvent) PARSER.parse(BodySource.ofFile(file));
        assertThat(spilled.report()).isEqualTo(parse(body).report());
    }

    @Test
    void aTranscriptThatDoesNotFitTheModelStillGivesAReportButNoData() throws Exception {
        TranscriptionEvent event = transcription("{\"conversation_id\":\"c1\",\"user_id\":\"u\\u00e9\","
                + "\"metadata\":{\"call_duration_secs\":61,\"cost\":9},"
                + "\"analysis\":{\"call_successful\":\"success\",\"transcript_summary\":\"s\"},"
                + "\"transcript\":[{\"role\":\"user\",\"message\":{\"not\":\"a string\"}},{},null]}");
        CallReport report = event.report();
        assertThat(report.conversationId()).isEqualTo("c1");
        assertThat(report.userId()).isEqualTo("u\u00e9");
        assertThat(report.duration()).isEqualTo(Duration.ofSeconds(61));
        assertThat(report.cost()).isEqualTo(9L);
        assertThat(report.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(report.turnCount()).isEqualTo(3);
        assertThatThrownBy(event::data).isInstanceOf(MalformedDataException.class);
        assertThat(event.report()).isSameAs(report);
    }

    @Test
    void theReportDoesNotDependOnWhetherDataWasAskedForFirst() throws Exception {
        String misfit = "{\"metadata\":{\"cost\":3},\"transcript\":[{\"message\":[]},{}]}";
        TranscriptionEvent dataFirst = transcription(misfit);
        assertThatThrownBy(dataFirst::data).isInstanceOf(MalformedDataException.class);
        CallReport afterFailedData = dataFirst.report();
        assertThat(afterFailedData.cost()).isEqualTo(3L);
        assertThat(afterFailedData).isEqualTo(transcription(misfit).report());
    }

    @Test
    void aPartTheReportReadsThatDoesNotFitTheModelFailsTheReportEveryTime() throws Exception {
        TranscriptionEvent event = transcription("{\"metadata\":{\"phone_call\":\"not an object\"},\"transcript\":[]}");
        assertThatThrownBy(event::report).isInstanceOf(MalformedDataException.class)
                .hasMessageContaining("does not fit");
        assertThatThrownBy(event::report).isInstanceOf(MalformedDataException.class);
        assertThatThrownBy(event::data).isInstanceOf(MalformedDataException.class);
    }

    @Test
    void membersOfAnUnusualShapeAreLeftToTheWholeBinding() throws Exception {
        // a number where the model has a string id: the whole binding decides (JSON-B reads it as text)
        TranscriptionEvent numberId = transcription("{\"user_id\":42,\"conversation_id\":\"c\",\"transcript\":[{}]}");
        assertThat(numberId.report()).isEqualTo(wholeBindingReport(transcription(
                "{\"user_id\":42,\"conversation_id\":\"c\",\"transcript\":[{}]}")));
        // an object where the model has a list: the whole binding refuses it, so the report does too
        TranscriptionEvent objectTranscript = transcription("{\"transcript\":{\"0\":{}}}");
        assertThatThrownBy(objectTranscript::report).isInstanceOf(MalformedDataException.class);
        // a turn that is not an object: what the model makes of it (JSON-B drops a boolean) decides the count
        String booleanTurn = "{\"transcript\":[true,{\"role\":null},{}]}";
        assertThat(transcription(booleanTurn).report())
                .isEqualTo(wholeBindingReport(transcription(booleanTurn)));
        // metadata that is a string: refused by both
        assertThatThrownBy(transcription("{\"metadata\":\"x\"}")::report).isInstanceOf(MalformedDataException.class);
    }

    @Test
    void nullMembersReadAsAbsent() throws Exception {
        CallReport report = transcription("{\"metadata\":null,\"analysis\":null,"
                + "\"conversation_initiation_client_data\":null,\"user_id\":null,\"transcript\":null}").report();
        assertThat(report.turnCount()).as("a null transcript is one not sent").isNull();
        assertThat(report.transcriptSent()).isFalse();
        assertThat(report.userId()).isNull();
        assertThat(report.duration()).isNull();
        assertThat(report.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(report.direction()).isEqualTo(Direction.NONE);
        assertThat(report.collected()).isEmpty();
    }

    @Test
    void aRepeatedMemberCountsItsLastValueAsTheWholeBindingDoes() throws Exception {
        String data = "{\"transcript\":[{},{}],\"metadata\":{\"cost\":1},\"transcript\":[{}],\"metadata\":{\"cost\":2}}";
        CallReport report = transcription(data).report();
        assertThat(report.turnCount()).isEqualTo(1);
        assertThat(report.cost()).isEqualTo(2L);
        assertThat(report).isEqualTo(wholeBindingReport(transcription(data)));
    }

    @Test
    void theUserIdComesFromTheClientDataWhenDataHasNone() throws Exception {
        CallReport report = transcription("{\"conversation_initiation_client_data\":{\"user_id\":\"client-user\","
                + "\"dynamic_variables\":{\"system__caller_id\":\"+1\"}},"
                + "\"analysis\":{\"data_collection_results\":{\"plan\":{\"value\":\"gold\"}}}}").report();
        assertThat(report.userId()).isEqualTo("client-user");
        assertThat(report.collected()).isEqualTo(Map.of("plan", "gold"));
    }

    @Test
    void aReportAskedForAfterTheDataIsBuiltFromIt() throws Exception {
        TranscriptionEvent event = transcription("{\"metadata\":{\"cost\":5},\"transcript\":[{},{}]}");
        assertThat(event.data().metadata().cost()).isEqualTo(5L);
        assertThat(event.report().cost()).isEqualTo(5L);
        assertThat(event.report().turnCount()).isEqualTo(2);
    }
}
