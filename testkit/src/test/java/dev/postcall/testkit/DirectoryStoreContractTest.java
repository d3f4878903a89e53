package dev.postcall.testkit;

import dev.postcall.internal.delivery.KeyClaims;
import dev.postcall.internal.inbox.DirectoryStore;
import dev.postcall.spi.DeliveryStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directory store ({@code inbox-dir}). Its storage fails as a disk does, for real: a folder it writes replaced by
 * a file (what a full disk or a read-only mount also give, and which holds when the tests run as root), or an entry
 * that cannot be deleted.
 */
class DirectoryStoreContractTest extends DeliveryStoreContract {

    @TempDir Path dir;

    @Override
    protected DeliveryStore open() throws IOException {
        return DirectoryStore.open(dir, new KeyClaims(Clock.systemUTC()), Clock.systemUTC());
    }

    @Override
    protected DeliveryStore restart(DeliveryStore crashed) throws IOException {
        crashed.close(); // the lock goes with the process
        return open();
    }

    @Override
    protected Faults faults() {
        return new Faults() {
            private final List<Runnable> repairs = new ArrayList<>();

            @Override
            public void fail(Step step) throws IOException {
                switch (step) {
                    case ADMIT -> replaceByFile(dir.resolve("tmp"));
                    case FAILED -> replaceByFile(dir.resolve("failed"));
                    case HANDLED -> {
                        // a non-empty folder inside each entry: deleting the entry fails
                        try (Stream<Path> entries = Files.list(dir.resolve("incoming"))) {
                            for (Path entry : entries.toList()) {
                                Path junk = Files.createDirectories(entry.resolve("locked"));
                                Files.writeString(junk.resolve("file"), "x");
                                repairs.add(() -> delete(junk));
                            }
                        }
                    }
                }
            }

            private void replaceByFile(Path folder) throws IOException {
                Path aside = folder.resolveSibling(folder.getFileName() + ".aside");
                Files.move(folder, aside);
                Files.writeString(folder, "not a directory");
                repairs.add(() -> {
                    try {
                        Files.delete(folder);
                        Files.move(aside, folder);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }

            private void delete(Path junk) {
                try {
                    Files.deleteIfExists(junk.resolve("file"));
                    Files.deleteIfExists(junk);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }

            @Override
            public void repair() {
                repairs.forEach(Runnable::run);
                repairs.clear();
            }
        };
    }
}
