package dev.postcall.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's {@code testdata/} folder: the webhook fixtures and signature vectors ({@code fixtures/}), the
 * Conversations API's bodies ({@code conversations-api/}) and the vendor-page excerpts tests check against
 * ({@code spec/}). The build names it in the system property
 * {@code postcall.testdata}; run from an IDE without it, the folder is found by walking up from the working
 * directory. Nothing outside the checkout is ever read.
 */
public final class TestData {
    private static final String PROPERTY = "postcall.testdata";

    private TestData() {
    }

    /** The {@code testdata/} folder itself. */
    public static Path dir() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path dir = Path.of(configured);
            if (!Files.isDirectory(dir.resolve("fixtures"))) {
                throw new IllegalStateException("-D" + PROPERTY + "=" + configured + " has no fixtures/ folder");
            }
            return dir;
        }
        for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
            Path candidate = at.resolve("testdata");
            if (Files.isRegularFile(candidate.resolve("fixtures/README.md"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no testdata/fixtures folder above " + Path.of("").toAbsolutePath()
                + "; run the tests through Maven from the repository, or set -D" + PROPERTY);
    }

    /** {@code testdata/fixtures}: one JSON body per file, plus {@code signature-vectors.json}. */
    public static Path fixtures() {
        return dir().resolve("fixtures");
    }

    /** One fixture file, e.g. {@code transcription-minimal.json}. */
    public static Path fixture(String name) {
        return existing(fixtures().resolve(name));
    }

    /** A fixture's exact bytes. */
    public static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(fixture(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A body of ElevenLabs' Conversations API under {@code testdata/conversations-api}, e.g.
     * {@code conversation-phone-inbound.json}.
     */
    public static Path conversation(String name) {
        return existing(dir().resolve("conversations-api").resolve(name));
    }

    /** A file under {@code testdata/spec}, e.g. {@code egress-ips.md}. */
    public static Path spec(String name) {
        return existing(dir().resolve("spec").resolve(name));
    }

    private static Path existing(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no test data file " + file);
        }
        return file;
    }
}
