package dev.postcall.spring;

import java.util.Locale;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Shows a {@link PostCallSettingsException} as Spring Boot's "APPLICATION FAILED TO START" report: its message, every
 * problem with its fix, as the description; as the action, the {@code postcall.*} property (and environment
 * variable) of each setting the problems name, since the filter's and servlet's messages name them as
 * {@code web.xml} init-params.
 */
final class PostCallFailureAnalyzer extends AbstractFailureAnalyzer<PostCallSettingsException> {

    /** Created by Spring Boot from {@code META-INF/spring.factories}. */
    PostCallFailureAnalyzer() {
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, PostCallSettingsException cause) {
        StringBuilder action = new StringBuilder("Correct the postcall settings in application.properties or"
                + " application.yml, or in the environment. The messages above name each setting as its web.xml"
                + " init-param; in Spring Boot they are:");
        for (String name : cause.settingsNamed()) {
            String property = PostCallProperties.NAMES.get(name);
            action.append("\n - ").append(name).append(": postcall.").append(property).append(" (environment variable ")
                    .append(environmentName(property)).append(')');
            if (name.equals("inbox")) {
                action.append(", with spring.datasource.* for the database; the database inbox's own settings are"
                        + " postcall.inbox.create-schema (true creates the tables), postcall.inbox.table-prefix,"
                        + " postcall.inbox.retention, postcall.inbox.takeover-after and postcall.inbox.node-id");
            }
            if (name.equals("secret")) {
                action.append(", for example postcall.secret=${ELEVENLABS_WEBHOOK_SECRET}; when postcall.secret is"
                        + " unset the environment variable ELEVENLABS_WEBHOOK_SECRET is read. Spring reads the"
                        + " environment with ${NAME}, not web.xml's ${env:NAME}");
            }
        }
        if (cause.settingsNamed().isEmpty()) {
            action.append("\n - every postcall.* property is listed in docs/configuration.md of postcall (the"
                    + " \"Spring Boot\" table)");
        }
        return new FailureAnalysis(cause.getMessage(), action.toString(), cause);
    }

    /** The environment variable Spring Boot binds to {@code postcall.<property>}. */
    static String environmentName(String property) {
        return "POSTCALL_" + property.replace("-", "").replace('.', '_').toUpperCase(Locale.ROOT);
    }
}
