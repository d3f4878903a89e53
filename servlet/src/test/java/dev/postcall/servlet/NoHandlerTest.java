package dev.postcall.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No handler registered (the cdi jar left out, a handler registered late): a verified delivery is never answered 200
 * and dropped. A store that keeps bodies keeps it for a replay; the memory store answers 503 without recording it, so
 * the sender's retry is handled once a handler is there.
 */
class NoHandlerTest {

    @TempDir Path dir;

    @Test
    void withoutAStoreThatKeepsBodiesADeliveryIsAnswered503AndHandledWhenRetriedLater() throws Exception {
        try (TestServer server = TestServer.builder().withoutHandler().start()) {
            byte[] body = DeliveryGuaranteesTest.transcription("conv_no_handler");

            HttpResponse<String> first = server.postSigned(body);
            assertThat(first.statusCode()).isEqualTo(503);
            assertThat(TestServer.problem(first).getString("type")).endsWith("/no-handler");
            assertThat(first.headers().firstValue("Retry-After")).hasValue("30");
            assertThat(server.webhook().statistics().deliveries().get("post_call_transcription"))
                    .containsEntry("no-handler", 1L);

            server.registerHandler();
            assertThat(server.postSigned(body).statusCode()).isEqualTo(200);
            assertThat(server.handler.events()).extracting(e -> e.conversationId()).containsExactly("conv_no_handler");
        }
    }

    @Test
    void aDirectoryStoreKeepsTheDeliveryAndAReplayHandsItToTheHandlerRegisteredLater() throws Exception {
        Path inbox = dir.resolve("inbox");
        try (TestServer server = TestServer.builder().withoutHandler()
                .servletParam(DeliverySettings.INBOX_DIR, inbox.toString()).start()) {
            HttpResponse<String> response = server.postSigned(DeliveryGuaranteesTest.transcription("conv_later"));
            assertThat(response.statusCode()).as("kept: on-handler-failure=accept").isEqualTo(200);
            assertThat(DeliveryGuaranteesTest.count(inbox.resolve("failed"))).isEqualTo(1);

            server.registerHandler();
            assertThat(server.webhook().replayFailed().replayed()).isEqualTo(1);
            assertThat(server.handler.events()).extracting(e -> e.conversationId()).containsExactly("conv_later");
            assertThat(DeliveryGuaranteesTest.count(inbox.resolve("failed"))).isZero();
        }
    }
}
