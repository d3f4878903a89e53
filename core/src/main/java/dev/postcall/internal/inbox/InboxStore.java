package dev.postcall.internal.inbox;

import dev.postcall.BodySource;
import dev.postcall.internal.body.HeldBody;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The files of the directory store ({@link DirectoryStore}): each delivery is written (body and the headers needed
 * to replay it, never the secret) to {@code incoming/} atomically and durably before it is dispatched; it is removed
 * when the handlers succeed and moved to {@code failed/} when they fail. Thread-safe: entries are separate
 * directories, moved with atomic renames, and a rename out of a folder is how one of two competitors wins an entry.
 *
 * <pre>
 * inbox-dir/
 *   .lock           held by the node whose store is open on it (one node per directory)
 *   incoming/20261122T171523.123Z-post_call_transcription-conv_7401k7j2-3fa9c1/body.json, meta.properties
 *   failed/...      what the application failed to handle, for a replay
 *   replaying/...   taken from failed/ by the CLI's replay while it sends them
 *   tmp/...         entries being written
 * </pre>
 */
public final class InboxStore {

    private static final System.Logger LOG = System.getLogger("dev.postcall.inbox");
    /** An entry name's leading time, {@code 20261122T171523.123Z}: fixed width, so names sort by arrival. */
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    static final String BODY = "body.json";
    static final String META = "meta.properties";

    private final Path root;
    private final Path incoming;
    private final Path failed;
    private final Path replaying;
    private final Path tmp;

    private InboxStore(Path root) {
        this.root = root;
        this.incoming = root.resolve("incoming");
        this.failed = root.resolve("failed");
        this.replaying = root.resolve("replaying");
        this.tmp = root.resolve("tmp");
    }

    /**
     * Opens (creating if needed) an inbox under {@code root}.
     *
     * @throws IOException when the directories cannot be created or written
     */
    public static InboxStore open(Path root) throws IOException {
        InboxStore inbox = new InboxStore(Objects.requireNonNull(root, "root").toAbsolutePath());
        for (Path dir : List.of(inbox.incoming, inbox.failed, inbox.replaying, inbox.tmp)) {
            Files.createDirectories(dir);
            if (!Files.isWritable(dir)) {
                throw new IOException("inbox directory is not writable: " + dir);
            }
        }
        return inbox;
    }

    /** The inbox's root directory. */
    public Path root() {
        return root;
    }

    /**
     * Writes a delivery to {@code incoming/}: into {@code tmp/} first, each file forced to disk, then renamed
     * atomically, so {@code incoming/} never holds a partial entry. A {@link HeldBody} in a temp file on the same
     * file system gives its file to the entry (forced, then renamed) instead of being copied.
     *
     * @throws IOException when the disk is full, the directory is not writable, or anything else fails; nothing is
     *                     left behind and the delivery must not be dispatched
     */
    public InboxEntry write(BodySource body, DeliveryRecord record) throws IOException {
        String id = newId(record);
        Path staging = tmp.resolve(id);
        try {
            Files.createDirectory(staging);
            Path bodyFile = staging.resolve(BODY);
            // a body the servlet spilled to a temp file on this file system is moved in, durably, not copied
            if (!(body instanceof HeldBody held && held.moveFileTo(bodyFile))) {
                try (InputStream in = body.openStream()) {
                    writeDurably(bodyFile, in);
                }
            }
            try (InputStream in = record.toProperties()) {
                writeDurably(staging.resolve(META), in);
            }
            forceDirectory(staging);
            Path target = incoming.resolve(id);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            forceDirectory(incoming);
            return new InboxEntry(this, target, record);
        } catch (IOException | RuntimeException e) {
            deleteEntryDirectory(staging);
            throw e;
        }
    }

    /** The entries in {@code folder} (one of this store's), oldest first; unreadable ones are skipped. */
    List<InboxEntry> entries(Path folder) throws IOException {
        List<InboxEntry> entries = new ArrayList<>();
        for (Path dir : list(folder)) {
            try {
                entries.add(InboxEntry.read(this, dir));
            } catch (NoSuchFileException e) {
                // taken by someone else while listed
            }
        }
        return entries;
    }

    /** The entry {@code id} in {@code folder}, or {@code null} when it is not there. */
    InboxEntry entry(Path folder, String id) throws IOException {
        Path dir = folder.resolve(id);
        if (!dir.getParent().equals(folder) || !Files.isDirectory(dir)) {
            return null;
        }
        try {
            return InboxEntry.read(this, dir);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** How many entries {@code failed/} holds, without reading them. */
    public int failedCount() throws IOException {
        int count = 0;
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(failed, Files::isDirectory)) {
            for (Path ignored : stream) {
                count++;
            }
        }
        return count;
    }

    /**
     * Proves the inbox can be written now: creates and deletes a file in {@code tmp/}. A permission check would not
     * do: root may write anywhere, while a full disk, a read-only mount or a directory replaced by a file stop it.
     *
     * @throws IOException saying why it cannot
     */
    public void probeWritable() throws IOException {
        Path probe = Files.createTempFile(tmp, ".probe-", ".tmp");
        Files.delete(probe);
    }

    Path incomingDirectory() {
        return incoming;
    }

    Path failedDirectory() {
        return failed;
    }

    Path replayingDirectory() {
        return replaying;
    }

    Path tmpDirectory() {
        return tmp;
    }

    /** Replaces an entry's record durably: written beside it, forced, renamed over it. */
    void rewriteRecord(Path entry, DeliveryRecord record) throws IOException {
        Path next = entry.resolve(META + ".next");
        Files.deleteIfExists(next);
        try (InputStream in = record.toProperties()) {
            writeDurably(next, in);
        }
        Files.move(next, entry.resolve(META), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(entry);
    }

    private static List<Path> list(Path dir) throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, Files::isDirectory)) {
            stream.forEach(dirs::add);
        }
        dirs.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return dirs;
    }

    private static void writeDurably(Path file, InputStream in) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
            in.transferTo(out);
            channel.force(true);
        }
    }

    static void forceDirectory(Path dir) {
        // fsync of a directory makes the rename durable on Linux; some platforms cannot open a directory: fine there
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort
        }
    }

    static List<Path> listDirectories(Path dir) throws IOException {
        return list(dir);
    }

    static void deleteEntryDirectory(Path dir) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        } catch (NoSuchFileException e) {
            return;
        }
        Files.deleteIfExists(dir);
    }

    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private static String newId(DeliveryRecord record) {
        // always with milliseconds: Instant.toString() drops a zero fraction, and "...T170000Z" would sort after
        // "...T170000.500Z" ('Z' > '.'), so oldest first would not be
        String time = ID_TIME.format(record.receivedAt());
        return time + '-' + safe(record.type(), 40) + '-' + safe(record.conversationId(), 48) + '-'
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL);
    }

    /** Keeps a name usable as a file name on every file system: letters, digits, '_' only; bounded length. */
    private static String safe(String s, int max) {
        if (s == null || s.isEmpty()) {
            return "none";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), max));
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            b.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
        }
        return b.toString();
    }
}
