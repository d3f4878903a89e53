package dev.postcall;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 30 MB recording (40 MB of base64) parsed from a file body and saved, in a separate JVM limited to a 64 MB heap:
 * neither the body nor the audio may ever be held whole.
 */
class LargeAudioTest {

    private static final int AUDIO_BYTES = 30 * 1024 * 1024;

    @Test
    void thirtyMegabyteAudioIsSavedByteForByteUnderA64MegabyteHeap(@TempDir Path dir) throws Exception {
        Path body = dir.resolve("audio-body.json");
        String expectedSha = writeAudioBody(body, AUDIO_BYTES);
        Path saved = dir.resolve("call.mp3");

        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                SaveAudio.class.getName(), body.toString(), saved.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();

        assertThat(output).contains("written=" + AUDIO_BYTES);
        assertThat(Files.size(saved)).isEqualTo(AUDIO_BYTES);
        assertThat(sha256(saved)).isEqualTo(expectedSha);
        System.out.println("[LargeAudioTest] child JVM: " + output.strip());
    }

    /** Writes an audio webhook body around {@code size} random bytes; returns their SHA-256. */
    static String writeAudioBody(Path file, int size) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        Random random = new Random(20261122);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            out.write(("{\"type\":\"post_call_audio\",\"event_timestamp\":1761488731,\"data\":{"
                    + "\"agent_id\":\"agent_big\",\"conversation_id\":\"conv_big\",\"full_audio\":\"")
                    .getBytes(StandardCharsets.US_ASCII));
            OutputStream base64 = Base64.getEncoder().wrap(new NonClosing(out));
            try (DigestOutputStream digest = new DigestOutputStream(base64, sha)) {
                byte[] chunk = new byte[1 << 16];
                for (int left = size; left > 0; left -= chunk.length) {
                    random.nextBytes(chunk);
                    digest.write(chunk, 0, Math.min(chunk.length, left));
                }
            }
            out.write("\"}}\n".getBytes(StandardCharsets.US_ASCII));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    static String sha256(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Lets the base64 encoder write its padding on close without closing the body file. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /** The child JVM: parses the body file and saves the audio, then reports the bytes and the peak heap. */
    public static final class SaveAudio {
        public static void main(String[] args) throws Exception {
            long start = System.nanoTime();
            PostCallEvent event = new EventParser().parse(BodySource.ofFile(Path.of(args[0])));
            long parsed = System.nanoTime();
            long written = ((AudioEvent) event).saveTo(Path.of(args[1]));
            long saved = System.nanoTime();
            long peakHeap = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peakHeap += pool.getPeakUsage().getUsed();
                }
            }
            System.out.println("written=" + written + " conversation=" + event.conversationId()
                    + " peakHeapMiB=" + peakHeap / (1024 * 1024) + " parseMillis=" + (parsed - start) / 1_000_000
                    + " saveMillis=" + (saved - parsed) / 1_000_000);
        }
    }
}
