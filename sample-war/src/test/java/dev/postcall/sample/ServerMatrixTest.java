package dev.postcall.sample;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerMatrixTest {

    @TempDir
    Path dir;

    private static final String README = """
            # app

            `mvn verify` deploys them to
            Tomcat 10.1, Tomcat 11, Payara Micro 6 and 7 and Open Liberty 26 and drives the page (Debian's
            `chromium`); more text.

            ## Install in your application

            intro

            | server | add to the WAR | notes |
            | --- | --- | --- |
            | WildFly, Payara 6/7 (full Jakarta EE) | a | Liberty needs features |
            | Tomcat 10.1 / 11, Jetty 12.1 | b | c |

            ## web.xml
            | Jetty 9 | ignored: another section | |
            """;

    @Test
    void aRowPassesWhenItsSummaryHasTestsAndNoFailureOrError() throws IOException {
        summary("tomcat", 12, 0, 0, 1);
        summary("jetty", 8, 1, 0, 0);
        summary("wildfly", 8, 0, 2, 0);
        summary("liberty", 0, 0, 0, 0);

        assertThat(row("tomcat", "Tomcat", "10.1.59", false).green()).isTrue();
        assertThat(row("jetty", "Jetty", "12.1.12", false).green()).isFalse();
        assertThat(row("wildfly", "WildFly", "39.0.1.Final", false).green()).isFalse();
        assertThat(row("liberty", "Open Liberty", "26.0.0.3", false).green()).as("no test ran").isFalse();
        assertThat(row("payara6", "Payara Micro", "6.2025.10", false).outcome())
                .isInstanceOf(ServerMatrix.Outcome.NoReport.class);
        assertThat(row("glassfish", "GlassFish", "8.0.0", true).outcome())
                .isInstanceOf(ServerMatrix.Outcome.Skipped.class);
        assertThat(ServerMatrix.summary(dir.resolve("tomcat/failsafe-summary.xml")))
                .isEqualTo(new ServerMatrix.Outcome.Ran(12, 0, 0, 1));
    }

    @Test
    void theReadmeIsBackedWhenEveryServerItNamesHasAPassingRowOfThatVersion() throws IOException {
        List<ServerMatrix.Row> rows = passing("Tomcat 10.1.59", "Tomcat 11.0.24", "Open Liberty 26.0.0.3",
                "WildFly 39.0.1.Final", "Payara Micro 6.2025.10", "Payara Micro 7.2025.1", "Jetty 12.1.12");

        assertThat(ServerMatrix.checkReadme(README, rows)).isEqualTo(new ServerMatrix.ReadmeCheck(List.of(), List.of()));
    }

    @Test
    void aServerTheReadmeNamesWithoutAPassingRowIsAProblem() throws IOException {
        summary("jetty", 8, 1, 0, 0);
        List<ServerMatrix.Row> rows = new java.util.ArrayList<>(passing("Tomcat 10.1.59", "Tomcat 11.0.24",
                "Open Liberty 26.0.0.3", "WildFly 39.0.1.Final", "Payara Micro 6.2025.10"));
        rows.add(row("jetty", "Jetty", "12.1.12", false));

        List<String> problems = ServerMatrix.checkReadme(README, rows).problems();

        assertThat(problems).satisfiesExactly(
                p -> assertThat(p).contains("row \"WildFly, Payara 6/7").contains("names Payara 7")
                        .contains("Payara Micro 6.2025.10: pass"),
                p -> assertThat(p).contains("names Jetty 12.1").contains("1 of 8 tests failed"),
                p -> assertThat(p).startsWith("the sentence on what `mvn verify` deploys to")
                        .contains("names Payara Micro 7"));
    }

    @Test
    void aServerTheBuildNeverRunsCannotBeBackedAndAWrongVersionIsNotBacked() throws IOException {
        String readme = README.replace("Open Liberty 26", "GlassFish 8").replace("Tomcat 11,", "Tomcat 12,");
        List<ServerMatrix.Row> rows = passing("Tomcat 10.1.59", "Tomcat 11.0.24", "WildFly 39.0.1.Final",
                "Payara Micro 6.2025.10", "Payara Micro 7.2025.1", "Jetty 12.1.12");

        assertThat(ServerMatrix.checkReadme(readme, rows).problems()).satisfiesExactly(
                p -> assertThat(p).contains("names Tomcat 12"),
                p -> assertThat(p).contains("names GlassFish 8").contains("the build runs no such server"));
    }

    @Test
    void aServerSkippedInThisBuildIsUncheckedNotAProblem() throws IOException {
        List<ServerMatrix.Row> rows = new java.util.ArrayList<>(passing("Tomcat 10.1.59", "Tomcat 11.0.24",
                "Open Liberty 26.0.0.3", "WildFly 39.0.1.Final", "Jetty 12.1.12"));
        rows.add(row("payara6", "Payara Micro", "6.2025.10", true));
        rows.add(row("payara7", "Payara Micro", "7.2025.1", true));

        ServerMatrix.ReadmeCheck check = ServerMatrix.checkReadme(README, rows);

        assertThat(check.problems()).isEmpty();
        assertThat(check.unchecked()).hasSize(4).allSatisfy(u -> assertThat(u).contains("skipped in this build"));
    }

    @Test
    void aReadmeWithoutTheTableOrTheSentenceCannotBeChecked() {
        assertThat(ServerMatrix.checkReadme("# app\n\nnothing here\n", List.of()).problems()).hasSize(2);
    }

    @Test
    void versionsMatchByLeadingSegments() {
        assertThat(ServerMatrix.versionMatches("10.1", "10.1.59")).isTrue();
        assertThat(ServerMatrix.versionMatches("39", "39.0.1.Final")).isTrue();
        assertThat(ServerMatrix.versionMatches("", "8.0.0")).isTrue();
        assertThat(ServerMatrix.versionMatches("10", "101.0")).isFalse();
        assertThat(ServerMatrix.versionMatches("12.1", "12.0.16")).isFalse();
    }

    @Test
    void eachServerFamilysStartupLineIsRead() {
        assertThat(ServerMatrix.startupSeconds("tomcat",
                "org.apache.catalina.startup.Catalina.start Server startup in [1234] milliseconds\n"
                        + "Server startup in [2345] milliseconds")).isEqualTo(OptionalDouble.of(2.345));
        assertThat(ServerMatrix.startupSeconds("wildfly",
                "WFLYSRV0025: WildFly 39.0.1.Final (WildFly Core 31.0.1.Final) started in 8123ms - Started 300"))
                .isEqualTo(OptionalDouble.of(8.123));
        assertThat(ServerMatrix.startupSeconds("liberty",
                "CWWKF0011I: The defaultServer server is ready to run a smarter planet. The defaultServer server"
                        + " started in 6.215 seconds.")).isEqualTo(OptionalDouble.of(6.215));
        assertThat(ServerMatrix.startupSeconds("payara", "Payara Micro 6.2025.10 (build 42) ready in 13,943 (ms)"))
                .isEqualTo(OptionalDouble.of(13.943));
        assertThat(ServerMatrix.startupSeconds("jetty",
                "INFO:oejs.Server:main: Started oejs.Server@5a2e4553{STARTING}[12.1.12,sto=0] @2960ms"))
                .isEqualTo(OptionalDouble.of(2.96));
        assertThat(ServerMatrix.startupSeconds("glassfish",
                "Eclipse GlassFish 8.0.0 (commit: ca9f02f) startup time: Felix (1,234 ms), startup services"
                        + " (2,000 ms), total (3,234 ms)]]\n"
                        + "postcall-sample was successfully deployed in 1,766 milliseconds."))
                .isEqualTo(OptionalDouble.of(5.0));
        assertThat(ServerMatrix.startupSeconds("quarkus", "INFO  [io.quarkus] (main) postcall-sample-quarkus"
                + " 0.1.0-SNAPSHOT on JVM (powered by Quarkus 3.33.2) started in 1.419s. Listening on:"
                + " http://0.0.0.0:38371")).isEqualTo(OptionalDouble.of(1.419));
        assertThat(ServerMatrix.startupSeconds("tomcat", "nothing")).isEmpty();
    }

    @Test
    void theJdkVersionComesFromTheReleaseFile() throws IOException {
        Files.writeString(dir.resolve("release"), "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"25.0.1\"\n");

        assertThat(ServerMatrix.jdk(dir)).isEqualTo("25.0.1");
        assertThat(ServerMatrix.jdk(dir.resolve("missing"))).isEqualTo("?");
    }

    @Test
    void theMarkdownHasOneRowPerServerWithItsCountsAndResult() throws IOException {
        summary("tomcat", 12, 0, 0, 1);
        summary("jetty", 8, 1, 1, 0);
        String md = ServerMatrix.markdown(List.of(row("tomcat", "Tomcat", "10.1.59", false),
                row("jetty", "Jetty", "12.1.12", false), row("glassfish", "GlassFish", "8.0.0", true)),
                Instant.parse("2026-01-02T03:04:05.678Z"));

        assertThat(md).contains("2026-01-02T03:04:05Z")
                .contains("| Tomcat | 10.1.59 | 10 | ? | plain | env | 12 | 0 | 1 |  | pass |")
                .contains("| Jetty | 12.1.12 | 10 | ? | plain | env | 8 | 2 | 0 |  | **FAIL** |")
                .contains("| GlassFish | 8.0.0 | 10 | ? | plain | env |  |  |  |  | skipped (-Dpostcall.skip.glassfish) |");
    }

    @Test
    void aServerLineNeedsNineFields() {
        assertThat(ServerMatrix.servers("\n  a; B; 1; 10; /j; env; plain; /l; false\n\n")).singleElement()
                .satisfies(s -> assertThat(s.name()).isEqualTo("B"))
                .satisfies(s -> assertThat(s.reports()).isNull());
        assertThatThrownBy(() -> ServerMatrix.Server.parse("a; b")).hasMessageContaining("9 fields");
    }

    @Test
    void aRuntimeAnotherModuleTestsIsReadFromThatModulesReports() throws IOException {
        Path other = dir.resolve("samples-quarkus-reports");
        Files.createDirectories(other);
        summary("elsewhere", 8, 0, 0, 0);
        Files.move(dir.resolve("elsewhere/failsafe-summary.xml"), other.resolve("failsafe-summary.xml"));
        ServerMatrix.Server quarkus = ServerMatrix.Server.parse("quarkus; Quarkus; 3.33.2; none; /j; mp; jar; /l;"
                + " false; " + other);

        ServerMatrix.Row row = ServerMatrix.row(quarkus, dir);

        assertThat(quarkus.reports()).isEqualTo(other);
        assertThat(row.outcome()).isEqualTo(new ServerMatrix.Outcome.Ran(8, 0, 0, 0));
        assertThat(ServerMatrix.row(ServerMatrix.Server.parse("quarkus; Quarkus; 3.33.2; none; /j; mp; jar; /l;"
                + " false; " + dir.resolve("nothing-ran")), dir).outcome())
                .isInstanceOf(ServerMatrix.Outcome.NoReport.class);
    }

    @Test
    void aReadmeNamingQuarkusNeedsAPassingQuarkusRow() throws IOException {
        String readme = README.replace("| Tomcat 10.1 / 11, Jetty 12.1 | b | c |",
                "| Tomcat 10.1 / 11, Jetty 12.1 | b | c |\n| Quarkus 3.33 (JVM mode) | d | e |");
        List<ServerMatrix.Row> servers = passing("Tomcat 10.1.59", "Tomcat 11.0.24", "Open Liberty 26.0.0.3",
                "WildFly 39.0.1.Final", "Payara Micro 6.2025.10", "Payara Micro 7.2025.1", "Jetty 12.1.12");

        assertThat(ServerMatrix.checkReadme(readme, servers).problems()).singleElement().asString()
                .contains("names Quarkus 3.33").contains("the build runs no such server");
        List<ServerMatrix.Row> withQuarkus = new java.util.ArrayList<>(servers);
        withQuarkus.addAll(passing("Quarkus 3.33.2"));
        assertThat(ServerMatrix.checkReadme(readme, withQuarkus).problems()).isEmpty();
    }

    private List<ServerMatrix.Row> passing(String... servers) throws IOException {
        List<ServerMatrix.Row> rows = new java.util.ArrayList<>();
        for (String server : servers) {
            int space = server.lastIndexOf(' ');
            String id = "s" + rows.size();
            summary(id, 8, 0, 0, 0);
            rows.add(row(id, server.substring(0, space), server.substring(space + 1), false));
        }
        return rows;
    }

    private ServerMatrix.Row row(String id, String name, String version, boolean skipped) {
        ServerMatrix.Server server = new ServerMatrix.Server(id, name, version, "10", dir.resolve("no-jdk"), "env",
                "plain", dir.resolve("no.log"), skipped, null);
        return ServerMatrix.row(server, dir);
    }

    private void summary(String id, int completed, int failures, int errors, int skipped) throws IOException {
        Files.createDirectories(dir.resolve(id));
        Files.writeString(dir.resolve(id).resolve("failsafe-summary.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <failsafe-summary xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" result="%s" timeout="false">
                    <completed>%d</completed>
                    <errors>%d</errors>
                    <failures>%d</failures>
                    <skipped>%d</skipped>
                    <failureMessage xsi:nil="true" />
                </failsafe-summary>
                """.formatted(failures + errors > 0 ? "255" : "", completed, errors, failures, skipped));
    }
}
