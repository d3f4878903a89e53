package dev.postcall;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shared webhook fixtures, found through the {@code postcall.fixtures} system property. */
final class Fixtures {
    private Fixtures() {
    }

    static Path dir() {
        String dir = System.getProperty("postcall.fixtures", "../../shared/fixtures");
        return Path.of(dir);
    }

    static Path path(String name) {
        return dir().resolve(name);
    }

    static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(path(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PostCallEvent parse(String name) throws MalformedEventException {
        return new EventParser().parse(BodySource.ofBytes(bytes(name)));
    }
}
