package dev.postcall.sample;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The last failsafe execution of sample-war (server-matrix): after every server's ITs, writes
 * {@code target/server-matrix.md} from their reports and fails when a server that was not skipped left no report,
 * or when the README names a server without a passing row (one skipped in this build is reported, not failed). Not an {@code *IT}, so no server execution picks it up.
 */
class ServerMatrixCheck {

    @Test
    void theMatrixIsWrittenAndTheReadmeNamesOnlyServersThatPassed() throws IOException {
        List<ServerMatrix.Server> servers = ServerMatrix.servers(required("postcall.matrix.servers"));
        Path reports = Path.of(required("postcall.matrix.reports"));
        List<ServerMatrix.Row> rows = servers.stream().map(s -> ServerMatrix.row(s, reports)).toList();

        String markdown = ServerMatrix.markdown(rows, Instant.now());
        Path file = Path.of(required("postcall.matrix.file"));
        Files.writeString(file, markdown);
        System.out.println("==== " + file + " ====\n" + markdown);

        assertThat(rows).as("servers that should have run their ITs but left no failsafe report")
                .noneMatch(r -> r.outcome() instanceof ServerMatrix.Outcome.NoReport);
        Path readme = Path.of(required("postcall.matrix.readme"));
        ServerMatrix.ReadmeCheck check = ServerMatrix.checkReadme(Files.readString(readme), rows);
        for (String unchecked : check.unchecked()) {
            System.out.println("README claim not checked: " + unchecked);
        }
        assertThat(check.problems()).as("what %s says about servers that %s does not back", readme, file).isEmpty();
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        assertThat(value).as("system property %s (sample-war/pom.xml, execution server-matrix)", property)
                .isNotBlank();
        return value;
    }
}
