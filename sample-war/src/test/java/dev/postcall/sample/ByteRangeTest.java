package dev.postcall.sample;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ByteRangeTest {

    private static final long SIZE = 9995;

    @Test
    void anOpenRangeRunsToTheEndOfTheFile() {
        ByteRange r = ByteRange.of("bytes=0-", SIZE).orElseThrow();

        assertThat(r).isEqualTo(new ByteRange(0, 9994));
        assertThat(r.length()).isEqualTo(SIZE);
        assertThat(r.contentRange(SIZE)).isEqualTo("bytes 0-9994/9995");
    }

    @Test
    void aClosedRangeIsCutAtTheEndOfTheFile() {
        assertThat(ByteRange.of("bytes=4000-5999", SIZE)).contains(new ByteRange(4000, 5999));
        assertThat(ByteRange.of("bytes=9000-20000", SIZE)).contains(new ByteRange(9000, 9994));
    }

    @Test
    void aSuffixRangeIsTheLastBytes() {
        assertThat(ByteRange.of("bytes=-500", SIZE)).contains(new ByteRange(9495, 9994));
        assertThat(ByteRange.of("bytes=-20000", SIZE)).contains(new ByteRange(0, 9994));
    }

    @Test
    void noHeaderSeveralRangesOrNonsenseMeanTheWholeFile() {
        assertThat(ByteRange.of(null, SIZE)).isEmpty();
        assertThat(ByteRange.of("bytes=0-1,5-6", SIZE)).isEmpty();
        assertThat(ByteRange.of("items=0-1", SIZE)).isEmpty();
        assertThat(ByteRange.of("bytes=abc-", SIZE)).isEmpty();
        assertThat(ByteRange.of("bytes=50-10", SIZE)).isEqualTo(Optional.empty());
    }

    @Test
    void aRangePastTheEndCannotBeSatisfied() {
        assertThatThrownBy(() -> ByteRange.of("bytes=9995-", SIZE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ByteRange.of("bytes=-0", SIZE)).isInstanceOf(IllegalArgumentException.class);
    }
}
