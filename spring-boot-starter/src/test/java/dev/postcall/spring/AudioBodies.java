package dev.postcall.spring;

import jakarta.servlet.ServletContext;

import java.io.File;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Audio webhook bodies of any size, written as a stream (never held whole, so a test under a small heap can make a
 * 40 MB one): the envelope, then the base64 of pseudo-random "MP3" bytes.
 */
final class AudioBodies {
    private AudioBodies() {
    }

    /** The servlet's temp files of spilled bodies, in {@code context}'s temp dir. */
    static List<Path> spilledBodies(ServletContext context) throws IOException {
        File dir = (File) context.getAttribute(ServletContext.TEMPDIR);
        try (Stream<Path> files = Files.list(dir.toPath())) {
            return files.filter(f -> f.getFileName().toString().startsWith("postcall-")
                    && f.getFileName().toString().endsWith(".body")).toList();
        }
    }

    /**
     * The spilled bodies left in {@code context}'s temp dir once garbage collections have let a {@code Cleaner} run:
     * collects until there are none, for at most 60 s.
     */
    static List<Path> spilledBodiesAfterCollections(ServletContext context) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<Path> left = spilledBodies(context);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
            left = spilledBodies(context);
        }
        return left;
    }

    /**
     * Writes an audio delivery whose decoded audio is {@code audioBytes} long to {@code out}.
     *
     * @return the SHA-256 of the audio, in hex
     */
    static String write(OutputStream out, String conversationId, long audioBytes, long seed) throws IOException {
        MessageDigest digest = sha256();
        out.write(("{\"type\":\"post_call_audio\",\"event_timestamp\":1761488731,\"data\":{\"agent_id\":\"agent_a\","
                + "\"conversation_id\":\"" + conversationId + "\",\"full_audio\":\"")
                .getBytes(StandardCharsets.US_ASCII));
        Random random = new Random(seed);
        byte[] chunk = new byte[48 * 1024];
        try (OutputStream base64 = Base64.getEncoder().wrap(new NonClosing(out))) {
            for (long left = audioBytes; left > 0; ) {
                int n = (int) Math.min(chunk.length, left);
                random.nextBytes(chunk);
                if (left == audioBytes) {
                    chunk[0] = 'I';
                    chunk[1] = 'D';
                    chunk[2] = '3';
                }
                digest.update(chunk, 0, n);
                base64.write(chunk, 0, n);
                left -= n;
            }
        }
        out.write("\"}}\n".getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(digest.digest());
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        }
    }

    static String sha256(InputStream in) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lets the base64 encoder be closed (to write its padding) without closing the stream under it. */
    private static final class NonClosing extends FilterOutputStream {
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
}
