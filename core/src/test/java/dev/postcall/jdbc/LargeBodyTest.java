package dev.postcall.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A 100 MiB audio delivery kept in a real PostgreSQL, and in a real MariaDB, and read back, by a JVM whose whole heap
 * is 128 MiB: stored, read back byte for byte, and replayed through the parser to the same audio.
 */
class LargeBodyTest {

    static final long AUDIO_BYTES = 75L * 1024 * 1024; // 100 MiB once base64-encoded
    /** The checking JVM's -Xmx: 128m, or smaller with -Dpostcall.largeBodyHeap=32m to find how little it needs. */
    static final String HEAP = System.getProperty("postcall.largeBodyHeap", "128m");

    @TempDir
    Path temp;

    @ParameterizedTest
    @EnumSource(value = Database.class, names = {"POSTGRESQL", "MARIADB"})
    void aHundredMegabyteBodyIsStoredAndReadBackExactlyUnderA128MegabyteHeap(Database database) throws Exception {
        Database.Fixture db = database.fresh();
        String prefix = db.prefix();
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = temp.resolve("check.log");
        Process process = new ProcessBuilder(javaBin, "-Xmx" + HEAP, "-cp", System.getProperty("java.class.path"),
                LargeBodyCheck.class.getName(), database.jdbcUrl(), prefix, Long.toString(AUDIO_BYTES))
                .redirectError(log.toFile())
                .start();
        Map<String, String> measured = new LinkedHashMap<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                int space = line.indexOf(' ');
                if (space > 0) {
                    measured.put(line.substring(0, space), line.substring(space + 1));
                }
            }
        } finally {
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
            }
        }
        System.out.println("LargeBodyTest on " + database + " measured (bytes): " + measured);
        String errors = Files.readString(log);
        try {
            assertThat(process.exitValue()).as("exit of the -Xmx%s JVM; stderr:%n%s", HEAP, errors).isZero();
            assertThat(errors).doesNotContain("OutOfMemoryError");
            assertThat(Long.parseLong(measured.get("MAXHEAP"))).isLessThanOrEqualTo(128L * 1024 * 1024);
            assertThat(Long.parseLong(measured.get("BODY_BYTES"))).isGreaterThan(100L * 1024 * 1024);
            assertThat(measured.get("STORED_BYTES")).isEqualTo(measured.get("BODY_BYTES"));
            assertThat(measured.get("KEPT_BYTES")).isEqualTo(measured.get("BODY_BYTES"));
            assertThat(measured).containsEntry("BODY_SHA256_MATCH", "true").containsEntry("REPLAYED", "1")
                    .containsEntry("FAILED_AFTER_REPLAY", "0").containsEntry("AUDIO_SHA256_MATCH", "true");
        } finally {
            db.execute("DROP TABLE IF EXISTS ${chunk}");
            db.execute("DROP TABLE IF EXISTS ${delivery}");
        }
    }
}
