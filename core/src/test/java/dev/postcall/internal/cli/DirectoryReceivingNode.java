package dev.postcall.internal.cli;

import dev.postcall.internal.delivery.Dispatcher;
import dev.postcall.internal.delivery.KeyClaims;
import dev.postcall.internal.inbox.DirectoryStore;
import dev.postcall.jdbc.MutableClock;
import dev.postcall.spi.DeliveryStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A receiving node whose store is the directory store on its {@code inbox-dir} ({@link DirectoryStore#open} with
 * {@link KeyClaims}, as the servlet opens it), receiving over real HTTP through the servlet's request path
 * ({@link WebhookReceiver}). The CLI's {@code replay --inbox} runs beside it, as beside a running application. Its
 * store's clock is moved by hand.
 */
final class DirectoryReceivingNode implements AutoCloseable {

    private final MutableClock clock = new MutableClock();
    private final DirectoryStore store;
    private final WebhookReceiver receiver;

    private DirectoryReceivingNode(Path inbox, String secret, boolean acceptFailures) throws IOException {
        store = DirectoryStore.open(inbox, new KeyClaims(clock), clock);
        try {
            receiver = WebhookReceiver.start(store, secret, acceptFailures);
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * Starts a node on {@code inbox}. With {@code acceptFailures} a handler failure kept in the store is answered 200
     * (the servlet's default, {@code on-handler-failure=accept}), otherwise 500 {@code handler-failed}.
     */
    static DirectoryReceivingNode start(Path inbox, String secret, boolean acceptFailures) throws IOException {
        return new DirectoryReceivingNode(inbox, secret, acceptFailures);
    }

    /** The node's webhook, its handler and what the handler took. */
    WebhookReceiver receiver() {
        return receiver;
    }

    /** Moves the node's clock (what its store records as received and failed) on. */
    void advance(Duration duration) {
        clock.advance(duration);
    }

    /**
     * Keeps a failed delivery as a handler that threw would have left it, through the node's own request path:
     * {@link WebhookReceiver#body} of these, signed at {@code 1761400000} (long ago: a replay must sign it afresh).
     *
     * @return the store's id of the kept delivery
     */
    String storeFailed(String conversationId, long eventTimestamp, String text) throws Exception {
        Set<String> before = new HashSet<>(ids());
        Dispatcher.Outcome outcome = receiver.deliverFailing(WebhookReceiver.body(conversationId, eventTimestamp, text)
                .getBytes(StandardCharsets.UTF_8), 1761400000L);
        if (outcome != Dispatcher.Outcome.FAILED_KEPT) {
            throw new IllegalStateException("not kept: " + outcome);
        }
        List<String> now = new ArrayList<>(ids());
        now.removeAll(before);
        return now.get(0);
    }

    /** The sender's own retry of a delivery (verified already), as the request path takes it: the outcome. */
    Dispatcher.Outcome retry(String conversationId, long eventTimestamp, String text) throws Exception {
        return receiver.deliver(WebhookReceiver.body(conversationId, eventTimestamp, text)
                .getBytes(StandardCharsets.UTF_8), clock.instant().getEpochSecond());
    }

    /** What the store keeps as failed, oldest first. */
    List<DeliveryStore.Kept> failed() throws DeliveryStore.StoreException {
        return store.failed(null, 1000);
    }

    private List<String> ids() throws DeliveryStore.StoreException {
        return failed().stream().map(DeliveryStore.Kept::id).toList();
    }

    @Override
    public void close() {
        receiver.close();
        store.close();
    }
}
