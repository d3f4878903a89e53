package dev.postcall;

import dev.postcall.internal.json.BodyJson;
import dev.postcall.internal.json.Envelope;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * A {@code post_call_audio} webhook: the call's MP3. The audio is never held as one String or array; it is
 * decoded from the body's base64 field as it is read.
 *
 * <pre>{@code
 * void onAudio(@Observes AudioEvent audio) throws IOException {
 *     audio.saveTo(Path.of("calls", audio.conversationId() + ".mp3"));
 * }
 * }</pre>
 */
public final class AudioEvent extends EnvelopeEvent implements PostCallEvent {

    /** The read size of {@link #saveTo} for a body over this size. */
    private static final int SAVE_BUFFER = 192 * 1024;

    AudioEvent(Envelope envelope, BodyBytes bytes, BodySource body, CompletionStage<Void> answered,
            boolean backfilled) {
        super(envelope, bytes, body, answered, backfilled);
    }

    /**
     * A new stream of the decoded MP3 bytes; the caller closes it. Each call starts again from the first byte, so
     * several observers can read the audio independently.
     *
     * @throws IOException when the body cannot be read; reading throws it when the value turns out not to be base64
     */
    public InputStream openStream() throws IOException {
        return BodyJson.openBase64String(bytes, envelope.audioStart());
    }

    /**
     * Decodes the audio into {@code file} (created or replaced) and returns the number of bytes written. The bytes
     * go to a temporary file in the same directory, which is then moved over {@code file}, so {@code file} never
     * holds a partial recording; the parent directory must exist.
     */
    public long saveTo(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".part");
        boolean moved = false;
        try {
            long written;
            // WRITE only: the file is new and empty, and on ext4 truncating it makes close() start writing it out
            try (InputStream in = openStream();
                 OutputStream out = Files.newOutputStream(temp, StandardOpenOption.WRITE)) {
                written = copy(in, out);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
            return written;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** Like {@code transferTo}, with a buffer sized to the audio: large writes cost less system time than 8 KB ones. */
    private long copy(InputStream in, OutputStream out) throws IOException {
        // multiples of 3, so each read ends on a whole base64 group; a small body keeps transferTo's 8 KB
        int size = body.length() > SAVE_BUFFER ? SAVE_BUFFER : 8190;
        byte[] buffer = new byte[size];
        long total = 0;
        int n;
        while ((n = in.readNBytes(buffer, 0, size)) > 0) {
            out.write(buffer, 0, n);
            total += n;
        }
        return total;
    }
}
