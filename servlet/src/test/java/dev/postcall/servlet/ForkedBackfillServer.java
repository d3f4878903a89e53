package dev.postcall.servlet;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import dev.postcall.monitoring.WebhookMonitor;

/**
 * A webhook server with an inbox and backfill on, in its own JVM, for the test that kills it in the middle of a
 * backfill run. Prints {@code PORT <n>}; then {@code HANDLED <conversation> <backfilled>} per event, or
 * {@code DISPATCHING <conversation>} and blocks forever in the handler for the conversation it is told to hang at;
 * {@code RUN <summary>} once its first scheduled run ended. A line {@code REPLAY} on stdin replays what the inbox
 * kept as failed and prints {@code REPLAYED <n>}. Serves until its stdin closes.
 *
 * <p>Arguments: the inbox directory, the API's base URL, the API key, and the conversation to hang at (or
 * {@code none}).
 */
public final class ForkedBackfillServer {
    private ForkedBackfillServer() {
    }

    public static void main(String[] args) throws Exception {
        String hangAt = args[3];
        try (TestServer server = TestServer.builder()
                .servletParam(DeliverySettings.INBOX_DIR, args[0])
                .servletParam("backfill-base-url", args[1])
                .servletParam("backfill-api-key", args[2])
                .servletParam("backfill-interval", "1h")
                .start()) {
            server.handler.onEvent(event -> {
                if (event.conversationId().equals(hangAt)) {
                    System.out.println("DISPATCHING " + event.conversationId());
                    System.out.flush();
                    Thread.sleep(Long.MAX_VALUE);
                }
                System.out.println("HANDLED " + event.conversationId() + " " + event.backfilled());
                System.out.flush();
            });
            System.out.println("PORT " + server.uri().getPort());
            System.out.flush();
            Thread reporter = new Thread(() -> {
                try {
                    WebhookMonitor.BackfillRun run = BackfillEndToEndTest.firstRun(server);
                    System.out.println("RUN " + run.summary());
                    System.out.flush();
                } catch (Exception | AssertionError e) {
                    System.out.println("RUN none: " + e);
                }
            });
            reporter.setDaemon(true);
            reporter.start();
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = stdin.readLine()) != null; ) {
                if (line.equals("REPLAY")) {
                    System.out.println("REPLAYED " + server.webhook().replayFailed().replayed());
                    System.out.flush();
                }
            }
        }
    }
}
