package dev.postcall.internal.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What the tracers remember of failed attempts, for the next attempt of the same event to link to. */
class EarlierAttemptsTest {

    @Test
    void aFailedAttemptIsRememberedByTypeAndConversationUntilOneSucceeds() {
        EarlierAttempts<String> earlier = new EarlierAttempts<>(8);

        earlier.ended("post_call_transcription", "conv_1", true, "first");
        assertThat(earlier.before("post_call_transcription", "conv_1")).isEqualTo("first");
        assertThat(earlier.before("post_call_audio", "conv_1")).as("another type").isNull();

        earlier.ended("post_call_transcription", "conv_1", true, "second");
        assertThat(earlier.before("post_call_transcription", "conv_1")).as("the latest attempt").isEqualTo("second");

        earlier.ended("post_call_transcription", "conv_1", false, "third");
        assertThat(earlier.before("post_call_transcription", "conv_1")).isNull();
        assertThat(earlier.size()).isZero();
    }

    @Test
    void itKeepsAtMostItsCapacityForgettingTheLeastRecentlyUsed() {
        EarlierAttempts<Integer> earlier = new EarlierAttempts<>(3);
        for (int i = 0; i < 3; i++) {
            earlier.ended("t", "conv_" + i, true, i);
        }
        assertThat(earlier.before("t", "conv_0")).isZero(); // used: conv_1 is now the least recently used

        earlier.ended("t", "conv_3", true, 3);

        assertThat(earlier.size()).isEqualTo(3);
        assertThat(earlier.before("t", "conv_1")).isNull();
        assertThat(earlier.before("t", "conv_0")).isZero();
        assertThat(earlier.before("t", "conv_3")).isEqualTo(3);
    }

    @Test
    void anEventWithoutTypeOrConversationIsNeverRemembered() {
        EarlierAttempts<String> earlier = new EarlierAttempts<>(8);
        earlier.ended(null, "conv_1", true, "x");
        earlier.ended("t", null, true, "x");

        assertThat(earlier.size()).isZero();
        assertThat(earlier.before(null, null)).isNull();
        assertThatThrownBy(() -> new EarlierAttempts<String>(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
