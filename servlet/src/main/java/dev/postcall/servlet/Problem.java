package dev.postcall.servlet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;

import dev.postcall.internal.delivery.Dispatcher;
import dev.postcall.signature.SignatureException;

/**
 * Every way postcall turns a request down, as an RFC 9457 {@code application/problem+json} response with a stable
 * type URI. Details are fixed texts: no stack trace, secret or payload text can reach a response.
 */
enum Problem {
    ADDRESS_NOT_ALLOWED(403, "address-not-allowed", "Address not allowed",
            "The client address is not in the ip-allowlist."),
    METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed",
            "Webhooks are delivered with POST."),
    SIGNATURE_HEADER_MISSING(401, "signature-header-missing", "Signature header missing",
            "The ElevenLabs-Signature header is missing or empty."),
    SIGNATURE_HEADER_MALFORMED(401, "signature-header-malformed", "Signature header malformed",
            "The ElevenLabs-Signature header needs t=<unix seconds> and v0=<64 hex characters>."),
    TIMESTAMP_TOO_OLD(401, "timestamp-too-old", "Timestamp too old",
            "The signature's timestamp is older than the tolerance."),
    TIMESTAMP_IN_FUTURE(401, "timestamp-in-future", "Timestamp in the future",
            "The signature's timestamp is further ahead than the allowed clock skew."),
    SIGNATURE_MISMATCH(401, "signature-mismatch", "Signature does not match",
            "No configured secret produces a v0 signature of the header for this body."),
    BODY_TOO_LARGE(413, "body-too-large", "Body too large",
            "The body is larger than max-body-size."),
    BODY_INCOMPLETE(400, "body-incomplete", "Body incomplete",
            "The body stopped arriving, or its chunked framing broke, before it was complete."),
    MALFORMED_EVENT(400, "malformed-event", "Malformed event",
            "The verified body is not a JSON object with type and data."),
    /** As {@link #MALFORMED_EVENT}, the body kept by the store for a replay: the answer says {@code "kept":true}. */
    MALFORMED_EVENT_KEPT(400, "malformed-event", "Malformed event",
            "The verified body is not a JSON object with type and data; it is kept for a replay.", true),
    HANDLER_FAILED(500, "handler-failed", "Handler failed",
            "A PostCallEventHandler threw; the event was not handled."),
    /** As {@link #HANDLER_FAILED}, the delivery kept by the store for a replay: the answer says {@code "kept":true}. */
    HANDLER_FAILED_KEPT(500, "handler-failed", "Handler failed",
            "A PostCallEventHandler threw; the event was not handled and is kept for a replay.", true),
    FILTER_MISSING(500, "filter-missing", "Filter missing",
            "PostCallWebhookFilter is not mapped in front of PostCallWebhookServlet."),
    DELIVERY_IN_PROGRESS(503, "delivery-in-progress", "Delivery in progress",
            "The same event is being handled by another request right now; try again later."),
    INBOX_UNAVAILABLE(503, "inbox-unavailable", "Inbox unavailable",
            "The delivery could not be stored safely before handling, so it was not handled; try again later."),
    NO_HANDLER(503, "no-handler", "No handler",
            "No PostCallEventHandler is registered, so the delivery was not handled; try again later.");

    /** Where the type URIs live; stable, documented in docs/install.md. */
    static final String TYPE_BASE = "https://postcall.dev/problems/";
    static final String CONTENT_TYPE = "application/problem+json";

    final int status;
    final String slug;
    private final byte[] json;

    Problem(int status, String slug, String title, String detail) {
        this(status, slug, title, detail, false);
    }

    /**
     * @param kept whether the delivery is kept by the store for a replay, which the answer says with the member
     *             {@code "kept":true}: a replay by the CLI then leaves the copy it sent to the receiver's store
     */
    Problem(int status, String slug, String title, String detail, boolean kept) {
        this.status = status;
        this.slug = slug;
        // built once: the texts are constants without characters JSON would need escaped
        this.json = ("{\"type\":\"" + TYPE_BASE + slug + "\",\"title\":\"" + title + "\",\"status\":" + status
                + ",\"detail\":\"" + detail + "\"" + (kept ? ",\"kept\":true" : "") + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The answer to a signature the filter refused. */
    static Problem of(SignatureException.Reason reason) {
        return switch (reason) {
            case MISSING_HEADER -> SIGNATURE_HEADER_MISSING;
            case MISSING_TIMESTAMP, MISSING_SIGNATURE, MALFORMED_TIMESTAMP, MALFORMED_SIGNATURE ->
                    SIGNATURE_HEADER_MALFORMED;
            case TIMESTAMP_TOO_OLD -> TIMESTAMP_TOO_OLD;
            case TIMESTAMP_IN_FUTURE -> TIMESTAMP_IN_FUTURE;
            case SIGNATURE_MISMATCH -> SIGNATURE_MISMATCH;
        };
    }

    /**
     * The answer to a delivery the servlet dispatched, or {@code null} for 200 {@code {"received":true}}.
     *
     * @param rejectOnFailure {@code on-handler-failure=reject}: a failure kept in the inbox is answered all the same
     */
    static Problem of(Dispatcher.Outcome outcome, boolean rejectOnFailure) {
        return switch (outcome) {
            // the handlers ran: a retry could only run them again, so the store's failure to record it is logged
            case HANDLED, HANDLED_UNRECORDED, DUPLICATE -> null;
            case FAILED_KEPT -> rejectOnFailure ? HANDLER_FAILED_KEPT : null;
            case FAILED, FAILED_UNRECORDED -> HANDLER_FAILED;
            case MALFORMED_KEPT -> rejectOnFailure ? MALFORMED_EVENT_KEPT : null;
            case MALFORMED -> MALFORMED_EVENT;
            case NO_HANDLER -> NO_HANDLER;
            case IN_PROGRESS -> DELIVERY_IN_PROGRESS;
            case STORE_UNAVAILABLE -> INBOX_UNAVAILABLE;
        };
    }

    /**
     * The answer to a verified body that is not an event: always 400, kept or not (a verified body is kept when the
     * store keeps bodies), unless the store could not keep it (503, so the sender tries again).
     */
    static Problem ofUnreadable(Dispatcher.Outcome outcome) {
        return switch (outcome) {
            case STORE_UNAVAILABLE -> INBOX_UNAVAILABLE;
            case MALFORMED_KEPT -> MALFORMED_EVENT_KEPT;
            default -> MALFORMED_EVENT;
        };
    }

    /** Writes this problem as the response, unless the response is already committed. */
    void send(HttpServletResponse response) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType(CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-store");
        if (this == METHOD_NOT_ALLOWED) {
            response.setHeader("Allow", "POST");
        } else if (status == 401) {
            // RFC 9110 asks a 401 to name the scheme the client should use
            response.setHeader("WWW-Authenticate", "ElevenLabs-Signature");
        } else if (status == 503) {
            response.setHeader("Retry-After", "30");
        } else if (this == BODY_TOO_LARGE || this == BODY_INCOMPLETE) {
            // the rest of the body stays unread; the connection cannot be reused
            response.setHeader("Connection", "close");
        }
        response.setContentLength(json.length);
        response.getOutputStream().write(json);
    }
}
