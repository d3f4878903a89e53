package dev.postcall.sample.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The README's Quarkus section shows the sample's configuration as it is, the configuration the ITs ran. */
class ReadmeTest {

    @Test
    void theReadmeShowsTheSamplesPropertiesAndWebXmlAsTheyAre() throws IOException {
        String readme = Files.readString(Path.of("..", "..", "README.md"));
        int start = readme.indexOf("\n## Quarkus\n");
        assertThat(start).as("a Quarkus section in README.md").isPositive();
        String section = readme.substring(start, readme.indexOf("\n## ", start + 1));

        assertThat(section).contains("```properties\n"
                + Files.readString(Path.of("src/main/resources/application.properties")) + "```\n");
        assertThat(section).contains("```xml\n"
                + Files.readString(Path.of("src/main/resources/META-INF/web.xml")) + "```\n");
    }
}
