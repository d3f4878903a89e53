package dev.postcall.servlet;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import dev.postcall.AudioEvent;

/**
 * A webhook server in its own JVM, for tests that need a small heap: filter and servlet on Jetty, a handler that
 * saves the audio of every {@link AudioEvent} to a file. Prints {@code PORT <n>} and {@code MAXHEAP <bytes>} on
 * stdout, then serves until its stdin closes.
 *
 * <p>Arguments: the file to save audio to, the temp directory for spilled bodies.
 */
public final class ForkedWebhookServer {
    private ForkedWebhookServer() {
    }

    public static void main(String[] args) throws Exception {
        Path audioFile = Path.of(args[0]);
        try (TestServer server = TestServer.builder().tempDir(Path.of(args[1])).start()) {
            server.handler.onEvent(event -> {
                if (event instanceof AudioEvent) {
                    ((AudioEvent) event).saveTo(audioFile);
                }
            });
            System.out.println("MAXHEAP " + Runtime.getRuntime().maxMemory());
            System.out.println("PORT " + server.uri().getPort());
            System.out.flush();
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (stdin.readLine() != null) {
                // serve until the test closes our stdin
            }
        }
    }
}
