package dev.postcall.testkit;

import dev.postcall.internal.delivery.KeyClaims;
import dev.postcall.internal.inbox.DirectoryStore;
import dev.postcall.spi.DeliveryStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** The directory store ({@code inbox-dir}); its storage fails as a disk does ({@link StorageFaults#directory}). */
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
        return StorageFaults.directory(dir);
    }
}
