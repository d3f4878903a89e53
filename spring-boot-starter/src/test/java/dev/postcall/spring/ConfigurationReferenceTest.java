package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;

import dev.postcall.jdbc.JdbcDeliveryStore;

/**
 * docs/configuration.md's Spring Boot table against the starter's configuration metadata (generated from
 * {@link PostCallProperties} and its additional metadata): the table names every {@code postcall.*} property and no
 * other, gives the environment variable Spring's relaxed binding reads for it, and states the metadata's default, or,
 * where the metadata has none because the starter leaves the value to the servlet, the store's default. The
 * init-param tables' "Spring Boot property" column names only properties the starter has.
 */
class ConfigurationReferenceTest {

    private static final Path PAGE = Path.of("..", "docs", "configuration.md");
    private static final Pattern LITERAL = Pattern.compile("`([^`]+)`");

    @Test
    void theSpringBootTableNamesEveryPropertyAndNoOther() throws Exception {
        assertThat(table("Spring Boot").keySet()).containsExactlyInAnyOrderElementsOf(properties().keySet());
    }

    @Test
    void eachPropertysEnvironmentVariableIsTheOneSpringBinds() throws Exception {
        for (Map.Entry<String, List<String>> row : table("Spring Boot").entrySet()) {
            String expected = row.getKey().toUpperCase(Locale.ROOT).replace("-", "").replace('.', '_');
            assertThat(row.getValue().get(0)).as("the environment variable of %s", row.getKey())
                    .isEqualTo("`" + expected + "`");
        }
    }

    @Test
    void eachStatedDefaultIsTheMetadatasOrTheStoresDefault() throws Exception {
        Map<String, JsonObject> properties = properties();
        JdbcDeliveryStore.Options store = JdbcDeliveryStore.options().build();
        // no metadata default: the starter passes nothing and the store's own default applies
        Map<String, Predicate<String>> storeDefaults = Map.of(
                "postcall.inbox.create-schema", v -> Boolean.parseBoolean(v) == store.createSchema()
                        && v.equals(String.valueOf(store.createSchema())),
                "postcall.inbox.table-prefix", v -> v.equals(store.tablePrefix()),
                "postcall.inbox.retention", v -> DurationStyle.detectAndParse(v).equals(store.retention()),
                "postcall.inbox.takeover-after", v -> DurationStyle.detectAndParse(v).equals(store.takeoverAfter()),
                "postcall.inbox.transactional-listeners", v -> v.equals("false"));
        Map<String, String> described = Map.of(
                "postcall.secret", "env `ELEVENLABS_WEBHOOK_SECRET`",
                "postcall.on-handler-failure", "`accept` with an inbox, else `reject`");

        for (Map.Entry<String, List<String>> row : table("Spring Boot").entrySet()) {
            String name = row.getKey();
            String stated = row.getValue().get(1);
            JsonObject property = properties.get(name);
            if (property.containsKey("defaultValue")) {
                assertThat(stated).as("the default of %s", name).isEqualTo("`" + metadataDefault(property) + "`");
            } else if (described.containsKey(name)) {
                assertThat(stated).as("the default of %s", name).isEqualTo(described.get(name));
            } else if (storeDefaults.containsKey(name)) {
                Matcher literal = LITERAL.matcher(stated);
                assertThat(literal.matches()).as("the default of %s is one value: %s", name, stated).isTrue();
                assertThat(storeDefaults.get(name).test(literal.group(1)))
                        .as("%s's stated default %s is the store's", name, stated).isTrue();
            } else {
                assertThat(stated).as("%s has no default in the metadata, so the page says none", name)
                        .startsWith("none");
            }
        }
    }

    @Test
    void theInitParamTablesNameOnlyPropertiesTheStarterHas() throws Exception {
        Map<String, JsonObject> properties = properties();
        for (String section : List.of("Filter", "Servlet", "Database inbox", "Backfill")) {
            for (Map.Entry<String, List<String>> row : table(section).entrySet()) {
                String cell = row.getValue().get(2);
                if (cell.equals("—")) {
                    continue;
                }
                Matcher property = Pattern.compile("^`([^`]+)`").matcher(cell);
                assertThat(property.find()).as("the Spring Boot property of %s: %s", row.getKey(), cell).isTrue();
                assertThat(properties).as("the Spring Boot property of init-param %s", row.getKey())
                        .containsKey(property.group(1));
            }
        }
    }

    /** Every {@code postcall.*} property of the metadata, by name (Actuator's settings of the endpoint left out). */
    private static Map<String, JsonObject> properties() throws Exception {
        Map<String, JsonObject> properties = new LinkedHashMap<>();
        for (JsonValue value : MetadataTest.metadata().getJsonArray("properties")) {
            String name = value.asJsonObject().getString("name");
            if (name.startsWith("postcall.")) {
                properties.put(name, value.asJsonObject());
            }
        }
        return properties;
    }

    private static String metadataDefault(JsonObject property) {
        JsonValue value = property.get("defaultValue");
        if (value instanceof JsonArray array) {
            assertThat(array).as("a list default of one value").hasSize(1);
            value = array.get(0);
        }
        return value instanceof JsonString string ? string.getString() : value.toString();
    }

    /** The rows of the first table under {@code ## section}: the first column's name to the other columns. */
    private static Map<String, List<String>> table(String section) throws IOException {
        List<String> lines = Files.readAllLines(PAGE);
        int at = lines.indexOf("## " + section);
        assertThat(at).as("a section '## %s' in %s", section, PAGE).isNotNegative();
        Map<String, List<String>> rows = new LinkedHashMap<>();
        boolean inTable = false;
        for (int i = at + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
            String line = lines.get(i);
            if (line.startsWith("|")) {
                inTable = true;
                List<String> cells = List.of(line.substring(1, line.length() - 1).split("\\|")).stream()
                        .map(String::strip).toList();
                Matcher name = LITERAL.matcher(cells.get(0));
                if (name.matches()) {
                    rows.put(name.group(1), cells.subList(1, cells.size()));
                }
            } else if (inTable) {
                break;
            }
        }
        assertThat(rows).as("the table under '## %s'", section).isNotEmpty();
        return rows;
    }
}
