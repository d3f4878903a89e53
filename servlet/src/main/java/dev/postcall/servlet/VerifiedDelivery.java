package dev.postcall.servlet;

import java.net.InetAddress;
import java.util.Objects;

import jakarta.servlet.ServletRequest;

import dev.postcall.BodySource;

/**
 * A webhook delivery that passed {@link PostCallWebhookFilter}: its signature matched a configured secret, its
 * timestamp was inside the window and its sender inside the allowlist. The filter puts one on the request under
 * {@link #ATTRIBUTE}; {@link PostCallWebhookServlet} or an application's own servlet or JAX-RS resource reads it.
 *
 * <pre>{@code
 * @POST @Path("/elevenlabs/webhook")
 * public Response receive(@Context HttpServletRequest request) throws IOException {
 *     VerifiedDelivery delivery = VerifiedDelivery.of(request);
 *     try (InputStream body = delivery.body().openStream()) { ... }
 *     return Response.ok().build();
 * }
 * }</pre>
 *
 * <p>The body lives until the request ends: a temp file behind it is deleted then.
 *
 * @param timestamp     the signature header's {@code t}, unix seconds
 * @param body          the verified bytes, re-readable
 * @param clientAddress the client as the filter judged it (through trusted proxies), or {@code null} when it could
 *                      not be told (no {@code ip-allowlist} was set, so it did not matter)
 */
public record VerifiedDelivery(long timestamp, BodySource body, InetAddress clientAddress) {

    /** The name of the request attribute that holds the delivery. */
    public static final String ATTRIBUTE = "dev.postcall.servlet.VerifiedDelivery";

    /** Checks that there is a body. */
    public VerifiedDelivery {
        Objects.requireNonNull(body, "body");
    }

    /**
     * The delivery the filter verified for this request.
     *
     * @return the delivery, or {@code null} when the request did not pass through {@link PostCallWebhookFilter}
     */
    public static VerifiedDelivery of(ServletRequest request) {
        Object value = request.getAttribute(ATTRIBUTE);
        return value instanceof VerifiedDelivery ? (VerifiedDelivery) value : null;
    }
}
