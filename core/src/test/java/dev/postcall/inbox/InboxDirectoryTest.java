package dev.postcall.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postcall.BodySource;
import dev.postcall.EventParser;
import dev.postcall.internal.inbox.DeliveryRecord;
import dev.postcall.internal.inbox.InboxStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InboxDirectoryTest {

    @TempDir Path dir;

    static DeliveryRecord record(String conversationId) {
        return new DeliveryRecord(Instant.parse("2026-11-22T17:15:23.123Z"), 1761400005L, "application/json",
                "post_call_transcription", conversationId, 1761400000L);
    }

    @Test
    void replayHandsEachFailedEntryToTheHandlerAndRemovesTheHandledOnes() throws IOException {
        InboxStore store = InboxStore.open(dir);
        InboxDirectory inbox = InboxDirectory.open(dir);
        for (int i = 0; i < 5; i++) {
            byte[] body = ("{\"type\":\"post_call_transcription\",\"event_timestamp\":1761400000,"
                    + "\"data\":{\"conversation_id\":\"conv_" + i + "\"}}").getBytes(StandardCharsets.UTF_8);
            store.write(BodySource.ofBytes(body), record("conv_" + i)).moveToFailed();
        }
        List<String> handled = new java.util.ArrayList<>();

        ReplayReport report = inbox.replayFailed(new EventParser(), event -> {
            if (event.conversationId().equals("conv_3")) {
                throw new IllegalStateException("still broken");
            }
            handled.add(event.conversationId());
        });

        assertThat(report.replayed()).isEqualTo(4);
        assertThat(report.stillFailing()).hasSize(1).allMatch(id -> id.contains("conv_3"));
        assertThat(handled).containsExactlyInAnyOrder("conv_0", "conv_1", "conv_2", "conv_4");
        assertThat(store.failed()).extracting(e -> e.record().conversationId()).containsExactly("conv_3");
    }

    @Test
    void anEntryThatNoLongerParsesStaysInFailed() throws IOException {
        InboxStore store = InboxStore.open(dir);
        InboxDirectory inbox = InboxDirectory.open(dir);
        store.write(BodySource.ofBytes("not json".getBytes(StandardCharsets.UTF_8)), record("conv_x")).moveToFailed();

        ReplayReport report = inbox.replayFailed(new EventParser(), event -> { });

        assertThat(report.replayed()).isZero();
        assertThat(store.failed()).hasSize(1);
    }

    @Test
    void listsTheFailedEntriesOldestFirst() throws IOException {
        InboxStore store = InboxStore.open(dir);
        store.write(BodySource.ofBytes("{}".getBytes(StandardCharsets.UTF_8)), record("conv_a")).moveToFailed();
        store.write(BodySource.ofBytes("{}".getBytes(StandardCharsets.UTF_8)), record("conv_b"));

        assertThat(InboxDirectory.open(dir).failedIds()).hasSize(1).allMatch(id -> id.contains("conv_a"));
        assertThat(InboxDirectory.open(dir).root()).isEqualTo(dir.toAbsolutePath());
    }
}
