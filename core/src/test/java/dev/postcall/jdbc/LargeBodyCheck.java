package dev.postcall.jdbc;

import dev.postcall.AudioEvent;
import dev.postcall.BodySource;
import dev.postcall.EventParser;
import dev.postcall.internal.delivery.Dispatcher;
import dev.postcall.internal.delivery.HandlerRunner;
import dev.postcall.monitoring.ReplayReport;
import dev.postcall.spi.DeliveryStore;
import dev.postcall.spi.PostCallEventHandler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Run by {@link LargeBodyTest} in a JVM of its own with a small heap: stores a large audio delivery that is never in
 * memory, fails it, reads its kept body back, and replays it ({@link Dispatcher#replayFailed}) through the real parser
 * to an audio digest. Prints what it measured,
 * one {@code KEY value} a line.
 */
public final class LargeBodyCheck {

    static final byte[] PREFIX = ("{\"type\":\"post_call_audio\",\"event_timestamp\":1761488731,\"data\":{"
            + "\"agent_id\":\"agent_1\",\"conversation_id\":\"conv_big\",\"full_audio\":\"")
            .getBytes(StandardCharsets.US_ASCII);
    static final byte[] SUFFIX = "\"}}".getBytes(StandardCharsets.US_ASCII);
    private static final int BLOCK = 48 * 1024; // a multiple of 3: base64 padding only at the very end

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String prefix = args[1];
        long audioBytes = Long.parseLong(args[2]);
        DataSource dataSource;
        if (url.startsWith("jdbc:mariadb:")) {
            dataSource = new MariaDbDataSource(url);
        } else {
            PGSimpleDataSource postgres = new PGSimpleDataSource();
            postgres.setURL(url);
            dataSource = postgres;
        }
        JdbcDeliveryStore store = JdbcDeliveryStore.open(dataSource, JdbcDeliveryStore.options().tablePrefix(prefix)
                .createSchema(true).maintenanceInterval(Duration.ZERO).build());
        BodySource body = generated(audioBytes);
        System.out.println("MAXHEAP " + Runtime.getRuntime().maxMemory());
        System.out.println("BODY_BYTES " + body.length());

        resetPeaks();
        DeliveryStore.Claim held = ((DeliveryStore.Dispatch) store.admit(new DeliveryStore.Delivery("post_call_audio",
                "conv_big", 1761488731L, 1761488732L, "application/json", body), Duration.ofSeconds(10))).claim();
        held.failed(new IOException("the handler's disk is full"));
        System.out.println("PEAK_HEAP_STORE " + peak());

        resetPeaks();
        DeliveryStore.Kept kept = store.failed(null, 1).get(0);
        BodySource stored = store.body(kept).orElseThrow();
        System.out.println("STORED_BYTES " + stored.length());
        System.out.println("KEPT_BYTES " + kept.bodyLength());
        System.out.println("BODY_SHA256_MATCH " + sha256(stored.openStream()).equals(sha256(body.openStream())));
        System.out.println("PEAK_HEAP_READ " + peak());

        resetPeaks();
        String[] audioDigest = new String[1];
        PostCallEventHandler digest = event -> {
            try (InputStream audio = ((AudioEvent) event).openStream()) {
                audioDigest[0] = sha256(audio);
            }
        };
        ReplayReport report = new Dispatcher(store, Duration.ofSeconds(10)).replayFailed(new EventParser(),
                new HandlerRunner(List.of(List.of(digest))), (k, event, result, nanos) -> { });
        System.out.println("REPLAYED " + report.replayed());
        System.out.println("FAILED_AFTER_REPLAY " + store.failedCount());
        System.out.println("AUDIO_SHA256_MATCH " + sha256(audio(audioBytes)).equals(audioDigest[0]));
        System.out.println("PEAK_HEAP_REPLAY " + peak());
    }

    /** A delivery whose base64 audio is generated as it is read: the same bytes every time, never all in memory. */
    static BodySource generated(long audioBytes) {
        long base64 = (audioBytes + 2) / 3 * 4;
        long length = PREFIX.length + base64 + SUFFIX.length;
        return new BodySource() {
            @Override
            public InputStream openStream() {
                return new SequenceInputStream(java.util.Collections.enumeration(List.of(
                        new ByteArrayInputStream(PREFIX), new Base64Blocks(audio(audioBytes)),
                        new ByteArrayInputStream(SUFFIX))));
            }

            @Override
            public long length() {
                return length;
            }
        };
    }

    static InputStream audio(long bytes) {
        Random random = new Random(17);
        return new InputStream() {
            long left = bytes;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                byte[] chunk = new byte[n];
                random.nextBytes(chunk);
                System.arraycopy(chunk, 0, b, off, n);
                left -= n;
                return n;
            }
        };
    }

    /** Encodes a stream to base64 block by block. */
    private static final class Base64Blocks extends InputStream {
        private final InputStream raw;
        private byte[] encoded = new byte[0];
        private int at;

        Base64Blocks(InputStream raw) {
            this.raw = raw;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (at == encoded.length) {
                byte[] block = raw.readNBytes(BLOCK);
                if (block.length == 0) {
                    return -1;
                }
                encoded = Base64.getEncoder().encode(block);
                at = 0;
            }
            int n = Math.min(len, encoded.length - at);
            System.arraycopy(encoded, at, b, off, n);
            at += n;
            return n;
        }
    }

    static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (in) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** The heap pools' peaks added up: an upper bound of the heap in use at any one time since the last reset. */
    private static long peak() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
