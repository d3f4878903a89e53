package dev.postcall.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** A misconfigured filter keeps the web application from starting, with the one combined message. */
class StartupFailureTest {

    static String messages(Throwable t) {
        List<String> all = new ArrayList<>();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.add(String.valueOf(c.getMessage()));
            for (Throwable s : c.getSuppressed()) {
                all.add(messages(s));
            }
        }
        return String.join("\n", all);
    }

    @Test
    void jettyFailsToStartTheContextWithEveryProblemListed() {
        Throwable failure = catchThrowable(() -> TestServer.builder()
                .param("secret", "${env:POSTCALL_TEST_SURELY_UNSET_VARIABLE}")
                .param("ip-allowlist", "10.0.0.0/33")
                .param("max-body-size", "huge")
                .param("on-handler-failure", "retry")
                .start().close());
        assertThat(failure).isNotNull();
        assertThat(messages(failure))
                .contains("filter 'postcall': PostCallWebhookFilter is not configured correctly (4 problems):")
                .contains("secret: ${env:POSTCALL_TEST_SURELY_UNSET_VARIABLE} is not set")
                .contains("ip-allowlist: '10.0.0.0/33'")
                .contains("max-body-size: 'huge' is not a size")
                .contains("unknown init-param 'on-handler-failure'");
    }

    @Test
    void jettyFailsToStartWithASingleBadSetting() {
        Throwable failure = catchThrowable(() -> TestServer.builder().param("tolerance", "soon").start().close());
        assertThat(messages(failure)).contains("(1 problem):\n - tolerance: 'soon' is not a duration");
    }
}
