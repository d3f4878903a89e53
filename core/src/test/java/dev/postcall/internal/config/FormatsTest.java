package dev.postcall.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FormatsTest {

    @Test
    void splitsAListAtEveryCommaKeepingEmptyEntries() {
        assertThat(Formats.entries("a")).containsExactly("a");
        assertThat(Formats.entries(" a , b,,c ")).containsExactly("a", "b", "", "c");
        assertThat(Formats.entries(",")).containsExactly("", "");
        assertThat(Formats.entries("")).containsExactly("");
    }

    @ParameterizedTest
    @CsvSource({
            "1048576, 1048576", "0, 0", "512b, 512", "512k, 524288", "512KB, 524288", "512KiB, 524288",
            "1m, 1048576", "256MB, 268435456", "256MiB, 268435456", "256 MB, 268435456", "1g, 1073741824",
            "2GiB, 2147483648",
    })
    void readsSizesInHumanForms(String text, long bytes) {
        assertThat(Formats.size("max-body-size", text, -1, new ArrayList<>())).isEqualTo(bytes);
    }

    @ParameterizedTest
    @CsvSource({
            "PT30M, 1800000", "pt1h, 3600000", "30m, 1800000", "90s, 90000", "1h, 3600000", "500ms, 500",
            "2d, 172800000", "0s, 0", "10 min, 600000",
    })
    void readsDurationsInIsoAndShortForms(String text, long millis) {
        assertThat(Formats.duration("tolerance", text, null, new ArrayList<>()).toMillis()).isEqualTo(millis);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "MB", "10 TB", "-1", "1.5m", "ten", "99999999999999999999", "9000000000000g"})
    void rejectsBadSizes(String text) {
        List<String> problems = new ArrayList<>();
        Formats.size("max-body-size", text, 7, problems);
        assertThat(problems).singleElement().asString().startsWith("max-body-size: '" + text.strip() + "'")
                .contains("256MiB");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "30", "30x", "-PT1M", "PT", "m", "1.5h", "P1Y"})
    void rejectsBadDurations(String text) {
        List<String> problems = new ArrayList<>();
        Formats.duration("tolerance", text, Duration.ZERO, problems);
        assertThat(problems).singleElement().asString().startsWith("tolerance: '" + text.strip() + "'")
                .contains("PT30M");
    }

}
