package dev.postcall.spring;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.postcall.BodySource;
import dev.postcall.EventParser;
import dev.postcall.MalformedEventException;
import dev.postcall.PostCallEvent;

/**
 * Events over copies of their bodies, for {@code @Async} listeners on an executor the starter cannot decorate (one
 * of the application's own), which may read after the request has ended; listeners on the executors Spring Boot
 * builds hold the servlet's own body instead ({@link BodyLeases}). The servlet deletes a body it buffered in a temp
 * file once the request and every hold on it have ended; such a listener may run later, and Spring gives no sign of
 * when it is done. So the copy is deleted when nothing can read it any more: when its
 * {@link BodySource} (which the event holds) has become unreachable, by a {@link Cleaner}, or when the application
 * stops ({@link #close}), whichever comes first.
 *
 * <p>The copy is made in {@code java.io.tmpdir}, readable by its owner only where the file system has POSIX modes.
 * Thread-safe.
 */
final class DetachedBodies implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("dev.postcall.spring");
    private static final Cleaner CLEANER = Cleaner.create();

    private final EventParser parser = new EventParser();
    private final Set<Path> live = ConcurrentHashMap.newKeySet();

    /** Creates an empty set of copies. */
    DetachedBodies() {
    }

    /**
     * An event equal to {@code event}, read from a copy of its body that outlives the request.
     *
     * @throws IOException when the copy cannot be written (disk full, permissions); nothing is left behind
     */
    PostCallEvent copyOf(PostCallEvent event) throws IOException {
        Objects.requireNonNull(event, "event");
        // createTempFile gives the owner-only mode; the copy is written into that very file, never re-created
        Path copy = Files.createTempFile("postcall-async-", ".body");
        live.add(copy);
        try {
            try (InputStream in = event.body().openStream();
                 OutputStream out = Files.newOutputStream(copy, StandardOpenOption.WRITE)) {
                in.transferTo(out);
            }
            Body body = new Body(copy, Files.size(copy));
            CLEANER.register(body, new Deletion(copy, live));
            return parser.parse(body);
        } catch (MalformedEventException e) {
            delete(copy, live);
            // the same bytes parsed a moment ago: only a changing file could do this
            throw new IOException("the copy of a " + event.type() + " body did not parse again", e);
        } catch (IOException | RuntimeException e) {
            delete(copy, live);
            throw e;
        }
    }

    /** The copies not deleted yet, for tests. */
    List<Path> live() {
        return List.copyOf(live);
    }

    /** Deletes every copy still there: the application is stopping. */
    @Override
    public void close() {
        for (Path copy : List.copyOf(live)) {
            delete(copy, live);
        }
    }

    private static void delete(Path copy, Set<Path> live) {
        try {
            Files.deleteIfExists(copy);
            live.remove(copy);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not delete the copy {0} of a webhook body: {1}", copy,
                    e.getClass().getName());
        }
    }

    /** A body in a file this class owns; reachable from the event, so the file lives as long as either. */
    private static final class Body implements BodySource {
        private final Path file;
        private final long length;

        Body(Path file, long length) {
            this.file = file;
            this.length = length;
        }

        @Override
        public InputStream openStream() throws IOException {
            return Files.newInputStream(file);
        }

        @Override
        public long length() {
            return length;
        }
    }

    /** What the cleaner runs; holds the path, never the body, or the body would never become unreachable. */
    private record Deletion(Path file, Set<Path> live) implements Runnable {
        @Override
        public void run() {
            delete(file, live);
        }
    }
}
