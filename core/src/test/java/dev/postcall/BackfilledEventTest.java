package dev.postcall;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link PostCallEvent#backfilled()}: false for a webhook, true for a body that carries the envelope member
 * {@code "postcall_backfilled": true} (what backfill builds), whichever way it is parsed: so a kept backfilled delivery
 * is still backfilled when a store replays it.
 */
class BackfilledEventTest {

    private final EventParser parser = new EventParser();

    @ParameterizedTest
    @ValueSource(strings = {"transcription-phone-inbound.json", "audio.json", "failure-sip.json", "unknown-type.json"})
    void aWebhookIsNotBackfilled(String fixture) throws Exception {
        PostCallEvent parsed = parser.parse(BodySource.ofBytes(Fixtures.bytes(fixture)));
        PostCallEvent answered = parser.parse(BodySource.ofBytes(Fixtures.bytes(fixture)), new CompletableFuture<>());

        assertThat(parsed.backfilled()).isFalse();
        assertThat(answered.backfilled()).isFalse();
        assertThat(parsed.toString()).doesNotContain("backfilled");
    }

    @ParameterizedTest
    @ValueSource(strings = {"transcription-phone-inbound.json", "audio.json", "failure-sip.json", "unknown-type.json"})
    void aBackfilledBodyIsBackfilledWithTheSameEnvelopeAndClass(String fixture) throws Exception {
        PostCallEvent webhook = parser.parse(BodySource.ofBytes(Fixtures.bytes(fixture)));
        PostCallEvent backfilled = parser.parse(BodySource.ofBytes(marked(fixture)));
        PostCallEvent replayed = parser.parse(BodySource.ofBytes(marked(fixture)), new CompletableFuture<>());

        assertThat(backfilled.backfilled()).isTrue();
        assertThat(replayed.backfilled()).isTrue();
        assertThat(backfilled.getClass()).isEqualTo(webhook.getClass());
        assertThat(backfilled.type()).isEqualTo(webhook.type());
        assertThat(backfilled.eventTimestamp()).isEqualTo(webhook.eventTimestamp());
        assertThat(backfilled.conversationId()).isEqualTo(webhook.conversationId());
        assertThat(backfilled.agentId()).isEqualTo(webhook.agentId());
    }

    @Test
    void onlyTheLiteralTrueMarksABody() throws Exception {
        for (String value : new String[] {"false", "null", "\"true\"", "1", "{}"}) {
            byte[] body = ("{\"type\":\"post_call_transcription\",\"postcall_backfilled\":" + value
                    + ",\"data\":{\"conversation_id\":\"c\"}}").getBytes(StandardCharsets.UTF_8);
            assertThat(parser.parse(BodySource.ofBytes(body)).backfilled()).as(value).isFalse();
        }
    }

    @Test
    void theLastMarkOfABodyCounts() throws Exception {
        byte[] body = ("{\"type\":\"post_call_transcription\",\"postcall_backfilled\":true,\"data\":{},"
                + "\"postcall_backfilled\":false}").getBytes(StandardCharsets.UTF_8);

        assertThat(parser.parse(BodySource.ofBytes(body)).backfilled()).isFalse();
    }

    @Test
    void aBackfilledEventParsedWithoutAnAnswerHasNoneToWaitFor() throws Exception {
        PostCallEvent event = parser.parse(BodySource.ofBytes(marked("transcription-minimal.json")));

        assertThat(event.answered().toCompletableFuture()).isCompleted();
    }

    @Test
    void aBackfilledTranscriptionReportsLikeTheWebhook() throws Exception {
        TranscriptionEvent webhook = (TranscriptionEvent) Fixtures.parse("transcription-phone-inbound.json");
        TranscriptionEvent backfilled = (TranscriptionEvent) parser.parse(
                BodySource.ofBytes(marked("transcription-phone-inbound.json")));

        assertThat(backfilled.report()).isEqualTo(webhook.report());
        assertThat(backfilled.toString()).endsWith(", backfilled]");
    }

    @Test
    void aBackfilledBodyIsCheckedLikeAWebhook() {
        assertThatThrownBy(() -> parser.parse(BodySource.ofBytes(("{\"type\":\"post_call_audio\","
                + "\"postcall_backfilled\":true,\"data\":{}}").getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(MalformedEventException.class);
    }

    /** The fixture with the member backfill adds, first in the envelope. */
    private static byte[] marked(String fixture) throws Exception {
        String json = new String(Fixtures.bytes(fixture), StandardCharsets.UTF_8);
        int open = json.indexOf('{');
        return (json.substring(0, open + 1) + "\"postcall_backfilled\":true," + json.substring(open + 1))
                .getBytes(StandardCharsets.UTF_8);
    }
}
