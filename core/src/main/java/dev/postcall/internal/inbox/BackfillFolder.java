package dev.postcall.internal.inbox;

import dev.postcall.spi.DeliveryKey;
import dev.postcall.spi.DeliveryStore;
import dev.postcall.spi.DeliveryStore.StoreException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What the directory store keeps for backfill, in {@code backfill/} beside its deliveries:
 *
 * <pre>
 * inbox-dir/backfill/
 *   done/&lt;sha-256 of the key&gt;   an empty file per key handled while backfill is on, dated when it was handled;
 *                                deleted once older than the time backfill asked keys to be kept
 *   watermark                    the scheduled runs' watermark (an ISO-8601 instant), replaced atomically
 *   since                        since when every handled key has its file; EPOCH for an inbox that was new then
 * </pre>
 *
 * So a conversation handled before a restart is still known after it. {@code since} is deleted as soon as the store
 * handles a key while backfill is off (no file is written for it then), and written anew with the time of the next
 * {@link #prepare}: backfill never trusts the folder for a time it was not kept. One node owns the directory, so the
 * lease is always this node's.
 */
final class BackfillFolder implements DeliveryStore.Backfilling {

    private static final System.Logger LOG = System.getLogger("dev.postcall.inbox");
    static final String FOLDER = "backfill";

    private final Path folder;
    private final Path done;
    private final Path watermarkFile;
    private final Path sinceFile;
    private final Path tmp;
    private final boolean newInbox;
    private final Clock clock;
    /** Whether the store knows the key in memory: claimed now, handled lately, or kept as failed. */
    private final Predicate<DeliveryKey> knownInMemory;
    private volatile Duration keep;
    private volatile Instant since;
    private volatile boolean sinceDropped;

    /**
     * @param root          the inbox directory
     * @param tmp           the inbox's {@code tmp/}, on the same file system
     * @param newInbox      whether the inbox was created by this start (it never handled anything before)
     * @param knownInMemory whether the store knows a key without looking at the disk
     */
    BackfillFolder(Path root, Path tmp, boolean newInbox, Clock clock, Predicate<DeliveryKey> knownInMemory) {
        this.folder = root.resolve(FOLDER);
        this.done = folder.resolve("done");
        this.watermarkFile = folder.resolve("watermark");
        this.sinceFile = folder.resolve("since");
        this.tmp = tmp;
        this.newInbox = newInbox;
        this.clock = clock;
        this.knownInMemory = knownInMemory;
    }

    @Override
    public synchronized void prepare(Duration keepKnown) throws StoreException {
        try {
            Files.createDirectories(done);
            Instant recorded = read(sinceFile);
            if (recorded == null) {
                recorded = newInbox ? Instant.EPOCH : clock.instant();
                replace(sinceFile, recorded);
                if (!newInbox) {
                    LOG.log(Level.INFO, "postcall inbox {0}: backfill starts recording the handled conversations now;"
                            + " its scheduled runs cover no conversation that started before {1}", folder.getParent(),
                            recorded);
                }
            }
            since = recorded;
            keep = keepKnown;
            sinceDropped = false;
            prune();
        } catch (IOException | RuntimeException e) {
            throw new StoreException("postcall inbox " + folder.getParent() + " cannot keep backfill's state in "
                    + folder + " (" + e.getClass().getName() + ")", e);
        }
    }

    /** Whether {@link #prepare} ran: then a handled key gets its file. */
    boolean prepared() {
        return keep != null;
    }

    /**
     * Records that {@code key} was handled; called before the delivery's entry is removed, so a restart in between
     * keeps it known (as failed) rather than forgotten. Without backfill it only drops {@code since}, once.
     *
     * @throws IOException when the file cannot be written: the key may then be fetched again after a restart
     */
    void handled(DeliveryKey key) throws IOException {
        if (!prepared()) {
            if (!sinceDropped) {
                // a key handled now gets no file: the folder no longer knows every key since `since`
                Files.deleteIfExists(sinceFile);
                sinceDropped = true;
            }
            return;
        }
        Path marker = done.resolve(name(key));
        // no fsync: the file survives the JVM; an operating-system crash may lose the last ones, which are then
        // fetched again (and handled twice), as in the window between the handlers and the entry's removal
        Files.write(marker, new byte[0]);
        Files.setLastModifiedTime(marker, FileTime.from(clock.instant()));
    }

    @Override
    public boolean knows(DeliveryKey key) {
        return knownInMemory.test(key) || handledBefore(key);
    }

    /** Whether a file records {@code key} as handled (while backfill is on; false before {@link #prepare}). */
    boolean handledBefore(DeliveryKey key) {
        return prepared() && Files.exists(done.resolve(name(key)));
    }

    @Override
    public Instant knowsSince() {
        Duration kept = keep;
        Instant from = since;
        if (kept == null || from == null) {
            throw new IllegalStateException("backfill's folder was not prepared");
        }
        Instant forgotten = clock.instant().minus(kept);
        return forgotten.isAfter(from) ? forgotten : from;
    }

    @Override
    public Optional<Instant> watermark() throws StoreException {
        try {
            return Optional.ofNullable(read(watermarkFile));
        } catch (IOException | RuntimeException e) {
            throw new StoreException("postcall inbox " + folder.getParent() + " cannot read backfill's watermark ("
                    + e.getClass().getName() + ")", e);
        }
    }

    @Override
    public synchronized void advance(Instant watermark) throws StoreException {
        try {
            Instant current = read(watermarkFile);
            if (current == null || watermark.isAfter(current)) {
                replace(watermarkFile, watermark);
            }
            prune();
        } catch (IOException | RuntimeException e) {
            throw new StoreException("postcall inbox " + folder.getParent() + " cannot keep backfill's watermark ("
                    + e.getClass().getName() + ")", e);
        }
    }

    @Override
    public boolean tryLead(Duration lease) {
        return true; // the directory's lock makes this node its only one
    }

    /** Deletes the files of keys handled longer ago than backfill asked them to be kept. */
    private void prune() throws IOException {
        Duration kept = keep;
        if (kept == null) {
            return;
        }
        FileTime before = FileTime.from(clock.instant().minus(kept));
        int deleted = 0;
        try (DirectoryStream<Path> markers = Files.newDirectoryStream(done)) {
            for (Path marker : markers) {
                try {
                    if (Files.getLastModifiedTime(marker).compareTo(before) < 0) {
                        Files.deleteIfExists(marker);
                        deleted++;
                    }
                } catch (NoSuchFileException e) {
                    // gone meanwhile
                }
            }
        }
        LOG.log(Level.DEBUG, "postcall inbox {0}: {1} backfill record(s) past {2} deleted", folder.getParent(),
                deleted, kept);
    }

    /** An instant kept in a file, or {@code null} when there is none. */
    private static Instant read(Path file) throws IOException {
        try {
            return Instant.parse(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (NoSuchFileException e) {
            return null;
        } catch (DateTimeException e) {
            throw new IOException(file + " does not hold an instant", e);
        }
    }

    /** Replaces a file's content durably: written beside it in {@code tmp/}, forced, renamed over it. */
    private void replace(Path file, Instant value) throws IOException {
        Path next = Files.createTempFile(tmp, "backfill-", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(next, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(value.toString().getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            InboxStore.forceDirectory(folder);
        } finally {
            Files.deleteIfExists(next);
        }
    }

    /** A file name for a key: the hex SHA-256 of {@link DeliveryKey#asString()}, whatever characters the id has. */
    static String name(DeliveryKey key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(key.asString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
