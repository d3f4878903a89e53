package dev.postcall.internal.backfill;

import dev.postcall.EventParser;
import dev.postcall.testsupport.ElevenLabsApiStandIn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 48 MiB recording (64 MiB as the body's base64) backfilled by the engine in a separate JVM limited to a 48 MB
 * heap: neither the recording nor the body may ever be held whole, on the way in (the API's answer into the body's
 * temp file, base64-encoded as it arrives) or out (the {@code AudioEvent} decoding it as it is read).
 */
class LargeRecordingTest {

    private static final String KEY = ElevenLabsApiTest.KEY;
    private static final long AUDIO_BYTES = 48L * 1024 * 1024;
    private static final long SEED = 20261122;

    @Test
    void a48MebibyteRecordingIsBackfilledByteForByteUnderA48MegabyteHeap(@TempDir Path temp) throws Exception {
        long start = Instant.now().getEpochSecond() - 600;
        try (ElevenLabsApiStandIn standIn = ElevenLabsApiStandIn.start(KEY)) {
            standIn.conversation("conv_long", "agent_1", start, 3000).body("conversation-phone-inbound.json")
                    .audio(AUDIO_BYTES, SEED);
            String java = ProcessHandle.current().info().command().orElse("java");
            Process child = new ProcessBuilder(java, "-Xmx48m", "-cp", System.getProperty("java.class.path"),
                    Child.class.getName(), standIn.baseUrl().toString(), temp.toString())
                    .redirectErrorStream(true).start();
            String output;
            try (InputStream in = child.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(child.exitValue()).as(output).isZero();

            assertThat(output).contains("audio=AudioEvent length=" + AUDIO_BYTES + " sha=" + expectedSha()
                    + " inMemory=false");
            assertThat(output).contains("dispatched 1 (and 1 recordings)");
            try (Stream<Path> left = Files.list(temp)) {
                assertThat(left).as("the body's temp file is deleted once dispatched").isEmpty();
            }
            System.out.println("[LargeRecordingTest] child JVM: " + output.strip());
        }
    }

    /** The stand-in's recording: 16 KB pieces of {@code new Random(seed)}. */
    private static String expectedSha() throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        Random random = new Random(SEED);
        byte[] chunk = new byte[16 * 1024];
        for (long left = AUDIO_BYTES; left > 0; left -= chunk.length) {
            random.nextBytes(chunk);
            sha.update(chunk, 0, (int) Math.min(chunk.length, left));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The child JVM: one scheduled run with recordings, into a sink that hashes the recording as it decodes it. */
    public static final class Child {
        public static void main(String[] args) {
            Path temp = Path.of(args[1]);
            ElevenLabsApi api = new ElevenLabsApi(URI.create(args[0]), KEY, ElevenLabsApi.Policy.DEFAULT,
                    java.time.Clock.systemUTC(), d -> { });
            FakeSink sink = new FakeSink();
            BackfillSettings settings = new BackfillSettings(KEY, URI.create(args[0]), Duration.ofMinutes(5),
                    Duration.ofDays(1), List.of(), true);
            Backfill backfill = new Backfill(api, sink, new EventParser(), settings, 1 << 20, temp,
                    java.time.Clock.systemUTC());
            BackfillReport report = backfill.run();
            System.out.println(report.summary());
            for (FakeSink.Dispatched d : sink.dispatched) {
                if (d.eventClass().equals("AudioEvent")) {
                    System.out.println("audio=" + d.eventClass() + " length=" + d.audioLength() + " sha="
                            + d.audioSha() + " inMemory=" + d.bodyInMemory());
                }
            }
            System.out.println("max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB");
        }
    }
}
