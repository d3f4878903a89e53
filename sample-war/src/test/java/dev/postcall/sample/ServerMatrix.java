package dev.postcall.sample;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The record of what the build ran the sample on: one row per server, read from that server's failsafe report
 * (tests, failures), its JDK's {@code release} file and its log (the start-up time it reports), written as
 * {@code sample-war/target/server-matrix.md}; and the README's server claims checked against the rows, so the
 * README calls supported only what passed here.
 */
final class ServerMatrix {

    /** The servers a README may name, by the family a row belongs to; the last ones the build never runs. */
    private static final Pattern MENTION = Pattern.compile(
            "\\b(Apache Tomcat|Tomcat|WildFly|Open Liberty|WebSphere Liberty|Liberty|Payara(?: Micro| Server)?"
                    + "|GlassFish|Jetty|Quarkus|TomEE|JBoss(?: EAP)?|WebLogic|WebSphere|Undertow|Resin)\\b"
                    + "((?:\\s*/\\s*|\\s+)\\d+(?:\\.\\d+)*(?:(?:\\s*/\\s*|\\s+and\\s+)\\d+(?:\\.\\d+)*)*)?");
    private static final Pattern VERSION = Pattern.compile("\\d+(?:\\.\\d+)*");
    private static final Pattern SENTENCE_END = Pattern.compile("[.;](?=\\s|$)");
    private static final String TABLE_SECTION = "## Install in your application";
    private static final String DEPLOYS_SENTENCE = "`mvn verify` deploys";

    private ServerMatrix() {
    }

    /**
     * One server as sample-war/pom.xml lists it for the matrix. A runtime whose ITs another module runs (Quarkus:
     * samples/quarkus) names that module's failsafe reports folder in a tenth field.
     *
     * @param id         the failsafe execution's name, also its report folder
     * @param name       the product, e.g. {@code Payara Micro}
     * @param version    the exact version the build ran
     * @param jakartaEe  the Jakarta EE level it runs the sample with
     * @param jdkHome    the JDK it ran on
     * @param secretFrom where its filter's secret came from ({@code env}, {@code jndi …}, {@code mp …})
     * @param war        the WAR flavour
     * @param log        its log, where it reports its start-up time
     * @param skipped    switched off for this build ({@code -Dpostcall.skip.<id>=true})
     * @param reports    the folder of its {@code failsafe-summary.xml} when another module runs its ITs, else
     *                   {@code null}: the folder {@code <id>} of this module's reports
     */
    record Server(String id, String name, String version, String jakartaEe, Path jdkHome, String secretFrom,
                  String war, Path log, boolean skipped, Path reports) {

        /**
         * The pom's line {@code id; name; version; Jakarta EE; JDK home; secret from; WAR; log; skipped}, and for a
         * runtime another module tests {@code ; reports folder}.
         */
        static Server parse(String line) {
            String[] f = line.split(";", -1);
            if (f.length != 9 && f.length != 10) {
                throw new IllegalArgumentException("a server line has 9 fields separated by ';' (10 with another"
                        + " module's reports folder), not " + f.length + ": " + line.strip());
            }
            for (int i = 0; i < f.length; i++) {
                f[i] = f[i].strip();
            }
            return new Server(f[0], f[1], f[2], f[3], Path.of(f[4]), f[5], f[6], Path.of(f[7]),
                    Boolean.parseBoolean(f[8]), f.length == 10 ? Path.of(f[9]) : null);
        }

        /** The product family the README names it by: {@code tomcat}, {@code payara}, {@code liberty}, … */
        String family() {
            return ServerMatrix.family(name);
        }
    }

    /** How a server's ITs ended. */
    sealed interface Outcome permits Outcome.Ran, Outcome.Skipped, Outcome.NoReport {

        /** They ran: counts from the failsafe summary. */
        record Ran(int tests, int failures, int errors, int skipped) implements Outcome {
        }

        /** The server was switched off for this build. */
        record Skipped() implements Outcome {
        }

        /** It should have run but left no failsafe summary. */
        record NoReport() implements Outcome {
        }
    }

