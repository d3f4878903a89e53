package dev.postcall.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every test a page names as the proof of a promise exists: for each {@code `SomeTest.someMethod`} in README.md,
 * SECURITY.md, ARCHITECTURE.md and docs/*.md (and each bare {@code `otherMethod`} listed right after it, comma
 * separated, which the pages' voice attributes to the same class) there is a {@code SomeTest.java} in the repository
 * that declares {@code void someMethod(}; each {@code `SomeTest`} named alone is a class of the repository. A test
 * renamed or removed fails this one until the page names it again. Names in fenced code blocks are code, not
 * citations.
 */
class DocsTestNamesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** {@code `ClassTest.method`} and the bare {@code , `method`} that follow it. */
    private static final Pattern CITED = Pattern.compile(
            "`([A-Z][a-z]\\w*(?:Test|IT|Contract))\\.([a-z]\\w*)`((?:,\\s*`[a-z]\\w*`)*)");
    private static final Pattern BARE = Pattern.compile("`([a-z]\\w*)`");
    private static final Pattern CLASS_ALONE = Pattern.compile("`([A-Z][a-z]\\w*(?:Test|IT))`");

    @Test
    void everyTestAPageNamesExists() throws IOException {
        Map<String, List<String>> sources = javaSources();
        List<String> missing = new ArrayList<>();
        int methods = 0;
        for (Path page : pages()) {
            String text = withoutFencedBlocks(Files.readString(page));
            String where = ROOT.relativize(page).toString();
            Matcher cited = CITED.matcher(text);
            while (cited.find()) {
                String type = cited.group(1);
                List<String> names = new ArrayList<>(List.of(cited.group(2)));
                Matcher bare = BARE.matcher(cited.group(3));
                while (bare.find()) {
                    names.add(bare.group(1));
                }
                for (String method : names) {
                    methods++;
                    List<String> files = sources.get(type);
                    if (files == null) {
                        missing.add(where + ": " + type + "." + method + ": no class " + type);
                    } else if (files.stream().noneMatch(src -> declares(src, method))) {
                        missing.add(where + ": " + type + "." + method + ": " + type + " has no such method");
                    }
                }
            }
            Matcher alone = CLASS_ALONE.matcher(text);
            while (alone.find()) {
                if (!sources.containsKey(alone.group(1))) {
                    missing.add(where + ": " + alone.group(1) + ": no such class");
                }
            }
        }
        assertThat(methods).as("test methods the pages name").isGreaterThan(150);
        assertThat(missing).as("tests the pages name that do not exist").isEmpty();
    }

    @Test
    void aCitationAndTheBareMethodsAfterItAreReadAsOneClasssMethods() {
        Matcher cited = CITED.matcher("(`RejectionTest.rejectsPutWith405`,\n  `rejectsGetWith405`, `other`; `nextOne`)");
        assertThat(cited.find()).isTrue();
        assertThat(cited.group(1)).isEqualTo("RejectionTest");
        assertThat(cited.group(2)).isEqualTo("rejectsPutWith405");
        assertThat(BARE.matcher(cited.group(3)).results().map(r -> r.group(1)))
                .containsExactly("rejectsGetWith405", "other");
        assertThat(declares("@Test\n    void rejectsPutWith405() {", "rejectsPutWith405")).isTrue();
        assertThat(declares("void rejectsPutWith405AndMore() {", "rejectsPutWith405")).isFalse();
    }

    private static boolean declares(String source, String method) {
        return Pattern.compile("\\bvoid\\s+" + Pattern.quote(method) + "\\s*\\(").matcher(source).find();
    }

    private static String withoutFencedBlocks(String text) {
        StringBuilder kept = new StringBuilder();
        boolean fenced = false;
        for (String line : text.split("\n", -1)) {
            if (line.strip().startsWith("```")) {
                fenced = !fenced;
                kept.append('\n');
                continue;
            }
            kept.append(fenced ? "" : line).append('\n');
        }
        return kept.toString();
    }

    /** README.md, SECURITY.md, ARCHITECTURE.md and every page of docs/. */
    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("SECURITY.md"),
                ROOT.resolve("ARCHITECTURE.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** The text of every .java file of the repository outside build output, by simple class name. */
    private static Map<String, List<String>> javaSources() throws IOException {
        Map<String, List<String>> sources = new HashMap<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> ROOT.relativize(p).toString().replace('\\', '/').matches("(?!.*(^|/)(target|\\.[^/]+)/).*"))
                    .forEach(p -> {
                        String name = p.getFileName().toString();
                        try {
                            sources.computeIfAbsent(name.substring(0, name.length() - 5), k -> new ArrayList<>())
                                    .add(Files.readString(p));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        }
        assertThat(sources).as("the repository's Java sources").containsKeys("RejectionTest", "DeliveryStoreContract");
        return sources;
    }
}
