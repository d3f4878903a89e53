package dev.postcall.internal.inbox;

import dev.postcall.BodySource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** One delivery in an {@link InboxStore}: its body, its record, and the moves it can make. */
public final class InboxEntry {

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

    /** Where the entry is now ({@code incoming/<id>} or {@code failed/<id>}). */
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

    /** The delivery was handled: the entry is deleted. */
    public void remove() throws IOException {
        InboxStore.deleteEntryDirectory(directory);
    }

    /**
     * The handlers failed: the entry moves to {@code failed/} (a no-op when it is there already).
     *
     * @return the entry at its new place
     */
    public InboxEntry moveToFailed() throws IOException {
        Path target = inbox.failedDirectory().resolve(directory.getFileName());
        if (target.equals(directory)) {
            return this;
        }
        InboxStore.move(directory, target);
        InboxStore.forceDirectory(inbox.failedDirectory());
        return new InboxEntry(inbox, target, record);
    }
}