    /**
     * One line of the matrix.
     *
     * @param server         the server
     * @param jdk            the JDK version it ran on, from the JDK's {@code release} file
     * @param outcome        its ITs' outcome
     * @param startupSeconds the start-up time its log reports, if it does
     */
    record Row(Server server, String jdk, Outcome outcome, OptionalDouble startupSeconds) {

        /** Ran at least one test, none failed or erred. */
        boolean green() {
            return outcome instanceof Outcome.Ran ran && ran.tests() > 0 && ran.failures() == 0 && ran.errors() == 0;
        }
    }

    /** The pom's server list, one server per non-blank line. */
    static List<Server> servers(String lines) {
        List<Server> servers = new ArrayList<>();
        for (String line : lines.split("\\R")) {
            if (!line.isBlank()) {
                servers.add(Server.parse(line));
            }
        }
        return servers;
    }

    /**
     * The row for one server, from {@code reports/<id>/failsafe-summary.xml} (or the summary in the server's own
     * reports folder), its JDK and its log.
     */
    static Row row(Server server, Path reports) {
        Outcome outcome;
        if (server.skipped()) {
            outcome = new Outcome.Skipped();
        } else {
            Path folder = server.reports() != null ? server.reports() : reports.resolve(server.id());
            Path summary = folder.resolve("failsafe-summary.xml");
            outcome = Files.isRegularFile(summary) ? summary(summary) : new Outcome.NoReport();
        }
        OptionalDouble startup = OptionalDouble.empty();
        if (!server.skipped() && Files.isRegularFile(server.log())) {
            startup = startupSeconds(server.family(), read(server.log()));
        }
        return new Row(server, jdk(server.jdkHome()), outcome, startup);
    }

    /** Counts from a failsafe summary: {@code completed}, {@code failures}, {@code errors}, {@code skipped}. */
    static Outcome.Ran summary(Path file) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = factory.newDocumentBuilder().parse(file.toFile());
            Element root = doc.getDocumentElement();
            return new Outcome.Ran(count(root, "completed"), count(root, "failures"), count(root, "errors"),
                    count(root, "skipped"));
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("cannot read the failsafe summary " + file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int count(Element root, String name) {
        var nodes = root.getElementsByTagName(name);
        if (nodes.getLength() == 0 || nodes.item(0).getTextContent().isBlank()) {
            return 0;
        }
        return Integer.parseInt(nodes.item(0).getTextContent().strip());
    }

    /** {@code JAVA_VERSION} from a JDK's {@code release} file, or {@code ?} when there is none. */
    static String jdk(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return "?";
        }
        Matcher m = Pattern.compile("(?m)^JAVA_VERSION=\"?([^\"\\s]+)\"?").matcher(read(release));
        return m.find() ? m.group(1) : "?";
    }

    /**
     * The start-up time a server's log reports, the last one if it started more than once. Each family words it
     * its own way; GlassFish deploys the sample after it started, so its deployment time is added.
     */
    static OptionalDouble startupSeconds(String family, String log) {
        return switch (family) {
            case "tomcat" -> lastMillis(log, "Server startup in \\[?([\\d,.]+)\\]? ?(?:ms|milliseconds)");
            case "wildfly" -> lastMillis(log, "WFLYSRV0025: .*? started in (\\d+)ms");
            case "liberty" -> last(log, "server started in ([\\d.]+) seconds").stream()
                    .mapToDouble(Double::parseDouble).findFirst();
            case "payara" -> lastMillis(log, "ready in ([\\d,.]+) \\(ms\\)");
            case "jetty" -> lastMillis(log, "Started oejs\\.Server@\\S+.*? @(\\d+)ms");
            case "quarkus" -> last(log, "\\(powered by Quarkus [^)]*\\) started in ([\\d.]+)s").stream()
                    .mapToDouble(Double::parseDouble).findFirst();
            case "glassfish" -> {
                OptionalDouble started = lastMillis(log, "startup time ?: .*?total ?\\(([\\d,.]+) ?ms\\)");
                OptionalDouble deployed = lastMillis(log, "was successfully deployed in ([\\d,.]+) milliseconds");
                yield started.isPresent() && deployed.isPresent()
                        ? OptionalDouble.of(started.getAsDouble() + deployed.getAsDouble()) : started;
            }
            default -> OptionalDouble.empty();
        };
    }

