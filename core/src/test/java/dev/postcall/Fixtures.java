package dev.postcall;

import dev.postcall.testsupport.TestData;
import java.nio.file.Path;

/** The webhook fixtures in the repository's {@code testdata/fixtures}. */
final class Fixtures {
    private Fixtures() {
    }

    static Path dir() {
        return TestData.fixtures();
    }

    static Path path(String name) {
        return TestData.fixture(name);
    }

    static byte[] bytes(String name) {
        return TestData.bytes(name);
    }

    static PostCallEvent parse(String name) throws MalformedEventException {
        return new EventParser().parse(BodySource.ofBytes(bytes(name)));
    }
}
