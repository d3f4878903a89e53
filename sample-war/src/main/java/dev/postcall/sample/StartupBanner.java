package dev.postcall.sample;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;

/**
 * Prints where the sample listens, when the launcher told it (the {@code run} profile sets the system property
 * {@code postcall.sample.url}), once the sample answers there: a framed block that comes after the server's and the
 * launcher's start-up lines, so it is the last thing on the console.
 */
public final class StartupBanner implements ServletContextListener {

    private static final System.Logger LOG = System.getLogger(StartupBanner.class.getName());

    /** How long the banner waits for the sample to answer before it prints anyway. */
    static final Duration GIVE_UP = Duration.ofMinutes(2);

    /**
     * How long after the first answer the banner waits: the launcher (cargo) prints "started" and how to stop it
     * right after its own check got an answer, and the banner should come after those lines.
     */
    static final Duration SETTLE = Duration.ofMillis(1500);

    private Thread announcer;

    /** Creates the listener (the container does). */
    public StartupBanner() {
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        String url = System.getProperty("postcall.sample.url");
        if (url == null) {
            return;
        }
        boolean secretSet = WebhookSecret.fromEnvironment().isPresent();
        // the connector starts after the application is deployed, so the banner waits on a thread of its own
        announcer = new Thread(() -> {
            try {
                awaitAnswer(URI.create(url).resolve("api/calls"), GIVE_UP);
                Thread.sleep(SETTLE.toMillis());
                // System.out on purpose: this is the block a person running the demo looks for
                System.out.println(text(url, secretSet));
            } catch (InterruptedException e) {
                // the application stopped before it was announced
            }
        }, "postcall-sample-banner");
        announcer.setDaemon(true);
        announcer.start();
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (announcer != null) {
            announcer.interrupt();
            try {
                announcer.join(Duration.ofSeconds(2).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits until {@code probe} answers 200, asking every quarter second; returns whether it did within
     * {@code patience}.
     */
    static boolean awaitAnswer(URI probe, Duration patience) throws InterruptedException {
        Instant deadline = Instant.now().plus(patience);
        while (Instant.now().isBefore(deadline)) {
            if (answers(probe)) {
                return true;
            }
            Thread.sleep(250);
        }
        LOG.log(System.Logger.Level.WARNING, "the sample did not answer at " + probe + " within " + patience);
        return false;
    }

    private static boolean answers(URI probe) {
        HttpURLConnection http = null;
        try {
            http = (HttpURLConnection) probe.toURL().openConnection();
            http.setConnectTimeout(1000);
            http.setReadTimeout(5000);
            // not kept alive: a cached connection would keep a JDK thread running after the application stopped
            http.setRequestProperty("Connection", "close");
            int status = http.getResponseCode();
            try (InputStream body = status < 400 ? http.getInputStream() : http.getErrorStream()) {
                if (body != null) {
                    body.readAllBytes();
                }
            }
            return status == 200;
        } catch (IOException e) {
            return false;
        } finally {
            if (http != null) {
                http.disconnect();
            }
        }
    }

    /** The banner for a sample at {@code url} (ending in {@code /}). */
    static String text(String url, boolean secretSet) {
        String rule = "  " + "=".repeat(72);
        StringBuilder b = new StringBuilder("\n").append(rule).append('\n')
                .append("    postcall sample is running: open ").append(url).append('\n')
                .append("    webhook: ").append(url).append("elevenlabs/webhook").append('\n');
        if (!secretSet) {
            b.append("    WARNING: ").append(WebhookSecret.ENV).append(" is not set: every webhook will be refused\n");
        }
        return b.append("    Ctrl-C stops it\n").append(rule).append('\n').toString();
    }
}