    private static OptionalDouble lastMillis(String log, String regex) {
        // grouping separators differ by locale (13,943 or 13.943): the figure is whole milliseconds either way
        return last(log, regex).stream().mapToDouble(ms -> Long.parseLong(ms.replaceAll("[^0-9]", "")) / 1000.0)
                .findFirst();
    }

    private static Optional<String> last(String log, String regex) {
        Matcher m = Pattern.compile(regex).matcher(log);
        String found = null;
        while (m.find()) {
            found = m.group(1);
        }
        return Optional.ofNullable(found);
    }

    /** The matrix as Markdown: a short header, then one table row per server. */
    static String markdown(List<Row> rows, Instant at) {
        StringBuilder md = new StringBuilder();
        md.append("# Servers the sample ran on\n\n")
                .append("Written by `mvn verify` (sample-war, `ServerMatrixCheck`) from this build's failsafe reports, ")
                .append(at.truncatedTo(ChronoUnit.SECONDS)).append(". A server passes when it ran its ITs")
                .append(" (`WebhookDeliveryIT`; `PageBrowserIT` on Tomcat 10.1; `SecretSourceIT` where the secret")
                .append(" comes from JNDI or MicroProfile Config; `ReadinessIT`, the MicroProfile Health check, on")
                .append(" Open Liberty; on Quarkus, samples/quarkus's `WebhookIT` and `ReadinessIT` against the packaged")
                .append(" application) without a failure or error. The README calls")
                .append(" supported only servers that pass here.\n\n")
                .append("| server | version | Jakarta EE | JDK | WAR | secret from | tests | failed | skipped")
                .append(" | start-up s | result |\n")
                .append("| --- | --- | --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- |\n");
        for (Row row : rows) {
            Server s = row.server();
            String tests;
            String failed;
            String skipped;
            String result;
            if (row.outcome() instanceof Outcome.Ran ran) {
                tests = Integer.toString(ran.tests());
                failed = Integer.toString(ran.failures() + ran.errors());
                skipped = Integer.toString(ran.skipped());
                result = row.green() ? "pass" : "**FAIL**";
            } else if (row.outcome() instanceof Outcome.Skipped) {
                tests = failed = skipped = "";
                result = "skipped (-Dpostcall.skip." + s.id() + ")";
            } else {
                tests = failed = skipped = "";
                result = "**FAIL** (no report)";
            }
            String startup = row.startupSeconds().isPresent()
                    ? String.format(Locale.ROOT, "%.1f", row.startupSeconds().getAsDouble()) : "";
            md.append("| ").append(String.join(" | ", s.name(), s.version(), s.jakartaEe(), row.jdk(), s.war(),
                    s.secretFrom(), tests, failed, skipped, startup, result)).append(" |\n");
        }
        md.append("\nstart-up s: the server's own report of its start, the sample deployed (Tomcat, WildFly, Jetty,")
                .append(" Payara Micro: JVM start to ready; GlassFish: domain start plus the sample's deployment;")
                .append(" Open Liberty: the server's start, the sample may finish starting just after; Quarkus: its own")
                .append(" \"started in\", the webhook started).\n");
        return md.toString();
    }

    /**
     * What a README check found.
     *
     * @param problems  what the README names that no passing row backs: each fails the build
     * @param unchecked what it names whose only rows were skipped in this build, so nothing could back it
     */
    record ReadmeCheck(List<String> problems, List<String> unchecked) {
    }

