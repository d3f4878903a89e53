package dev.postcall.internal.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postcall.BodySource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InboxStoreTest {

    @TempDir Path dir;

    static final byte[] BODY = "{\"type\":\"post_call_transcription\",\"event_timestamp\":1761400000,\"data\":{}}"
            .getBytes(StandardCharsets.UTF_8);

    static DeliveryRecord record(String conversationId) {
        return new DeliveryRecord(Instant.parse("2026-11-22T17:15:23.123Z"), 1761400005L, "application/json",
                "post_call_transcription", conversationId, 1761400000L, 1, null, null);
    }

    @Test
    void writesTheBodyByteForByteAndTheRecordIntoIncoming() throws IOException {
        InboxStore inbox = InboxStore.open(dir);
        InboxEntry entry = inbox.write(BodySource.ofBytes(BODY), record("conv_1"));

        assertThat(entry.directory().getParent()).isEqualTo(dir.resolve("incoming"));
        assertThat(Files.readAllBytes(entry.directory().resolve("body.json"))).isEqualTo(BODY);
        List<InboxEntry> incoming = inbox.entries(inbox.incomingDirectory());
        assertThat(incoming).hasSize(1);
        assertThat(incoming.get(0).record()).isEqualTo(record("conv_1"));
        assertThat(incoming.get(0).id()).startsWith("20261122T171523.123Z-post_call_transcription-conv_1-");
        assertThat(children(dir.resolve("tmp"))).isZero();
    }

    @Test
    void theRecordNeverHoldsASecretOrSignature() throws IOException {
        InboxEntry entry = InboxStore.open(dir).write(BodySource.ofBytes(BODY), record("conv_1"));
        String meta = Files.readString(entry.directory().resolve("meta.properties"));
        assertThat(meta).contains("signature-timestamp=1761400005").doesNotContain("v0").doesNotContain("wsec_");
    }

    @Test
    void removeDeletesTheEntry() throws IOException {
        InboxStore inbox = InboxStore.open(dir);
        inbox.write(BodySource.ofBytes(BODY), record("conv_1")).remove();

        assertThat(children(dir.resolve("incoming"))).isZero();
    }

    @Test
    void aMovedEntryKeepsItsBodyAndTakesItsNewRecord() throws IOException {
        InboxStore inbox = InboxStore.open(dir);
        InboxEntry entry = inbox.write(BodySource.ofBytes(BODY), record("conv_1"));
        DeliveryRecord failedRecord = record("conv_1").failed("java.lang.IllegalStateException",
                Instant.parse("2026-11-22T17:16:00Z"));

        InboxEntry failed = entry.moveTo(inbox.failedDirectory(), failedRecord);

        assertThat(children(dir.resolve("incoming"))).isZero();
        List<InboxEntry> listed = inbox.entries(inbox.failedDirectory());
        assertThat(listed).extracting(InboxEntry::id).containsExactly(failed.id());
        assertThat(listed.get(0).record()).isEqualTo(failedRecord);
        try (InputStream in = listed.get(0).body().openStream()) {
            assertThat(in.readAllBytes()).isEqualTo(BODY);
        }
        assertThatThrownBy(() -> entry.moveTo(inbox.failedDirectory(), failedRecord))
                .as("the entry is no longer where it was: a second mover loses")
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
    }

    @Test
    void aLargeBodyFromAFileIsCopiedExactly() throws IOException {
        byte[] big = new byte[5 * 1024 * 1024 + 17];
        new Random(7).nextBytes(big);
        Path source = Files.write(dir.resolve("spilled.tmp"), big);
        InboxEntry entry = InboxStore.open(dir.resolve("inbox")).write(BodySource.ofFile(source), record("conv_big"));

        assertThat(entry.body().length()).isEqualTo(big.length);
        assertThat(Files.readAllBytes(entry.directory().resolve("body.json"))).isEqualTo(big);
    }

    @Test
    void conversationIdsThatAreNotFileNamesAreMadeSafe() throws IOException {
        InboxEntry entry = InboxStore.open(dir).write(BodySource.ofBytes(BODY), record("../../etc/passwd"));

        assertThat(entry.directory().getParent()).isEqualTo(dir.resolve("incoming"));
        assertThat(entry.id()).contains("______etc_passwd").doesNotContain("/").doesNotContain("..");
        assertThat(entry.record().conversationId()).isEqualTo("../../etc/passwd");
    }

    @Test
    void aWriteThatFailsLeavesNothingBehind() throws IOException {
        InboxStore inbox = InboxStore.open(dir);
        BodySource broken = new BodySource() {
            @Override public InputStream openStream() {
                return new InputStream() {
                    int n;
                    @Override public int read() throws IOException {
                        if (n++ > 100) throw new IOException("disk full");
                        return 'x';
                    }
                };
            }
            @Override public long length() { return 1000; }
        };

        assertThatThrownBy(() -> inbox.write(broken, record("conv_1"))).isInstanceOf(IOException.class);
        assertThat(children(dir.resolve("tmp"))).isZero();
        assertThat(children(dir.resolve("incoming"))).isZero();
    }

    @Test
    void aReadOnlyInboxCannotBeWritten() throws IOException {
        InboxStore inbox = InboxStore.open(dir);
        Files.setPosixFilePermissions(dir.resolve("tmp"), PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(dir.resolve("tmp")),
                    "running as a user who can write read-only directories (root): permissions cannot be tested");
            assertThatThrownBy(() -> inbox.write(BodySource.ofBytes(BODY), record("conv_1"))).isInstanceOf(IOException.class);
            assertThat(children(dir.resolve("incoming"))).isZero();
        } finally {
            Files.setPosixFilePermissions(dir.resolve("tmp"), PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void anInboxWhoseStagingAreaIsBrokenRefusesWrites() throws IOException {
        // the same failure a full disk or a read-only mount gives, reproducible even when the tests run as root
        InboxStore inbox = InboxStore.open(dir);
        Files.delete(dir.resolve("tmp"));
        Files.writeString(dir.resolve("tmp"), "not a directory");

        assertThatThrownBy(() -> inbox.write(BodySource.ofBytes(BODY), record("conv_1"))).isInstanceOf(IOException.class);
        assertThat(children(dir.resolve("incoming"))).isZero();
    }

    private static long children(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }
}
