package dev.postcall.sample;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

/**
 * Prints where the sample listens once it is deployed, when the launcher told it (the {@code run} profile sets the
 * system property {@code postcall.sample.url}).
 */
public final class StartupBanner implements ServletContextListener {

    /** Creates the listener (the container does). */
    public StartupBanner() {
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        String url = System.getProperty("postcall.sample.url");
        if (url == null) {
            return;
        }
        String secret = WebhookSecret.fromEnvironment().isPresent() ? "" :
                "\n  WARNING: " + WebhookSecret.ENV + " is not set: every webhook will be refused";
        // System.out on purpose: this is the line a person running the demo looks for
        System.out.println("\n  postcall sample is running: open " + url
                + "\n  webhook: " + url + "elevenlabs/webhook" + secret + "\n");
    }
}