    /**
     * Checks the README against the rows: every server it names in the first column of the table under "Install in
     * your application" and in the sentence on what {@code mvn verify} deploys to needs a passing row of that family
     * (and version, when it gives one: {@code Tomcat 10.1} is backed by 10.1.59). A server whose rows were all
     * skipped ({@code -Dpostcall.skip.<id>=true}) is unchecked rather than a problem.
     */
    static ReadmeCheck checkReadme(String readme, List<Row> rows) {
        List<String> problems = new ArrayList<>();
        List<String> unchecked = new ArrayList<>();
        List<Place> places = new ArrayList<>();
        List<String> cells = tableFirstColumn(readme);
        if (cells.isEmpty()) {
            problems.add("the README has no server table under '" + TABLE_SECTION + "' to check");
        }
        for (String cell : cells) {
            places.add(new Place("the server table's row \"" + cell + "\"", cell));
        }
        int at = readme.indexOf(DEPLOYS_SENTENCE);
        if (at < 0) {
            problems.add("the README has no sentence with " + DEPLOYS_SENTENCE + " to check");
        } else {
            Matcher end = SENTENCE_END.matcher(readme);
            String sentence = (end.find(at) ? readme.substring(at, end.start()) : readme.substring(at))
                    .replaceAll("\\s+", " ");
            places.add(new Place("the sentence on what `mvn verify` deploys to", sentence));
        }
        for (Place place : places) {
            Matcher m = MENTION.matcher(place.text());
            while (m.find()) {
                String family = family(m.group(1));
                List<String> versions = new ArrayList<>();
                if (m.group(2) != null) {
                    Matcher v = VERSION.matcher(m.group(2));
                    while (v.find()) {
                        versions.add(v.group());
                    }
                }
                if (versions.isEmpty()) {
                    versions.add("");
                }
                for (String version : versions) {
                    List<Row> matching = rows.stream().filter(r -> r.server().family().equals(family)
                            && versionMatches(version, r.server().version())).toList();
                    if (matching.stream().anyMatch(Row::green)) {
                        continue;
                    }
                    String named = (m.group(1) + " " + version).strip();
                    if (!matching.isEmpty() && matching.stream().allMatch(r -> r.outcome() instanceof Outcome.Skipped)) {
                        unchecked.add(place.where() + " names " + named + ", skipped in this build");
                    } else {
                        problems.add(place.where() + " names " + named + ", but no " + named
                                + " row of server-matrix.md passes" + rowsOf(family, rows));
                    }
                }
            }
        }
        return new ReadmeCheck(problems, unchecked);
    }

    /** Where the README names servers, and the text there. */
    private record Place(String where, String text) {
    }

    private static String rowsOf(String family, List<Row> rows) {
        List<String> of = rows.stream().filter(r -> r.server().family().equals(family))
                .map(r -> r.server().name() + " " + r.server().version() + ": " + state(r)).toList();
        return of.isEmpty() ? " (the build runs no such server)" : " (" + String.join("; ", of) + ")";
    }

    private static String state(Row row) {
        if (row.green()) {
            return "pass";
        }
        if (row.outcome() instanceof Outcome.Ran ran) {
            return (ran.failures() + ran.errors()) + " of " + ran.tests() + " tests failed";
        }
        return row.outcome() instanceof Outcome.Skipped ? "skipped" : "no report";
    }

    /** {@code 10.1} is backed by {@code 10.1.59}, {@code 12} by {@code 12.1.12}; an empty claim by any version. */
    static boolean versionMatches(String claimed, String actual) {
        if (claimed.isEmpty()) {
            return true;
        }
        List<String> want = Arrays.asList(claimed.split("\\."));
        List<String> have = Arrays.asList(actual.split("[.-]"));
        return have.size() >= want.size() && have.subList(0, want.size()).equals(want);
    }

    private static List<String> tableFirstColumn(String readme) {
        List<String> cells = new ArrayList<>();
        int section = readme.indexOf("\n" + TABLE_SECTION + "\n");
        if (section < 0) {
            return cells;
        }
        String[] lines = readme.substring(section + 1).split("\\R");
        int i = 1;
        while (i < lines.length && !lines[i].startsWith("|") && !lines[i].startsWith("## ")) {
            i++;
        }
        // the header line, then the separator line, then the rows
        for (int row = 0; i < lines.length && lines[i].startsWith("|"); i++, row++) {
            if (row >= 2) {
                String[] parts = lines[i].split("\\|", -1);
                if (parts.length > 1) {
                    cells.add(parts[1].strip());
                }
            }
        }
        return cells;
    }

    private static String family(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.contains("websphere")) {
            return "websphere";
        }
        if (n.contains("liberty")) {
            return "liberty";
        }
        if (n.contains("tomcat")) {
            return "tomcat";
        }
        if (n.startsWith("payara")) {
            return "payara";
        }
        if (n.startsWith("jboss")) {
            return "jboss";
        }
        return n;
    }

    private static String read(Path file) {
        try {
            // a server log may hold bytes that are not UTF-8: they do not matter here
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
