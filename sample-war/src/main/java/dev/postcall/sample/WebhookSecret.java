package dev.postcall.sample;

import java.util.Optional;

/**
 * The secret the test-call control signs with: the one the filter verifies with. Read from the environment variable
 * {@value #ENV} (the filter's default), else from the system property {@value #PROPERTY} (how the build's servers get
 * it); with several comma-separated secrets, the first.
 */
final class WebhookSecret {

    /** The environment variable the filter reads when web.xml names no secret. */
    static final String ENV = "ELEVENLABS_WEBHOOK_SECRET";

    /** The system property the integration tests hand the servers. */
    static final String PROPERTY = "postcall.webhook.secret";

    private WebhookSecret() {
    }

    static Optional<String> fromEnvironment() {
        String value = System.getenv(ENV);
        if (value == null || value.isBlank()) {
            value = System.getProperty(PROPERTY);
        }
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(value.split(",")[0].strip());
    }
}
