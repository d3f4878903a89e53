/**
 * Delivers verified ElevenLabs post-call webhooks as typed CDI events.
 *
 * <p>Add {@code postcall-cdi} to a WAR that uses {@code postcall-servlet} and observe the events:
 *
 * <pre>{@code
 * @ApplicationScoped
 * class Calls {
 *     void onCall(@Observes TranscriptionEvent call) { ... call.report() ... }
 *     void onAny(@Observes PostCallEvent event) { ... }
 *     void onOne(@Observes @Agent("agent_7f3a") TranscriptionEvent call) { ... }
 *     void later(@ObservesAsync TranscriptionEvent call) { ... }
 * }
 * }</pre>
 *
 * <p>Synchronous observers run on the request thread, ordered by {@code @jakarta.annotation.Priority} on the
 * observed parameter (lower first, the CDI default being {@code Interceptor.Priority.APPLICATION + 500}); the
 * first one that throws fails the delivery and the webhook gets the servlet's failure answer. Asynchronous
 * observers run afterwards; their failures are logged and fired as {@link dev.postcall.cdi.DeliveryFailure}.
 * {@link dev.postcall.cdi.CdiEventDispatcher} describes the rules in full.
 *
 * <p>The jar holds no {@code beans.xml} and no beans; it works with any bean discovery mode of the host.
 */
package dev.postcall.cdi;
