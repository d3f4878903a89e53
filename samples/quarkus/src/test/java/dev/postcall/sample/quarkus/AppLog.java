package dev.postcall.sample.quarkus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The packaged application's console, which {@code @QuarkusIntegrationTest} writes to {@code target/quarkus.log}:
 * the observers report there what they received. A test reads the lines written after its {@link #mark()}. The
 * observers run before the webhook answers, so their lines are there once a 200 came back.
 */
final class AppLog {
    private static final Path FILE = Path.of(System.getProperty("postcall.it.log", "target/quarkus.log"));

    private AppLog() {
    }

    /** Where the log ends now. */
    static long mark() throws IOException {
        return Files.size(FILE);
    }

    /** The lines written since {@code mark}. */
    static List<String> since(long mark) throws IOException {
        byte[] all = Files.readAllBytes(FILE);
        return new String(all, (int) mark, all.length - (int) mark, StandardCharsets.UTF_8).lines().toList();
    }

    /** The whole log, for a failure's message. */
    static String all() throws IOException {
        return Files.readString(FILE, StandardCharsets.UTF_8);
    }
}
