package dev.postcall.servlet;

import dev.postcall.EventParser;
import dev.postcall.internal.delivery.Dispatcher;
import dev.postcall.internal.delivery.HandlerRunner;
import dev.postcall.monitoring.ReplayReport;
import dev.postcall.spi.DeliveryStore;
import dev.postcall.spi.PostCallEventHandler;
import java.time.Duration;
import java.util.List;

/** The one replay, run from a test without a servlet: what a node's webhook replay does, over any store. */
final class Replays {

    private Replays() {
    }

    static ReplayReport replay(DeliveryStore store, PostCallEventHandler handler) throws DeliveryStore.StoreException {
        return new Dispatcher(store, Duration.ofSeconds(30)).replayFailed(new EventParser(),
                new HandlerRunner(List.of(List.of(handler))), (kept, event, result, nanos) -> { });
    }
}
