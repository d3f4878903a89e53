package dev.postcall.internal.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.postcall.BodySource;
import dev.postcall.EventParser;
import dev.postcall.MalformedEventException;
import dev.postcall.PostCallEvent;
import dev.postcall.internal.delivery.Dispatcher;
import dev.postcall.internal.delivery.HandlerRunner;
import dev.postcall.signature.SignatureException;
import dev.postcall.signature.SignatureVerifier;
import dev.postcall.spi.DeliveryStore;
import dev.postcall.spi.PostCallEventHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The servlet's request path over real HTTP, for the CLI's replay tests: verify the signature, parse, hand the event
 * to {@link Dispatcher#deliver} over a real {@link DeliveryStore} (admit, which takes back a failed delivery of the
 * same key; the handler; handled or failed), and answer each outcome as the servlet's {@code Problem.of} does: 200,
 * or a problem ({@code handler-failed} 500 with {@code on-handler-failure=reject}). Its handler records what it took
 * and throws on the conversations a test broke. Public for the database node in {@code dev.postcall.jdbc}.
 */
public final class WebhookReceiver implements AutoCloseable {

    /**
     * One delivery the handler took.
     *
     * @param conversationId its conversation id, {@code "null"} for none
     * @param body           the bytes the handler read from the event, as text
     */
    public record Handled(String conversationId, String body) { }

    private final Dispatcher dispatcher;
    private final SignatureVerifier verifier;
    private final boolean acceptFailures;
    private final HttpServer server;
    private final Set<String> broken = ConcurrentHashMap.newKeySet();
    private final List<Handled> handled = Collections.synchronizedList(new ArrayList<>());
    private final HandlerRunner handlers = new HandlerRunner(List.of(List.of(this::handle)));
    private volatile Consumer<PostCallEvent> whileHandling = event -> { };

    private WebhookReceiver(DeliveryStore store, String secret, boolean acceptFailures) throws IOException {
        this.dispatcher = new Dispatcher(store, Duration.ofSeconds(5));
        this.verifier = SignatureVerifier.builder().secrets(List.of(secret)).build();
        this.acceptFailures = acceptFailures;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", this::receive);
        server.start();
    }

    /**
     * Starts receiving into {@code store}. With {@code acceptFailures} a handler failure the store keeps is answered
     * 200 (the servlet's default, {@code on-handler-failure=accept}), otherwise 500 {@code handler-failed}.
     */
    public static WebhookReceiver start(DeliveryStore store, String secret, boolean acceptFailures)
            throws IOException {
        return new WebhookReceiver(store, secret, acceptFailures);
    }

