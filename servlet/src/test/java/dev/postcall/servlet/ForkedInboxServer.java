package dev.postcall.servlet;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A webhook server with an inbox in its own JVM, for the test that kills it mid-dispatch. Prints
 * {@code PORT <n>}, then {@code DISPATCHING <conversation>} or {@code HANDLED <conversation>} per event; serves until
 * its stdin closes.
 *
 * <p>Arguments: the inbox directory; {@code hang} to make every handler call block forever, {@code handle} to
 * handle normally.
 */
public final class ForkedInboxServer {
    private ForkedInboxServer() {
    }

    /**
     * Prints {@code DISPATCHING <conversation>} and blocks forever in the handler when {@code hang}, else prints
     * {@code HANDLED <conversation>}.
     */
    static void printEvents(TestServer server, boolean hang) {
        server.handler.onEvent(event -> {
            if (hang) {
                System.out.println("DISPATCHING " + event.conversationId());
                System.out.flush();
                Thread.sleep(Long.MAX_VALUE);
            }
            System.out.println("HANDLED " + event.conversationId());
            System.out.flush();
        });
    }

    public static void main(String[] args) throws Exception {
        boolean hang = args[1].equals("hang");
        try (TestServer server = TestServer.builder().servletParam(DeliverySettings.INBOX_DIR, args[0]).start()) {
            printEvents(server, hang);
            System.out.println("PORT " + server.uri().getPort());
            System.out.flush();
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (stdin.readLine() != null) {
                // serve until the test closes our stdin
            }
        }
    }
}
