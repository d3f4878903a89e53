package dev.postcall.sample;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Switches backfill from ElevenLabs' Conversations API on when the environment has an API key: the webhook servlet
 * then gets, before it starts, the init-params a {@code web.xml} would give it, the key as a reference that it
 * resolves itself (so the key is never copied anywhere):
 *
 * <pre>
 * backfill-api-key   ${env:ELEVENLABS_API_KEY}
 * backfill-base-url  ${env:ELEVENLABS_API_BASE_URL}    only when that is set (the stand-in of the demo, a residency)
 * backfill-interval  1m                                a demo: the page shows a backfilled call within a minute
 *                                                      (the system property postcall.sample.backfillInterval
 *                                                      changes it; the build's Tomcat IT server runs every 10s)
 * inbox-dir          ${sys:java.io.tmpdir}/postcall-sample-inbox   backfill needs a store that remembers
 * </pre>
 *
 * Without {@value #API_KEY} nothing changes: the sample receives webhooks only, as before.
 */
public final class BackfillSwitch implements ServletContextListener {

    /** The environment variable that holds the API key. */
    static final String API_KEY = "ELEVENLABS_API_KEY";
    /** The environment variable that names another API root. */
    static final String BASE_URL = "ELEVENLABS_API_BASE_URL";
    /** The webhook servlet's name in web.xml. */
    static final String SERVLET = "postcall";
    /** The system property that changes the demo's interval. */
    static final String INTERVAL = "postcall.sample.backfillInterval";

    private static final System.Logger LOG = System.getLogger(BackfillSwitch.class.getName());

    /** Created by the container. */
    public BackfillSwitch() {
    }

    /**
     * The init-params backfill needs, given the environment {@code env}; empty without an API key.
     */
    static Map<String, String> params(Function<String, String> env) {
        return params(env, "1m");
    }

    /** As {@link #params(Function)}, every {@code interval}. */
    static Map<String, String> params(Function<String, String> env, String interval) {
        Map<String, String> params = new LinkedHashMap<>();
        String key = env.apply(API_KEY);
        if (key == null || key.isBlank()) {
            return params;
        }
        params.put("backfill-api-key", "${env:" + API_KEY + "}");
        String base = env.apply(BASE_URL);
        if (base != null && !base.isBlank()) {
            params.put("backfill-base-url", "${env:" + BASE_URL + "}");
        }
        params.put("backfill-interval", interval);
        params.put("inbox-dir", "${sys:java.io.tmpdir}/postcall-sample-inbox");
        return params;
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        Map<String, String> params = params(System::getenv, System.getProperty(INTERVAL, "1m"));
        if (params.isEmpty()) {
            return;
        }
        ServletRegistration webhook = event.getServletContext().getServletRegistration(SERVLET);
        try {
            // a param web.xml sets already wins: setInitParameter leaves it and answers false
            params.forEach(webhook::setInitParameter);
            LOG.log(System.Logger.Level.INFO, API_KEY + " is set: backfill from ElevenLabs'' Conversations API is on,"
                    + " with deliveries kept in " + webhook.getInitParameter("inbox-dir"));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "this server does not let a listener add init-params (" + e
                    + "); set backfill-api-key and inbox-dir on the servlet '" + SERVLET + "' in web.xml instead");
        }
    }
}
