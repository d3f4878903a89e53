package dev.postcall.sample.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Fails closed: the packaged application started without {@code ELEVENLABS_WEBHOOK_SECRET} does not start at all
 * (never serves a webhook it cannot verify), and its error names the setting.
 */
class StartWithoutSecretIT {

    @Test
    void withoutTheSecretTheApplicationExitsNamingTheSetting() throws Exception {
        Path runner = Path.of("target", "quarkus-app", "quarkus-run.jar");
        assertThat(runner).as("the packaged application (mvn verify builds it)").isRegularFile();
        // an inbox of its own: the one of the application the other ITs run is locked by it (one node per directory)
        Path inbox = java.nio.file.Files.createTempDirectory("postcall-no-secret-");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=0", "-Dpostcall.inbox-dir=" + inbox, "-jar", runner.toString())
                .redirectErrorStream(true);
        builder.environment().remove("ELEVENLABS_WEBHOOK_SECRET");
        builder.environment().remove("POSTCALL_SECRET");
        Process app = builder.start();
        try {
            String output = new String(app.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(app.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
            assertThat(app.exitValue()).as(output).isNotZero();
            assertThat(output).contains("PostCallWebhookFilter is not configured correctly")
                    .contains("${mp:postcall.secret} is not set").doesNotContain("Listening on");
        } finally {
            app.destroyForcibly();
        }
    }
}