    private void handle(PostCallEvent event) throws IOException {
        whileHandling.accept(event);
        String id = String.valueOf(event.conversationId());
        if (broken.contains(id)) {
            throw new IllegalStateException("the handler is broken");
        }
        try (InputStream in = event.body().openStream()) {
            handled.add(new Handled(id, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        }
    }

    private void receive(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        Answer answer = answer(exchange.getRequestHeaders().getFirst("ElevenLabs-Signature"),
                exchange.getRequestHeaders().getFirst("Content-Type"), body);
        byte[] json = answer.json().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", answer.status() == 200 ? "application/json"
                : "application/problem+json");
        exchange.sendResponseHeaders(answer.status(), json.length);
        exchange.getResponseBody().write(json);
        exchange.close();
    }

    private record Answer(int status, String json) {
        static final Answer OK = new Answer(200, "{\"received\":true}");

        static Answer problem(int status, String slug) {
            return new Answer(status, "{\"type\":\"https://postcall.dev/problems/" + slug + "\",\"status\":" + status
                    + "}");
        }

        /** As the servlet answers a delivery its store kept for a replay: {@code "kept":true}. */
        static Answer kept(int status, String slug) {
            return new Answer(status, "{\"type\":\"https://postcall.dev/problems/" + slug + "\",\"status\":" + status
                    + ",\"kept\":true}");
        }
    }

    private Answer answer(String signature, String contentType, byte[] body) {
        long timestamp;
        try {
            SignatureVerifier.Verification verification = verifier.begin(signature);
            verification.update(body, 0, body.length);
            timestamp = verification.finish();
        } catch (SignatureException e) {
            return Answer.problem(401, "signature-mismatch");
        }
        PostCallEvent event;
        try {
            event = new EventParser().parse(BodySource.ofBytes(body));
        } catch (MalformedEventException e) {
            Dispatcher.Result kept = dispatcher.keepUnreadable(BodySource.ofBytes(body), timestamp, contentType, e);
            // as the servlet's Problem.ofUnreadable(outcome)
            return switch (kept.outcome()) {
                case STORE_UNAVAILABLE -> Answer.problem(503, "inbox-unavailable");
                case MALFORMED_KEPT -> Answer.kept(400, "malformed-event");
                default -> Answer.problem(400, "malformed-event");
            };
        }
        // as the servlet's Problem.of(outcome, rejectOnFailure)
        return switch (dispatcher.deliver(event, timestamp, contentType, handlers).outcome()) {
            case HANDLED, HANDLED_UNRECORDED, DUPLICATE -> Answer.OK;
            case FAILED_KEPT -> acceptFailures ? Answer.OK : Answer.kept(500, "handler-failed");
            case FAILED, FAILED_UNRECORDED -> Answer.problem(500, "handler-failed");
            case MALFORMED_KEPT -> acceptFailures ? Answer.OK : Answer.kept(400, "malformed-event");
            case MALFORMED -> Answer.problem(400, "malformed-event");
            case NO_HANDLER -> Answer.problem(503, "no-handler");
            case IN_PROGRESS -> Answer.problem(503, "delivery-in-progress");
            case STORE_UNAVAILABLE -> Answer.problem(503, "inbox-unavailable");
        };
    }

    /** The webhook's URL. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /**
     * Delivers a verified body as the request path would, without HTTP (the sender's own retry, say), to this
     * receiver's handler.
     */
    public Dispatcher.Outcome deliver(byte[] body, long signatureTimestamp) throws MalformedEventException {
        return dispatcher.deliver(new EventParser().parse(BodySource.ofBytes(body)), signatureTimestamp,
                "application/json", handlers).outcome();
    }

    /** Delivers a verified body to a handler that throws, as when the application was down: the outcome. */
    public Dispatcher.Outcome deliverFailing(byte[] body, long signatureTimestamp) throws MalformedEventException {
        PostCallEventHandler failing = event -> {
            throw new IllegalStateException("the application is down");
        };
        return dispatcher.deliver(new EventParser().parse(BodySource.ofBytes(body)), signatureTimestamp,
                "application/json", new HandlerRunner(List.of(List.of(failing)))).outcome();
    }

    /** From now on the handler throws on deliveries of {@code conversationId} ({@code "null"} for none). */
    public void breakConversation(String conversationId) {
        broken.add(conversationId);
    }

    /** The handler takes deliveries of {@code conversationId} again. */
    public void fixConversation(String conversationId) {
        broken.remove(conversationId);
    }

    /** Runs {@code action} on every event the handler is given, before it takes (or refuses) it. */
    public void whileHandling(Consumer<PostCallEvent> action) {
        whileHandling = action;
    }

    /** What the handler took, in order. */
    public List<Handled> handled() {
        return List.copyOf(handled);
    }

    /** The conversation ids the handler took, in order ({@code "null"} for none). */
    public List<String> handledConversations() {
        return handled().stream().map(Handled::conversationId).toList();
    }

    /** A delivery's JSON: a transcription of {@code conversationId}, or for null an event of a type without one. */
    public static String body(String conversationId, long eventTimestamp, String text) {
        return conversationId == null
                ? "{\"type\":\"post_call_future_kind\",\"event_timestamp\":" + eventTimestamp
                        + ",\"data\":{\"note\":\"" + text + "\"}}"
                : "{\"type\":\"post_call_transcription\",\"event_timestamp\":" + eventTimestamp + ",\"data\":"
                        + "{\"agent_id\":\"agent_1\",\"conversation_id\":\"" + conversationId + "\",\"status\":\"done\","
                        + "\"transcript\":[{\"role\":\"user\",\"message\":\"" + text + "\"}]}}";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
