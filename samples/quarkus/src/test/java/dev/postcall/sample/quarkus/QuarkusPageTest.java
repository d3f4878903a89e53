package dev.postcall.sample.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The Quarkus page (docs/quarkus.md) shows the sample's configuration as it is, the configuration the ITs ran. */
class QuarkusPageTest {

    @Test
    void theQuarkusPageShowsTheSamplesPropertiesAndWebXmlAsTheyAre() throws IOException {
        String section = Files.readString(Path.of("..", "..", "docs", "quarkus.md"));

        assertThat(section).contains("```properties\n"
                + Files.readString(Path.of("src/main/resources/application.properties")) + "```\n");
        assertThat(section).contains("```xml\n"
                + Files.readString(Path.of("src/main/resources/META-INF/web.xml")) + "```\n");
    }
}
