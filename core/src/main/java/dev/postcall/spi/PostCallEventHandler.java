package dev.postcall.spi;

import dev.postcall.PostCallEvent;

/**
 * Receives every verified, parsed post-call event. The servlet finds implementations with
 * {@link java.util.ServiceLoader} on the web application's class loader (list the class in
 * {@code META-INF/services/dev.postcall.spi.PostCallEventHandler}); the {@code postcall-cdi} jar registers one that
 * fires CDI events.
 *
 * <p>Implementations must be thread-safe: one instance handles concurrent requests.
 *
 * <pre>{@code
 * public final class CrmHandler implements PostCallEventHandler {   // listed in META-INF/services
 *     @Override
 *     public void handle(PostCallEvent event) {
 *         if (event instanceof TranscriptionEvent call) {
 *             crm.save(call.report());          // a throw: not handled (kept for a replay where a store keeps bodies)
 *         }
 *     }
 * }
 * }</pre>
 */
public interface PostCallEventHandler {

    /**
     * Handles one event on the request thread. Returning normally means the event was handled; throwing means it
     * was not, and the servlet answers as its delivery policy says.
     */
    void handle(PostCallEvent event) throws Exception;
}
