package dev.postcall;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

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
public final class AudioEvent implements PostCallEvent {
    // CONTRACT STUB: the model issue fills this in.
    private AudioEvent() { throw new UnsupportedOperationException("not built yet"); }
    @Override public String type() { throw new UnsupportedOperationException(); }
    @Override public long eventTimestamp() { throw new UnsupportedOperationException(); }
    @Override public String agentId() { throw new UnsupportedOperationException(); }
    @Override public String conversationId() { throw new UnsupportedOperationException(); }
    @Override public BodySource body() { throw new UnsupportedOperationException(); }
    /** A new stream of the decoded MP3 bytes; the caller closes it. */
    public InputStream openStream() throws IOException { throw new UnsupportedOperationException(); }
    /** Decodes the audio into {@code file} (created or replaced) and returns the number of bytes written. */
    public long saveTo(Path file) throws IOException { throw new UnsupportedOperationException(); }
}
