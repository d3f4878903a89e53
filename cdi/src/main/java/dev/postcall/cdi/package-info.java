/**
 * Delivers verified ElevenLabs post-call webhooks as typed CDI events.
 *
 * <p>Putting {@code postcall-cdi} beside {@code postcall-servlet} in the WAR is all it takes: the servlet finds
 * postcall's CDI handler through {@code META-INF/services}, and the application needs no producer and no
 * registration code.
 * <pre>{@code
 * @ApplicationScoped
 * class Calls {
 *     void onCall(@Observes TranscriptionEvent call) { ... call.report() ... }
 *     void onAudio(@Observes AudioEvent audio) { ... audio.saveTo(...) ... }
 *     void onFailure(@Observes CallInitiationFailureEvent failure) { ... }
 *     void onAny(@Observes PostCallEvent event) { ... }                 // every type, unknown ones too
 *     void onOne(@Observes @Agent("agent_7f3a") TranscriptionEvent c) { ... }
 *     void later(@ObservesAsync TranscriptionEvent call) { ... }
 * }
 * }</pre>
 *
 * <h2>How an event is delivered</h2>
 * <ol>
 *   <li>The event is fired once with its runtime type ({@code TranscriptionEvent}, {@code AudioEvent},
 *   {@code CallInitiationFailureEvent} or {@code UnknownEvent}) and, when the payload names an agent, the
 *   qualifier {@code @Agent(agentId)}. Each matching observer is notified exactly once: observers of the type, of
 *   {@code PostCallEvent}, and of the type qualified with that agent.</li>
 *   <li>Synchronous ({@code @Observes}) observers run first, on the request thread, in the order of
 *   {@code @jakarta.annotation.Priority} on the observed parameter (lower values first; observers without it run
 *   as {@code Interceptor.Priority.APPLICATION + 500}), as the CDI specification defines. If one throws, the
 *   remaining ones are not called, no asynchronous observer is notified, and the delivery fails with what the
 *   observer threw: the servlet then answers with its failure answer (500, or 200 with the event kept under the
 *   inbox's {@code failed/} folder).</li>
 *   <li>Then the event is fired to {@code @ObservesAsync} observers and the handler returns without waiting.
 *   When one of them throws, the failure is logged (event type and conversation id only) and fired as a
 *   {@link dev.postcall.cdi.DeliveryFailure} event; the webhook's answer does not change.</li>
 * </ol>
 *
 * <p>An asynchronous observer may run after the response was sent, when the request's hold on the body has ended
 * (a body over the servlet's {@code memory-threshold}, typically audio, lives in a temporary file). The
 * asynchronous observers keep the body until the last of them has returned (the event's
 * {@link dev.postcall.PostCallEvent#retain()}): they get the very event the synchronous ones got, never a copy, and
 * the file is deleted once the request and all of them are done. {@link dev.postcall.PostCallEvent#answered()}
 * tells one that wants to wait for the answer when it has been sent.
 *
 * <h2>Finding the container</h2>
 * The {@code BeanManager} is looked up on first use with {@link jakarta.enterprise.inject.spi.CDI#current()}, and
 * when that fails, in JNDI under {@code java:comp/BeanManager} (then {@code java:comp/env/BeanManager}). Without a
 * container every delivery fails and says what to add ({@code weld-servlet-core} on Tomcat or Jetty). The bean
 * manager found is kept by this instance, never in a static field: one JVM may run several web applications,
 * each with its own container, and the servlet loads one handler per application.
 * <ul>
 *   <li>Tomcat, Jetty: the WAR bundles {@code org.jboss.weld.servlet:weld-servlet-core}, whose
 *   {@code CDIProvider} answers {@code CDI.current()} for the web application it started in. JNDI is only a
 *   fallback there, and only when the WAR binds {@code BeanManager} under {@code java:comp/env}.</li>
 *   <li>WildFly, Payara, GlassFish, Open Liberty and other Jakarta EE servers: the server's own CDI answers
 *   {@code CDI.current()}, and every one binds {@code java:comp/BeanManager} as the specification requires.
 *   Bundle no CDI implementation in that WAR.</li>
 * </ul>
 *
 * <h2>Health</h2>
 * Where MicroProfile Health is present (Open Liberty with {@code mpHealth}, Payara, WildFly's MicroProfile
 * configurations, Quarkus with {@code quarkus-smallrye-health}), a build compatible extension (CDI Lite, run by Weld
 * and by Quarkus's ArC alike) adds a readiness check named {@code postcall} to {@code /health/ready}:
 * {@code UP} while every webhook of the application is ready (its filter started with a secret, its inbox can be
 * written), {@code DOWN} otherwise, with each webhook's facts as data; entries waiting in {@code failed/} are a
 * warning. Where the API is absent the extension adds nothing and loads no MicroProfile type.
 *
 * <p>The jar holds no {@code beans.xml} and no beans of its own to discover (only that extension): it works with
 * {@code bean-discovery-mode="annotated"} and never causes the host's classes to be discovered.
 */
package dev.postcall.cdi;
