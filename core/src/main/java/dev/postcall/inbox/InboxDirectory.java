package dev.postcall.inbox;

import dev.postcall.EventParser;
import dev.postcall.internal.inbox.InboxEntry;
import dev.postcall.internal.inbox.InboxStore;
import dev.postcall.spi.PostCallEventHandler;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The inbox a {@code PostCallWebhookServlet} keeps under its {@code inbox-dir}, seen from an application: what its
 * handlers failed on waits in {@code failed/}, and this replays it in-process, for an admin page of your own. The
 * CLI's {@code replay} does the same over HTTP through the normal verified path.
 *
 * <pre>{@code
 * InboxDirectory inbox = InboxDirectory.open(Path.of("/var/lib/myapp/postcall-inbox"));
 * ReplayReport report = inbox.replayFailed(new EventParser(), myHandler);
 * log.info(report.replayed() + " replayed, still failing: " + report.stillFailing());
 * }</pre>
 *
 * <p>Thread-safe, and safe to use while the servlet writes to the same directory: entries are moved with atomic
 * renames.
 */
public final class InboxDirectory {

    private static final System.Logger LOG = System.getLogger("dev.postcall.inbox");

    private final InboxStore store;

    private InboxDirectory(InboxStore store) {
        this.store = store;
    }

    /**
     * Opens (creating if needed) the inbox under {@code root}.
     *
     * @throws IOException when the directories cannot be created or written
     */
    public static InboxDirectory open(Path root) throws IOException {
        return new InboxDirectory(InboxStore.open(root));
    }

    /** The inbox's root directory. */
    public Path root() {
        return store.root();
    }

    /** The ids of the deliveries in {@code failed/}, oldest first (an id is the entry's directory name). */
    public List<String> failedIds() throws IOException {
        List<String> ids = new ArrayList<>();
        for (InboxEntry entry : store.failed()) {
            ids.add(entry.id());
        }
        return ids;
    }

    /**
     * Hands every entry in {@code failed/} to {@code handler} again, oldest first, on this thread: an entry the
     * handler takes is removed, one it throws on (or that does not parse) stays.
     *
     * @throws IOException when {@code failed/} cannot be listed or a handled entry cannot be removed
     */
    public ReplayReport replayFailed(EventParser parser, PostCallEventHandler handler) throws IOException {
        int replayed = 0;
        List<String> stillFailing = new ArrayList<>();
        for (InboxEntry entry : store.failed()) {
            try {
                handler.handle(parser.parse(entry.body()));
            } catch (Exception e) {
                LOG.log(Level.WARNING, "postcall inbox: replay of {0} failed again ({1}); kept in failed/",
                        entry.id(), e.getClass().getName());
                stillFailing.add(entry.id());
                continue;
            }
            entry.remove();
            replayed++;
        }
        return new ReplayReport(replayed, stillFailing);
    }
}
