package dev.postcall.internal.inbox;

import dev.postcall.BodySource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** One delivery in an {@link InboxStore}: its directory and record, and the moves it can make. */
public final class InboxEntry {
    private static final System.Logger LOG = System.getLogger("dev.postcall.inbox");

    private final InboxStore inbox;
    private final Path directory;
    private final DeliveryRecord record;

    InboxEntry(InboxStore inbox, Path directory, DeliveryRecord record) {
        this.inbox = inbox;
        this.directory = directory;
        this.record = record;
    }

    static InboxEntry read(InboxStore inbox, Path directory) throws IOException {
        try (InputStream in = Files.newInputStream(directory.resolve(InboxStore.META))) {
            return new InboxEntry(inbox, directory, DeliveryRecord.fromProperties(in));
        }
    }

    /** The entry's name: its directory's name, unique within the inbox and sortable by arrival. */
    public String id() {
        return directory.getFileName().toString();
    }

    /** Where the entry is now ({@code incoming/<id>}, {@code failed/<id>} or {@code replaying/<id>}). */
    public Path directory() {
        return directory;
    }

    /** What is known about the delivery. */
    public DeliveryRecord record() {
        return record;
    }

    /** The delivery's body, byte for byte as received and verified. */
    public BodySource body() throws IOException {
        return BodySource.ofFile(directory.resolve(InboxStore.BODY));
    }

    /**
     * The delivery was handled: the entry is deleted. It first leaves its folder in one rename into {@code tmp/}, so
     * a deletion that stops half-way (an I/O error, a JVM killed between two files) leaves debris in {@code tmp/},
     * which the next start clears, and never a half entry (a record without its body) that the start would keep as
     * failed and every listing of failed deliveries would trip on.
     *
     * @throws IOException when the entry could not leave its folder; it is then whole where it was
     */
    public void remove() throws IOException {
        Path removed = inbox.tmpDirectory().resolve(id() + ".removed");
        try {
            InboxStore.move(directory, removed);
        } catch (NoSuchFileException e) {
            return; // gone already
        }
        try {
            InboxStore.deleteEntryDirectory(removed);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "postcall inbox: the files of a handled delivery could not be"
                    + " deleted from {0} ({1}); they are deleted at the next start", removed, e.getClass().getName());
        }
    }

    /**
     * Moves the entry into {@code folder} (one of the store's) with an atomic rename, which is the claim when two
     * compete for it, then gives it {@code next} as its record (written durably) when that differs.
     *
     * @return the entry at its new place
     * @throws java.nio.file.NoSuchFileException when the entry is no longer where it was (taken by someone else)
     */
    InboxEntry moveTo(Path folder, DeliveryRecord next) throws IOException {
        Path target = folder.resolve(directory.getFileName());
        if (!target.equals(directory)) {
            InboxStore.move(directory, target);
            InboxStore.forceDirectory(folder);
        }
        if (!next.equals(record)) {
            inbox.rewriteRecord(target, next);
        }
        return new InboxEntry(inbox, target, next);
    }
}
