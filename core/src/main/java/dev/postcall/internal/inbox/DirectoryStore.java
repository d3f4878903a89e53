package dev.postcall.internal.inbox;

import dev.postcall.BodySource;
import dev.postcall.internal.delivery.KeyClaims;
import dev.postcall.spi.DeliveryKey;
import dev.postcall.spi.DeliveryStore;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The store of one node in a directory ({@code inbox-dir}): every delivery is written durably to {@code incoming/}
 * before it is dispatched, removed once handled, moved to {@code failed/} when the handlers fail; keys are claimed in
 * memory ({@link KeyClaims}). A failed delivery's key points at its entry, so the sender's retry (or a replay) takes
 * that very entry back instead of keeping a second one.
 *
 * <p>One node owns the directory: {@link #open} locks {@code .lock} and fails when another process (or another store
 * in this one) holds it, because its start moves what {@code incoming/} holds (deliveries its previous run was
 * dispatching when it stopped) to {@code failed/}. {@link #visit} opens it for the CLI's replay beside the running
 * node: it claims failed entries by moving them to {@code replaying/}, and never admits.
 */
public final class DirectoryStore implements DeliveryStore {

    private static final System.Logger LOG = System.getLogger("dev.postcall.inbox");
    static final String LOCK = ".lock";
    static final String REPLAY_LOCK = ".replay.lock";

    private final InboxStore files;
    private final KeyClaims claims;
    private final Clock clock;
    private final boolean node;
    private final FileChannel lockFile;
    private final FileLock lock;
    /**
     * The failed entries by key (in {@code failed/}, or still in {@code incoming/} when the move failed), so an admit
     * of the key takes its entry back instead of keeping a second one. Only a node keeps it.
     */
    private final Map<DeliveryKey, InboxEntry> failedByKey = new ConcurrentHashMap<>();
    /** Handled entries that could not be deleted: tried again before each admit, so none is recovered as failed. */
    private final Queue<InboxEntry> toRemove = new ConcurrentLinkedQueue<>();
    /** What backfill keeps here; {@code null} for a visit. */
    private final BackfillFolder backfill;

    private DirectoryStore(InboxStore files, KeyClaims claims, Clock clock, boolean node, FileChannel lockFile,
                           FileLock lock, boolean newInbox) {
        this.files = files;
        this.claims = claims;
        this.clock = clock;
        this.node = node;
        this.lockFile = lockFile;
        this.lock = lock;
        this.backfill = node ? new BackfillFolder(files.root(), files.tmpDirectory(), newInbox, clock,
                key -> claims.knows(key) || failedByKey.containsKey(key)) : null;
    }

    /**
     * Opens (creating if needed) the directory store of this node under {@code root}: locks it, moves what a previous
     * run left in {@code incoming/} to {@code failed/}, and indexes the failed entries by key.
     *
     * @throws IOException when the directories cannot be created or written, or another process or store holds the
     *                     directory (the message says so)
     */
    public static DirectoryStore open(Path root, KeyClaims claims, Clock clock) throws IOException {
        // an inbox created now never handled a delivery: backfill may trust it for any time before its start
        boolean newInbox = !Files.isDirectory(root.toAbsolutePath().resolve("incoming"));
        InboxStore files = InboxStore.open(root);
        FileChannel channel = FileChannel.open(files.root().resolve(LOCK), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock = lockOf(channel, files.root(), LOCK, "a directory inbox belongs to one node: give each"
                + " node a directory of its own, or keep deliveries in a database shared by the cluster (inbox=)");
        DirectoryStore store = new DirectoryStore(files, Objects.requireNonNull(claims, "claims"), clock, true,
                channel, lock, newInbox);
        try {
            store.recoverInterrupted();
            for (InboxEntry entry : files.entries(files.failedDirectory())) {
                DeliveryKey key = entry.record().key();
                if (key != null) {
                    store.failedByKey.put(key, entry);
                }
            }
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /**
     * Opens the directory for a replay from another process while its node runs (the CLI): lists and reads failed
     * entries, and claims them by moving them to {@code replaying/}. Entries a previous visit left there are moved back
     * to {@code failed/} first. One visit at a time: it locks {@code .replay.lock} until {@link #close()}.
     *
     * @throws IOException when it is not an inbox directory, or another replay runs on it
     */
    public static DirectoryStore visit(Path root, Clock clock) throws IOException {
        InboxStore files = InboxStore.open(root);
        FileChannel channel = FileChannel.open(files.root().resolve(REPLAY_LOCK), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock = lockOf(channel, files.root(), REPLAY_LOCK, "another replay is running on it; wait for it");
        DirectoryStore store = new DirectoryStore(files, null, clock, false, channel, lock, false);
        try {
            for (InboxEntry entry : files.entries(files.replayingDirectory())) {
                entry.moveTo(files.failedDirectory(), entry.record());
            }
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    private static FileLock lockOf(FileChannel channel, Path root, String name, String why) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("the inbox " + root + " is in use (" + name + " is locked): " + why);
        }
        return lock;
    }

    /** The directory. */
    public Path root() {
        return files.root();
    }

    /** Moves entries left in {@code incoming/} to {@code failed/}, as interrupted; clears {@code tmp/}. */
    private void recoverInterrupted() throws IOException {
        int moved = 0;
        for (InboxEntry entry : files.entries(files.incomingDirectory())) {
            entry.moveTo(files.failedDirectory(), entry.record().failed(Kept.INTERRUPTED, clock.instant()));
            moved++;
        }
        for (Path dir : InboxStore.listDirectories(files.tmpDirectory())) {
            InboxStore.deleteEntryDirectory(dir);
        }
        if (moved > 0) {
            LOG.log(Level.WARNING, "postcall inbox {0}: {1} delivery(ies) were interrupted while being dispatched"
                    + " (the previous run stopped); moved to failed/ for a replay", files.root(), moved);
        }
    }

    @Override
    public Admission admit(Delivery delivery, Duration maxWait) throws StoreException, InterruptedException {
        if (!node) {
            throw new StoreException("a replay visit of " + files.root() + " does not admit deliveries");
        }
        removeHandled();
        DeliveryKey key = delivery.key();
        KeyClaims.Token token = null;
        if (key != null) {
            KeyClaims.Result result = claims.claim(key, maxWait);
            if (result instanceof KeyClaims.Done) {
                return new Duplicate();
            }
            if (!(result instanceof KeyClaims.Claimed claimed)) {
                return new InProgress();
            }
            token = claimed.token();
            if (backfill.handledBefore(key)) {
                // handled before this node's restart, as backfill recorded it: remembered in memory from now on
                token.done();
                return new Duplicate();
            }
        }
        try {
            InboxEntry entry = key == null ? null : takeBackFailed(key);
            if (entry == null) {
                entry = files.write(delivery.body(), DeliveryRecord.of(delivery, clock.instant()));
            }
            return new Dispatch(new Held(entry, delivery.body(), token));
        } catch (IOException | RuntimeException | Error e) {
            if (token != null) {
                token.release();
            }
            throw new StoreException("postcall inbox " + files.root() + " cannot keep the delivery ("
                    + e.getClass().getName() + ")", e);
        }
    }

    /** The failed entry of {@code key}, moved back to {@code incoming/}; {@code null} when there is none. */
    private InboxEntry takeBackFailed(DeliveryKey key) throws IOException {
        InboxEntry indexed = failedByKey.remove(key);
        if (indexed == null) {
            return null;
        }
        // in failed/, or in incoming/ where a move that failed half-way (renamed, record not rewritten) left it
        InboxEntry entry = files.entry(files.failedDirectory(), indexed.id());
        if (entry == null) {
            entry = files.entry(files.incomingDirectory(), indexed.id());
        }
        if (entry == null) {
            return null; // taken by the CLI's replay meanwhile
        }
        try {
            return entry.moveTo(files.incomingDirectory(), entry.record().nextAttempt());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            failedByKey.putIfAbsent(key, indexed); // still the key's kept delivery: the sender's retry takes it
            throw e;
        }
    }

    /** Deletes the handled entries an earlier attempt could not. */
    private void removeHandled() {
        for (InboxEntry entry; (entry = toRemove.peek()) != null; ) {
            try {
                entry.remove();
            } catch (IOException | RuntimeException e) {
                return; // still failing: tried again next time
            }
            toRemove.remove(entry);
        }
    }

    @Override
    public List<Kept> failed(Kept after, int max) throws StoreException {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1");
        }
        try {
            List<Kept> kept = new ArrayList<>();
            for (Path dir : InboxStore.listDirectories(files.failedDirectory())) {
                if (kept.size() == max) {
                    break;
                }
                if (after != null && dir.getFileName().toString().compareTo(after.id()) <= 0) {
                    continue;
                }
                InboxEntry entry = files.entry(files.failedDirectory(), dir.getFileName().toString());
                if (entry != null) {
                    kept.add(kept(entry));
                }
            }
            return kept;
        } catch (IOException | RuntimeException e) {
            throw new StoreException("postcall inbox " + files.root() + " cannot list failed/ ("
                    + e.getClass().getName() + ")", e);
        }
    }

    private static Kept kept(InboxEntry entry) throws IOException {
        DeliveryRecord r = entry.record();
        return new Kept(entry.id(), r.type(), r.conversationId(), r.eventTimestamp(), r.receivedAt(),
                r.failedAt() == null ? r.receivedAt() : r.failedAt(), r.attempts(),
                r.failureClass() == null ? "unknown" : r.failureClass(), r.contentType(), r.signatureTimestamp(),
                entry.body().length());
    }

    @Override
    public Optional<Claim> claimFailed(Kept kept) throws StoreException {
        try {
            InboxEntry entry = files.entry(files.failedDirectory(), kept.id());
            if (entry == null) {
                return Optional.empty();
            }
            DeliveryKey key = entry.record().key();
            KeyClaims.Token token = null;
            if (node && key != null) {
                KeyClaims.Result result = claims.tryClaim(key);
                if (result instanceof KeyClaims.Done) {
                    // handled since it failed (before a restart, the key still remembered): it is not run twice
                    failedByKey.remove(key);
                    entry.remove();
                    return Optional.empty();
                }
                if (!(result instanceof KeyClaims.Claimed claimed)) {
                    return Optional.empty();
                }
                token = claimed.token();
            }
            try {
                Path to = node ? files.incomingDirectory() : files.replayingDirectory();
                InboxEntry claimed = entry.moveTo(to, entry.record().nextAttempt());
                if (key != null) {
                    failedByKey.remove(key);
                }
                return Optional.of(new Held(claimed, claimed.body(), token));
            } catch (NoSuchFileException e) {
                if (token != null) {
                    token.release();
                }
                return Optional.empty();
            } catch (IOException | RuntimeException | Error e) {
                if (token != null) {
                    token.release();
                }
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            throw new StoreException("postcall inbox " + files.root() + " cannot claim a failed delivery ("
                    + e.getClass().getName() + ")", e);
        }
    }

    @Override
    public Optional<BodySource> body(Kept kept) throws StoreException {
        try {
            InboxEntry entry = files.entry(files.failedDirectory(), kept.id());
            return entry == null ? Optional.empty() : Optional.of(entry.body());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            throw new StoreException("postcall inbox " + files.root() + " cannot read a failed delivery ("
                    + e.getClass().getName() + ")", e);
        }
    }

    @Override
    public int failedCount() throws StoreException {
        try {
            return files.failedCount();
        } catch (IOException | RuntimeException e) {
            throw new StoreException("postcall inbox " + files.root() + " cannot count failed/ ("
                    + e.getClass().getName() + ")", e);
        }
    }

    /**
     * Proves the directory can be written now: creates and deletes a file in {@code tmp/}.
     *
     * @throws IOException saying why it cannot
     */
    public void probeWritable() throws IOException {
        files.probeWritable();
    }

    @Override
    public boolean keepsBodies() {
        return true;
    }

    /**
     * The node's backfill state in {@code backfill/}: the handled keys (one file each, kept as long as backfill asks),
     * the watermark, and a lease that is always this node's. Empty for a visit.
     */
    @Override
    public Optional<Backfilling> backfilling() {
        return Optional.ofNullable(backfill);
    }

    @Override
    public String description() {
        return "directory " + files.root();
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel below releases it all the same
        }
        try {
            lockFile.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "postcall inbox {0}: closing the lock file failed ({1})", files.root(),
                    e.getClass().getName());
        }
    }

    /** A claim on an entry in {@code incoming/} (or, for a visit, {@code replaying/}). */
    private final class Held implements Claim {
        private final InboxEntry entry;
        private final BodySource body;
        private final KeyClaims.Token token;
        private final AtomicBoolean finished = new AtomicBoolean();

        Held(InboxEntry entry, BodySource body, KeyClaims.Token token) {
            this.entry = entry;
            this.body = body;
            this.token = token;
        }

        @Override
        public BodySource body() {
            return body;
        }

        @Override
        public int attempt() {
            return entry.record().attempts();
        }

        @Override
        public void handled() throws StoreException {
            finish();
            DeliveryKey key = entry.record().key();
            Exception unrecorded = null;
            if (node && key != null) {
                try {
                    // before the entry goes: a restart in between finds the entry (failed), never neither
                    backfill.handled(key);
                } catch (IOException | RuntimeException e) {
                    unrecorded = e;
                }
            }
            try {
                entry.remove();
            } catch (IOException | RuntimeException e) {
                // tried again before the next admit; if this node stops first, its next start keeps it as failed
                toRemove.add(entry);
                throw new StoreException("postcall inbox " + files.root() + ": a handled delivery could not be"
                        + " removed (" + e.getClass().getName() + "); it is removed at the next delivery, or kept"
                        + " as failed at the next start if this node stops first", e);
            } finally {
                if (token != null) {
                    token.done();
                }
            }
            if (unrecorded != null) {
                throw new StoreException("postcall inbox " + files.root() + ": a handled delivery could not be recorded"
                        + " for backfill (" + unrecorded.getClass().getName() + "); after a restart backfill may fetch"
                        + " its conversation again", unrecorded);
            }
        }

        @Override
        public boolean failed(Throwable cause) throws StoreException {
            finish();
            try {
                InboxEntry kept = entry.moveTo(files.failedDirectory(), entry.record().failed(
                        cause == null ? "unknown" : cause.getClass().getName(), clock.instant()));
                DeliveryKey key = kept.record().key();
                if (node && key != null) {
                    failedByKey.put(key, kept);
                }
                return true;
            } catch (IOException | RuntimeException e) {
                // the body stays where it was, in incoming/: the key's next admit takes it from there, and the next
                // start moves it to failed/
                DeliveryKey key = entry.record().key();
                if (node && key != null) {
                    failedByKey.put(key, entry);
                }
                throw new StoreException("postcall inbox " + files.root() + ": a failed delivery could not be"
                        + " moved to failed/ (" + e.getClass().getName() + "); the next start keeps it as failed", e);
            } finally {
                if (token != null) {
                    token.release();
                }
            }
        }

        private void finish() {
            if (!finished.compareAndSet(false, true)) {
                throw new IllegalStateException("the claim was finished already");
            }
        }
    }
}
