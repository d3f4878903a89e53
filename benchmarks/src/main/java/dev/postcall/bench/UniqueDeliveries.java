package dev.postcall.bench;

import dev.postcall.signature.WebhookSigner;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;

/**
 * A series of distinct, validly signed deliveries of one body for {@code load/post-unique.lua}: delivery {@code i} is
 * the body with the last nine characters of its {@code data.conversation_id} replaced by {@code i} (zero-padded, so
 * every one has the body's length), signed at one instant. A store that is also the ledger (the database inbox)
 * dispatches each once, so wrk's one repeated body would measure only its "already done" answer.
 *
 * <p>Writes {@code <name>.prefix} and {@code <name>.suffix} (the bytes before and after the nine digits) and
 * {@code <name>.sigs} (line {@code i}: the signature header of delivery {@code i}).
 */
final class UniqueDeliveries {

    static final int DIGITS = 9;

    private UniqueDeliveries() {
    }

    /** {@code series <body file> <count> <out dir>}. */
    static void write(Path bodyFile, int count, Path dir) throws IOException {
        byte[] body = Files.readAllBytes(bodyFile);
        String text = new String(body, StandardCharsets.UTF_8);
        int key = text.indexOf("\"conversation_id\"");
        int open = key < 0 ? -1 : text.indexOf('"', text.indexOf(':', key) + 1);
        int close = open < 0 ? -1 : text.indexOf('"', open + 1);
        if (close - open - 1 < DIGITS + 5) {
            throw new IllegalArgumentException(bodyFile + " has no conversation_id of at least " + (DIGITS + 5)
                    + " characters");
        }
        // character offsets equal byte offsets here: everything up to the id is ASCII in the fixtures
        byte[] prefix = Arrays.copyOfRange(body, 0, close - DIGITS);
        byte[] suffix = Arrays.copyOfRange(body, close, body.length);
        String name = bodyFile.getFileName().toString().replaceFirst("\\.json$", "");
        Files.createDirectories(dir);
        Files.write(dir.resolve(name + ".prefix"), prefix);
        Files.write(dir.resolve(name + ".suffix"), suffix);
        Instant now = Instant.now();
        byte[] delivery = new byte[body.length];
        System.arraycopy(prefix, 0, delivery, 0, prefix.length);
        System.arraycopy(suffix, 0, delivery, prefix.length + DIGITS, suffix.length);
        try (BufferedWriter sigs = Files.newBufferedWriter(dir.resolve(name + ".sigs"), StandardCharsets.US_ASCII)) {
            for (int i = 0; i < count; i++) {
                byte[] digits = String.format("%0" + DIGITS + "d", i).getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(digits, 0, delivery, prefix.length, DIGITS);
                sigs.write(WebhookSigner.header(delivery, LoadServer.SECRET, now));
                sigs.newLine();
            }
        }
        System.out.println(name + ": " + count + " distinct deliveries of " + body.length + " bytes, signed at "
                + now.getEpochSecond());
    }
}
