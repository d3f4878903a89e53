package dev.postcall;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link PostCallEvent#backfilled()}: false for what {@code parse} reads, true for what {@code parseBackfilled} reads.
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
        PostCallEvent backfilled = parser.parseBackfilled(BodySource.ofBytes(Fixtures.bytes(fixture)));

        assertThat(backfilled.backfilled()).isTrue();
        assertThat(backfilled.getClass()).isEqualTo(webhook.getClass());
        assertThat(backfilled.type()).isEqualTo(webhook.type());
        assertThat(backfilled.eventTimestamp()).isEqualTo(webhook.eventTimestamp());
        assertThat(backfilled.conversationId()).isEqualTo(webhook.conversationId());
        assertThat(backfilled.agentId()).isEqualTo(webhook.agentId());
    }

    @Test
    void aBackfilledEventHasNoAnswerToWaitFor() throws Exception {
        PostCallEvent event = parser.parseBackfilled(BodySource.ofBytes(Fixtures.bytes("transcription-minimal.json")));

        assertThat(event.answered().toCompletableFuture()).isCompleted();
    }

    @Test
    void aBackfilledTranscriptionReportsLikeTheWebhook() throws Exception {
        TranscriptionEvent webhook = (TranscriptionEvent) Fixtures.parse("transcription-phone-inbound.json");
        TranscriptionEvent backfilled = (TranscriptionEvent) parser.parseBackfilled(
                BodySource.ofBytes(Fixtures.bytes("transcription-phone-inbound.json")));

        assertThat(backfilled.report()).isEqualTo(webhook.report());
        assertThat(backfilled.toString()).endsWith(", backfilled]");
    }

    @Test
    void aBackfilledBodyIsCheckedLikeAWebhook() {
        assertThatThrownBy(() -> parser.parseBackfilled(BodySource.ofBytes("{\"type\":\"post_call_audio\",\"data\":{}}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .isInstanceOf(MalformedEventException.class);
    }
}
