package dev.postcall.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md against the code that reads the init-params: its filter table names exactly the filter's
 * init-params, its servlet, database-inbox and backfill tables exactly the servlet's, and every default it states is
 * what the code does when the init-param is left out. A literal default ({@code `PT30M`}) is checked by parsing it:
 * the settings with it equal the settings without it, as the start-up line shows them. A default of "none" is checked
 * against what the start-up line shows for a setting left out.
 */
class ConfigurationReferenceTest {

    private static final Path PAGE = Path.of("..", "docs", "configuration.md");
    private static final Pattern LITERAL = Pattern.compile("`([^`]+)`");
    private static final ConfigSources NO_ENVIRONMENT = new ConfigSources() {
        @Override
        public String env(String name) {
            return null;
        }

        @Override
        public String sys(String name) {
            return null;
        }

        @Override
        public String jndi(String name) {
            return null;
        }

        @Override
        public String mp(String key) {
            return null;
        }
    };

    /** What the start-up line shows for a setting left out whose default the page gives as "none". */
    private static final Map<String, String> NONE_SHOWS_AS = Map.of(
            Settings.TRUSTED_PROXIES, "trusted-proxies=none",
            DeliverySettings.INBOX_DIR, "inbox-dir=none",
            DeliverySettings.INBOX, "inbox-dir=none",
            DeliverySettings.INBOX_NODE_ID, "inbox-node-id=none",
            "backfill-api-key", "backfill=off",
            "backfill-agents", "backfill-agents=all");

    @Test
    void theFilterTableNamesEveryInitParamOfTheFilterAndNoOther() throws IOException {
        assertThat(rows("Filter").keySet()).containsExactlyInAnyOrderElementsOf(Settings.NAMES);
    }

    @Test
    void theServletTablesNameEveryInitParamOfTheServletAndNoOther() throws IOException {
        List<String> names = new ArrayList<>();
        for (String section : List.of("Servlet", "Database inbox", "Backfill")) {
            names.addAll(rows(section).keySet());
        }
        assertThat(names).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(DeliverySettings.NAMES);
    }

    @Test
    void everyFilterDefaultIsWhatTheFilterDoesWithoutTheInitParam() throws IOException {
        Map<String, String> context = Map.of(Settings.SECRET, "wsec_reference");
        for (Map.Entry<String, String> row : rows("Filter").entrySet()) {
            String name = row.getKey();
            String stated = row.getValue();
            if (name.equals(Settings.SECRET)) {
                assertThat(stated).as("the default of secret").isEqualTo("env `" + Settings.SECRET_ENV + "`");
                continue;
            }
            assertDefault(name, stated, context, params -> Settings.parse(params, NO_ENVIRONMENT).toString());
        }
    }

    @Test
    void everyServletDefaultIsWhatTheServletDoesWithoutTheInitParam() throws IOException {
        Function<Map<String, String>, String> servlet = params -> DeliverySettings.parse(params, NO_ENVIRONMENT)
                .toString();
        for (Map.Entry<String, String> row : rows("Servlet").entrySet()) {
            String name = row.getKey();
            String stated = row.getValue();
            if (name.equals(DeliverySettings.ON_HANDLER_FAILURE)) {
                assertThat(stated).as("the default of on-handler-failure").isEqualTo("`accept` with an inbox, else `reject`");
                Map<String, String> inbox = Map.of(DeliverySettings.INBOX_DIR, "/var/lib/postcall-reference");
                assertThat(servlet.apply(inbox)).isEqualTo(servlet.apply(with(inbox, name, "accept")));
                assertThat(servlet.apply(Map.of())).isEqualTo(servlet.apply(Map.of(name, "reject")));
                continue;
            }
            assertDefault(name, stated, Map.of(), servlet);
        }
        for (Map.Entry<String, String> row : rows("Database inbox").entrySet()) {
            Map<String, String> context = row.getKey().equals(DeliverySettings.INBOX) ? Map.of()
                    : Map.of(DeliverySettings.INBOX, DeliverySettings.DATA_SOURCE_ATTRIBUTE_SOURCE);
            assertDefault(row.getKey(), row.getValue(), context, servlet);
        }
        for (Map.Entry<String, String> row : rows("Backfill").entrySet()) {
            Map<String, String> context = row.getKey().equals("backfill-api-key") ? Map.of()
                    : Map.of("backfill-api-key", "sk_reference");
            assertDefault(row.getKey(), row.getValue(), context, servlet);
        }
    }

    @Test
    void aDefaultThatDiffersFromTheCodesIsCaught() {
        Function<Map<String, String>, String> filter = params -> Settings.parse(params, NO_ENVIRONMENT).toString();
        Map<String, String> context = Map.of(Settings.SECRET, "wsec_reference");
        assertThat(filter.apply(with(context, Settings.TOLERANCE, "PT20M"))).isNotEqualTo(filter.apply(context));
        assertThat(filter.apply(with(context, Settings.MAX_BODY_SIZE, "256MB"))).isEqualTo(filter.apply(context));
    }

    /**
     * A literal default must parse to the settings of leaving the init-param out; "none…" must be what the start-up
     * line shows for it left out.
     */
    private static void assertDefault(String name, String stated, Map<String, String> context,
            Function<Map<String, String>, String> parse) {
        String without = parse.apply(context);
        if (stated.startsWith("none")) {
            assertThat(NONE_SHOWS_AS).as("a default of none for %s", name).containsKey(name);
            assertThat(without).as("the settings without %s", name).contains(NONE_SHOWS_AS.get(name));
            return;
        }
        Matcher literal = LITERAL.matcher(stated);
        assertThat(literal.matches()).as("the default of %s is one literal value or none…: %s", name, stated).isTrue();
        Map<String, String> params = with(context, name, literal.group(1));
        assertThatCode(() -> parse.apply(params)).as("the stated default of %s parses", name)
                .doesNotThrowAnyException();
        assertThat(parse.apply(params)).as("the settings with %s=%s against without it", name, literal.group(1))
                .isEqualTo(without);
    }

    private static Map<String, String> with(Map<String, String> context, String name, String value) {
        Map<String, String> params = new LinkedHashMap<>(context);
        params.put(name, value);
        return params;
    }

    /** The rows of the first table under {@code ## section}: the first column's name to the second column. */
    static Map<String, String> rows(String section) throws IOException {
        List<String> lines = Files.readAllLines(PAGE);
        int at = lines.indexOf("## " + section);
        assertThat(at).as("a section '## %s' in %s", section, PAGE).isNotNegative();
        Map<String, String> rows = new LinkedHashMap<>();
        boolean inTable = false;
        for (int i = at + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
            String line = lines.get(i);
            if (line.startsWith("|")) {
                inTable = true;
                String[] cells = line.substring(1, line.length() - 1).split("\\|");
                Matcher name = LITERAL.matcher(cells[0].strip());
                if (name.matches()) {
                    assertThat(rows.put(name.group(1), cells[1].strip())).as("%s listed twice", name.group(1))
                            .isNull();
                }
            } else if (inTable) {
                break;
            }
        }
        assertThat(rows).as("the table under '## %s'", section).isNotEmpty();
        return rows;
    }
}
