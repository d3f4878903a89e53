package dev.postcall.testkit;

import dev.postcall.internal.delivery.MemoryStore;
import dev.postcall.spi.DeliveryStore;

/** The servlet's default store, in memory: claims keys, keeps no bodies. */
class MemoryStoreContractTest extends DeliveryStoreContract {

    @Override
    protected DeliveryStore open() {
        return MemoryStore.create();
    }

    @Override
    protected DeliveryStore restart(DeliveryStore crashed) {
        return MemoryStore.create(); // a new JVM remembers nothing
    }
}
