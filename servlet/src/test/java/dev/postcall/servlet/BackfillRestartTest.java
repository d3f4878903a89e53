package dev.postcall.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postcall.testsupport.ElevenLabsApiStandIn;
import dev.postcall.testsupport.ElevenLabsApiStandIn.Endpoint;

/**
 * A server killed (SIGKILL) in the middle of a scheduled backfill run and started again on the same {@code inbox-dir}:
 * what it handled before the kill is known after it (nothing fetched or handled again), what it was handling is kept
 * as failed and replayed once, still backfilled, and the run goes on with what it had not reached.
 */
class BackfillRestartTest {

    private final ElevenLabsApiStandIn api = ElevenLabsApiStandIn.start(BackfillEndToEndTest.KEY);
    private final List<DeliveryGuaranteesTest.Forked> forks = new ArrayList<>();

    @TempDir
    Path inbox;

    @AfterEach
    void stop() throws Exception {
        for (DeliveryGuaranteesTest.Forked f : forks) {
            f.process.destroyForcibly();
            f.process.waitFor(30, TimeUnit.SECONDS);
        }
        api.close();
    }

    private DeliveryGuaranteesTest.Forked fork(String hangAt) throws IOException {
        DeliveryGuaranteesTest.Forked forked = DeliveryGuaranteesTest.Forked.start(
                ProcessBuilder.Redirect.INHERIT, ForkedBackfillServer.class, inbox.toString(),
                api.baseUrl().toString(), BackfillEndToEndTest.KEY, hangAt);
        forks.add(forked);
        return forked;
    }

    /** The lines starting with {@code HANDLED } up to the one that starts with {@code until}, which is returned last. */
    private static List<String> linesUntil(DeliveryGuaranteesTest.Forked forked, String until) throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = forked.nextLine()) != null) {
            if (line.startsWith("HANDLED ") || line.startsWith(until)) {
                lines.add(line);
            }
            if (line.startsWith(until)) {
                return lines;
            }
        }
        throw new IOException("the forked server ended before it printed " + until);
    }

    @Test
    void aKillInTheMiddleOfABackfillLosesNothingAndRepeatsNothing() throws Exception {
        long now = Instant.now().getEpochSecond();
        for (int i = 1; i <= 5; i++) {
            api.conversation("conv_" + i, "agent_1", now - 5000 + i * 100L, 30);
        }

        DeliveryGuaranteesTest.Forked first = fork("conv_3");
        List<String> beforeTheKill = linesUntil(first, "DISPATCHING conv_3");
        first.process.destroyForcibly(); // SIGKILL while a handler runs on conv_3
        first.process.waitFor(30, TimeUnit.SECONDS);
        List<String> fetchedBefore = paths(api.requests(Endpoint.CONVERSATION));

        DeliveryGuaranteesTest.Forked second = fork("none");
        List<String> afterTheRestart = linesUntil(second, "RUN ");
        PrintWriter stdin = new PrintWriter(second.process.getOutputStream(), true, StandardCharsets.UTF_8);
        stdin.println("REPLAY");
        List<String> replayed = linesUntil(second, "REPLAYED ");

        assertThat(beforeTheKill).containsExactly("HANDLED conv_1 true", "HANDLED conv_2 true", "DISPATCHING conv_3");
        assertThat(afterTheRestart).containsExactly("HANDLED conv_4 true", "HANDLED conv_5 true",
                afterTheRestart.get(2));
        assertThat(afterTheRestart.get(2)).contains("found 5, dispatched 2, already received 3");
        assertThat(replayed).containsExactly("HANDLED conv_3 true", "REPLAYED 1");
        assertThat(fetchedBefore).containsExactly("/v1/convai/conversations/conv_1",
                "/v1/convai/conversations/conv_2", "/v1/convai/conversations/conv_3");
        assertThat(paths(api.requests(Endpoint.CONVERSATION))).as("each conversation fetched once")
                .containsExactly("/v1/convai/conversations/conv_1", "/v1/convai/conversations/conv_2",
                        "/v1/convai/conversations/conv_3", "/v1/convai/conversations/conv_4",
                        "/v1/convai/conversations/conv_5");
    }

    private static List<String> paths(List<ElevenLabsApiStandIn.Recorded> requests) {
        return requests.stream().map(ElevenLabsApiStandIn.Recorded::path).toList();
    }
}
