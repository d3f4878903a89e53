package dev.postcall.internal.body;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postcall.BodySource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeldBodyTest {

    @TempDir Path dir;

    private HeldBody spilled(byte[] bytes) throws IOException {
        try (BodyWriter writer = new BodyWriter(16, dir)) {
            for (int i = 0; i < bytes.length; i += 1000) {
                writer.write(bytes, i, Math.min(1000, bytes.length - i));
            }
            return writer.finish();
        }
    }

    private static byte[] random(int n) {
        byte[] bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }

    private long tempFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("postcall-")).count();
        }
    }

    private static byte[] read(BodySource body, long start, long end) throws IOException {
        try (InputStream in = body.openRange(start, end)) {
            return in.readAllBytes();
        }
    }

    @Test
    void aSmallBodyStaysInMemoryAndReadsByRange() throws IOException {
        byte[] bytes = "{\"type\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        try (BodyWriter writer = new BodyWriter(1024, dir)) {
            writer.write(bytes, 0, bytes.length);
            HeldBody body = writer.finish();
            assertThat(body.inFile()).isFalse();
            assertThat(body.inMemoryBytes()).isEqualTo(bytes);
            assertThat(read(body, 2, 6)).isEqualTo("type".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(tempFiles()).isZero();
    }

    @Test
    void aLargeBodySpillsAndEveryRangeReadsTheSameBytes() throws IOException {
        byte[] bytes = random(700_000);
        HeldBody body = spilled(bytes);
        assertThat(body.inFile()).isTrue();
        assertThat(body.length()).isEqualTo(bytes.length);
        assertThat(body.inMemoryBytes()).isNull();
        try (InputStream in = body.openStream()) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
        assertThat(read(body, 123_456, 600_001)).isEqualTo(java.util.Arrays.copyOfRange(bytes, 123_456, 600_001));
        assertThat(read(body, 5, 5)).isEmpty();
        assertThatThrownBy(() -> body.openRange(10, bytes.length + 1)).isInstanceOf(IndexOutOfBoundsException.class);
        body.release();
        assertThat(tempFiles()).isZero();
    }

    @Test
    void aSpilledBodysTempFileIsReadableAndWritableByItsOwnerAlone() throws IOException {
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"),
                "the file system has no POSIX permissions (Windows): nothing to check");
        HeldBody body = spilled(random(5_000));
        try (Stream<Path> files = Files.list(dir)) {
            Path file = files.filter(p -> p.getFileName().toString().startsWith("postcall-")).findFirst().orElseThrow();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        } finally {
            body.release();
        }
    }

    @Test
    void aBodyThatOutgrowsAThresholdLargerThanAFileChunkKeepsEveryByte() throws IOException {
        byte[] bytes = random(1_500_000);
        try (BodyWriter writer = new BodyWriter(1 << 20, dir)) { // the default memory-threshold
            writer.write(bytes, 0, 1_000_000);
            writer.write(bytes, 1_000_000, 500_000);
            HeldBody body = writer.finish();
            assertThat(body.inFile()).isTrue();
            assertThat(read(body, 0, bytes.length)).isEqualTo(bytes);
            body.release();
        }
        assertThat(tempFiles()).isZero();
    }

    @Test
    void aRetainedBodyOutlivesTheRequestAndTheLastReleaseDeletesItsFile() throws IOException {
        byte[] bytes = random(50_000);
        HeldBody body = spilled(bytes);
        BodySource.Lease lease = body.retain();

        body.release(); // the request ends
        assertThat(tempFiles()).isOne();
        assertThat(read(body, 0, bytes.length)).isEqualTo(bytes);

        lease.close();
        lease.close(); // a second close changes nothing
        assertThat(tempFiles()).isZero();
        assertThatThrownBy(() -> body.openStream()).isInstanceOf(IOException.class).hasMessageContaining("retain()");
        assertThatThrownBy(body::retain).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theCreatorsSecondReleaseNeverTakesAnotherHoldersHold() throws IOException {
        // an asynchronous request that times out and then completes ends the request's hold twice
        byte[] bytes = random(50_000);
        HeldBody body = spilled(bytes);
        BodySource.Lease observer = body.retain();

        body.release(); // onTimeout
        body.release(); // onComplete
        assertThat(tempFiles()).as("the observer still holds it").isOne();
        assertThat(read(body, 0, bytes.length)).isEqualTo(bytes);

        observer.close();
        assertThat(tempFiles()).isZero();
    }

    @Test
    void aTempFileCreatedButNotOpenedIsDeleted() throws IOException {
        BodyWriter writer = new BodyWriter(16, dir, file -> {
            throw new IOException("too many open files");
        });

        assertThatThrownBy(() -> writer.write(random(1000), 0, 1000)).isInstanceOf(IOException.class)
                .hasMessageContaining("too many open files");
        assertThat(tempFiles()).as("the file createTempFile made").isZero();
        writer.close();
        assertThat(tempFiles()).isZero();
    }

    @Test
    void aMovedFileBelongsToItsNewPlaceAndStaysReadable() throws IOException {
        byte[] bytes = random(40_000);
        HeldBody body = spilled(bytes);
        BodySource.Lease lease = body.retain();
        Path target = dir.resolve("body.json");

        assertThat(body.moveFileTo(target)).isTrue();
        assertThat(Files.readAllBytes(target)).isEqualTo(bytes);
        assertThat(tempFiles()).isZero();
        assertThat(body.moveFileTo(dir.resolve("again.json"))).as("the file is the inbox's now").isFalse();

        Files.delete(target); // the inbox removes a handled entry
        assertThat(read(body, 100, 200)).isEqualTo(java.util.Arrays.copyOfRange(bytes, 100, 200));
        body.release();
        lease.close();
        assertThat(Files.exists(target)).isFalse();
    }

    @Test
    void aBodyInMemoryIsNeverMoved() throws IOException {
        HeldBody body = HeldBody.inMemory(new byte[] {1, 2, 3});
        assertThat(body.moveFileTo(dir.resolve("body.json"))).isFalse();
        try (BodySource.Lease lease = body.retain()) {
            assertThat(body.inMemoryBytes()).containsExactly(1, 2, 3);
        }
    }

    @Test
    void aWriterClosedUnfinishedDeletesWhatItSpilled() throws IOException {
        try (BodyWriter writer = new BodyWriter(16, dir)) {
            writer.write(random(1000), 0, 1000);
            assertThat(tempFiles()).isOne();
        }
        assertThat(tempFiles()).isZero();
    }

    @Test
    void anAdoptedArrayIsTheBodyWithoutACopy() throws IOException {
        byte[] exact = "{}".getBytes(StandardCharsets.UTF_8);
        try (BodyWriter writer = new BodyWriter(1024, dir)) {
            writer.adopt(exact, exact.length);
            assertThat(writer.finish().inMemoryBytes()).isSameAs(exact);
        }
    }
}
