package dev.postcall.servlet;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import com.zaxxer.hikari.HikariDataSource;

/**
 * One node of {@link FaultMatrixTest} in a JVM of its own, so that it can die as a killed JVM dies. Its handler
 * appends each conversation id it handles to an effects file (forced to disk: the effect survives the JVM), and in the
 * {@code halt-*} modes stops the JVM with {@link Runtime#halt} (as {@code kill -9}: no {@code finally}, no shutdown
 * hook, the store told nothing) before or after that effect. Prints {@code PORT <n>}; a line {@code REPLAY} on stdin
 * replays what the store kept through the webhook and prints {@code REPLAYED <n>}; serves until stdin closes.
 *
 * <p>Arguments: the store ({@code memory}, {@code directory <dir>} or {@code database <url> <prefix>}), the effects
 * file, the mode ({@code handle}, {@code halt-before}, {@code halt-after}).
 */
public final class FaultMatrixNode {
    private FaultMatrixNode() {
    }

    public static void main(String[] args) throws Exception {
        String store = args[0];
        int next = 1;
        TestServer.Builder builder = TestServer.builder();
        HikariDataSource pool = null;
        switch (store) {
            case "memory" -> { }
            case "directory" -> builder.servletParam(DeliverySettings.INBOX_DIR, args[next++]);
            case "database" -> {
                pool = TestDatabase.pool(args[next++], 4);
                builder.contextAttribute(PostCallWebhookServlet.INBOX_DATA_SOURCE, pool)
                        .servletParam(DeliverySettings.INBOX, "datasource")
                        .servletParam(DeliverySettings.INBOX_CREATE_SCHEMA, "true")
                        .servletParam(DeliverySettings.INBOX_TABLE_PREFIX, args[next++])
                        .servletParam(DeliverySettings.INBOX_NODE_ID, "matrix-node");
            }
            default -> throw new IllegalArgumentException(store);
        }
        Path effects = Path.of(args[next++]);
        String mode = args[next];
        try (TestServer server = builder.start()) {
            server.handler.onEvent(event -> {
                if (mode.equals("halt-before")) {
                    Runtime.getRuntime().halt(137);
                }
                try (FileChannel out = FileChannel.open(effects, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND)) {
                    out.write(StandardCharsets.UTF_8.encode(event.conversationId() + "\n"));
                    out.force(true);
                }
                if (mode.equals("halt-after")) {
                    Runtime.getRuntime().halt(137);
                }
            });
            System.out.println("PORT " + server.uri().getPort());
            System.out.flush();
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = stdin.readLine()) != null; ) {
                if (line.equals("REPLAY")) {
                    System.out.println("REPLAYED " + server.webhook().replayFailed().replayed());
                    System.out.flush();
                }
            }
        } finally {
            if (pool != null) {
                pool.close();
            }
        }
    }
}
