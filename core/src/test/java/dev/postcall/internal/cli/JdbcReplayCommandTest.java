package dev.postcall.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postcall.jdbc.ReceivingNode;
import dev.postcall.jdbc.ReceivingNode.Engine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code replay --jdbc-url} against a real receiving node over HTTP ({@link ReceivingNode}: the servlet's request path
 * over the database store), on a real PostgreSQL and on H2 (which checks the password): a row with a key is only read
 * and POSTed, and the receiver's admit claims that very row and records what became of it; a row without one is
 * claimed by the CLI first and finished by the answer. Each test checks the rows' end states and that each delivery
 * was handled exactly once.
 */
class JdbcReplayCommandTest {

    private static final String SECRET = "wsec_jdbcreplay0123456789abcdef0123456789abcdef0123456789abcdef012";
    private static final String PAYLOAD_TEXT = "my card number is 4111";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<ReceivingNode> nodes = new ArrayList<>();

    private ReceivingNode node(Engine engine, boolean acceptFailures) throws Exception {
        ReceivingNode node = ReceivingNode.start(engine, SECRET, acceptFailures);
        nodes.add(node);
        return node;
    }

    @AfterEach
    void stopNodes() throws Exception {
        for (ReceivingNode node : nodes) {
            node.close();
        }
    }

    private static Map<String, String> credentials(ReceivingNode node) {
        Map<String, String> env = new HashMap<>();
        env.put(DatabaseReplay.USER_ENV, node.user());
        if (node.password() != null) {
            env.put(DatabaseReplay.PASSWORD_ENV, node.password());
        }
        return env;
    }

    private int replay(ReceivingNode node, Map<String, String> env, String... more) {
        List<String> args = new ArrayList<>(List.of("replay", "--jdbc-url", node.jdbcUrl(), "--table-prefix",
                node.tablePrefix(), "--url", node.webhookUrl()));
        args.addAll(List.of(more));
        return run(args, env);
    }

    /** Runs the CLI with {@code env} and, as a user's shell would hold it, the webhook secret. */
    private int run(List<String> args, Map<String, String> env) {
        PrintStream stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
        Map<String, String> withSecret = new HashMap<>(env);
        withSecret.putIfAbsent(WebhookPoster.SECRET_ENV, SECRET);
        return Main.run(args, new Main.Terminal(stdout, stdout, withSecret));
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String state(ReceivingNode node, long id) throws Exception {
        return (String) node.row(id).get("state");
    }

    private static int attempts(ReceivingNode node, long id) throws Exception {
        return ((Number) node.row(id).get("attempts")).intValue();
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void eachFailedRowIsPostedReSignedAndTheReceiversInsertMarksItDone(Engine engine) throws Exception {
        ReceivingNode node = node(engine, false);
        // oldest first is by received_at (ties go by the random id): apart in time
        long a = node.storeFailed("conv_a", 1761400000L, PAYLOAD_TEXT);
        node.advance(Duration.ofSeconds(1));
        long b = node.storeFailed("conv_b", 1761400001L, PAYLOAD_TEXT);
        node.advance(Duration.ofSeconds(1));
        long c = node.storeFailed("conv_c", 1761400002L, PAYLOAD_TEXT);

        int code = replay(node, credentials(node));

        assertThat(code).isZero();
        assertThat(node.handled()).containsExactly("conv_a", "conv_b", "conv_c");
        assertThat(node.handledDeliveries().get(1).body()).as("byte for byte as stored")
                .isEqualTo(WebhookReceiver.body("conv_b", 1761400001L, PAYLOAD_TEXT));
        assertThat(List.of(state(node, a), state(node, b), state(node, c))).containsOnly("done");
        // the receiver claimed each row again (its second dispatch) instead of storing a new one
        assertThat(node.rows()).hasSize(3);
        assertThat(attempts(node, a)).isEqualTo(2);
        assertThat(output()).contains("delivery " + a + " (post_call_transcription, conversation conv_a, ")
                .contains("last failure java.lang.IllegalStateException) -> HTTP 200, done")
                .contains("replayed 3 of 3; 0 still failed in database ")
                .contains("(table " + node.tablePrefix() + "delivery)")
                .doesNotContain(PAYLOAD_TEXT).doesNotContain(SECRET);

        out.reset();
        assertThat(replay(node, credentials(node))).isZero();
        assertThat(output()).contains("replayed 0 of 0");
        assertThat(node.handled()).as("each handled once").hasSize(3);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aRowTheReceiverAnswers500IsStillFailedAndTheRestAreDone(Engine engine) throws Exception {
        ReceivingNode node = node(engine, false);
        long ok = node.storeFailed("conv_a", 1761400000L, PAYLOAD_TEXT);
        long broken = node.storeFailed("conv_broken", 1761400001L, PAYLOAD_TEXT);
        node.breakConversation("conv_broken");

        int code = replay(node, credentials(node));

        assertThat(code).isEqualTo(1);
        assertThat(state(node, ok)).isEqualTo("done");
        assertThat(state(node, broken)).isEqualTo("failed");
        assertThat(attempts(node, broken)).isEqualTo(2);
        assertThat(output()).contains("delivery " + broken + " (post_call_transcription, conversation conv_broken")
                .contains("-> HTTP 500, still failed").contains("replayed 1 of 2; 1 still failed");

        // the handler fixed, the next run replays what is left and nothing else
        out.reset();
        node.fixConversation("conv_broken");
        assertThat(replay(node, credentials(node))).isZero();
        assertThat(state(node, broken)).isEqualTo("done");
        assertThat(node.handled()).containsExactly("conv_a", "conv_broken");
        assertThat(output()).contains("replayed 1 of 1; 0 still failed");
    }

    @Test
    void aReceiverThatAcceptsFailuresAnswers200AndTheRowIsReportedStillFailed() throws Exception {
        ReceivingNode node = node(Engine.POSTGRESQL, true);
        long broken = node.storeFailed("conv_broken", 1761400001L, PAYLOAD_TEXT);
        node.breakConversation("conv_broken");

        int code = replay(node, credentials(node));

        assertThat(code).isEqualTo(1);
        assertThat(state(node, broken)).isEqualTo("failed");
        assertThat(output()).contains("-> HTTP 200 but not done: it failed again on the receiver")
                .contains("replayed 0 of 1; 1 still failed");
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aRowWithoutAConversationIdIsMarkedDoneThroughTheStoreAfterA200(Engine engine) throws Exception {
        ReceivingNode node = node(engine, false);
        long keyless = node.storeFailed(null, 1761400000L, PAYLOAD_TEXT);

        int code = replay(node, credentials(node));

        assertThat(code).isZero();
        assertThat(node.handled()).containsExactly("null");
        assertThat(node.handledDeliveries().get(0).body()).isEqualTo(WebhookReceiver.body(null, 1761400000L,
                PAYLOAD_TEXT));
        assertThat(state(node, keyless)).isEqualTo("done");
        // the receiver could not recognise it, so it stored and handled it as a new row
        assertThat(node.rows()).extracting(row -> row.get("state")).containsExactly("done", "done");
        assertThat(output()).contains("conversation none").contains("replayed 1 of 1; 0 still failed");

        out.reset();
        assertThat(replay(node, credentials(node))).isZero();
        assertThat(output()).contains("replayed 0 of 0");
        assertThat(node.handled()).hasSize(1);
    }

    @Test
    void aKeylessRowThatFailsAgainOnAnAcceptingReceiverIsNotReplayedTwiceInOneRun() throws Exception {
        ReceivingNode node = node(Engine.H2, true);
        node.storeFailed(null, 1761400000L, PAYLOAD_TEXT);
        node.advance(Duration.ofSeconds(1)); // the receiver's own row after it, in received_at
        node.breakConversation("null");

        int code = replay(node, credentials(node));

        // the receiver kept the new attempt as a failed row of its own (200): the old one is done, the new one
        // waits for the next run, nothing is lost and the run ends
        assertThat(code).isZero();
        assertThat(node.rows()).extracting(row -> row.get("state")).containsExactly("done", "failed");
        assertThat(output()).contains("-> HTTP 200, done").contains("replayed 1 of 1");
        assertThat(node.handled()).isEmpty();

        // fixed: the next run replays the receiver's row, once
        out.reset();
        node.fixConversation("null");
        assertThat(replay(node, credentials(node))).isZero();
        assertThat(node.handled()).containsExactly("null");
        // done: the row the first run left, claimed here, and the receiver's new row of the same delivery
        assertThat(node.rows()).extracting(row -> row.get("state")).containsOnly("done").hasSize(3);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aKeylessRowThatFailsAgainOnARejectingReceiverIsDoneAndTheReceiversOwnRowKeepsIt(Engine engine)
            throws Exception {
        ReceivingNode node = node(engine, false);
        long keyless = node.storeFailed(null, 1761400000L, PAYLOAD_TEXT);
        node.advance(Duration.ofSeconds(1)); // the receiver's own row after it, in received_at
        node.breakConversation("null");

        int code = replay(node, credentials(node));

        // 500 handler-failed: the receiver ran its handler and keeps the failure as a row of its own, so the CLI's
        // claim is done: one failed row, never two
        assertThat(code).isZero();
        assertThat(state(node, keyless)).isEqualTo("done");
        assertThat(node.rows()).extracting(row -> row.get("state")).containsExactly("done", "failed");
        assertThat(output()).contains("-> HTTP 500, handled by the receiver, which keeps its failure itself")
                .contains("replayed 1 of 1; 0 still failed");

        out.reset();
        node.fixConversation("null");
        assertThat(replay(node, credentials(node))).isZero();
        assertThat(node.handled()).containsExactly("null");
        // done: the row the first run left, claimed here, and the receiver's new row of the same delivery
        assertThat(node.rows()).extracting(row -> row.get("state")).containsOnly("done").hasSize(3);
    }

    @Test
    void theCommandChangesNoRowItself() throws Exception {
        ReceivingNode node = node(Engine.POSTGRESQL, false);
        long id = node.storeFailed("conv_a", 1761400000L, PAYLOAD_TEXT);
        Map<String, Object> before = node.row(id);
        // a receiver that answers 500 without touching the store
        ReceivingNode elsewhere = node(Engine.H2, false);
        elsewhere.breakConversation("conv_a");
        elsewhere.storeFailed("conv_a", 1761400000L, PAYLOAD_TEXT);

        int code = run(List.of("replay", "--jdbc-url", node.jdbcUrl(), "--table-prefix", node.tablePrefix(),
                "--url", elsewhere.webhookUrl()), credentials(node));

        assertThat(code).isEqualTo(1);
        assertThat(node.row(id)).isEqualTo(before);
    }

    @Test
    void aWrongPasswordIsAClearErrorThatNeverShowsIt() throws Exception {
        ReceivingNode node = node(Engine.H2, false);
        node.storeFailed("conv_a", 1761400000L, PAYLOAD_TEXT);
        Map<String, String> env = credentials(node);
        env.put(DatabaseReplay.PASSWORD_ENV, "not-the-Password-42");

        int code = replay(node, env);

        assertThat(code).isEqualTo(3);
        assertThat(output()).contains("the database refused the credentials")
                .contains("set POSTCALL_JDBC_USER and POSTCALL_JDBC_PASSWORD")
                .doesNotContain("not-the-Password-42").doesNotContain(node.password());
        assertThat(node.handled()).isEmpty();
    }

    @Test
    void missingCredentialsAreAClearError() throws Exception {
        ReceivingNode node = node(Engine.H2, false);
        node.storeFailed("conv_a", 1761400000L, PAYLOAD_TEXT);

        int code = replay(node, Map.of());

        assertThat(code).isEqualTo(3);
        assertThat(output()).contains("the database refused the credentials");
        assertThat(node.handled()).isEmpty();
    }

    @Test
    void anUnknownPostgresUserIsAClearErrorThatNeverShowsThePassword() throws Exception {
        ReceivingNode node = node(Engine.POSTGRESQL, false);
        Map<String, String> env = Map.of(DatabaseReplay.USER_ENV, "nobody_here",
                DatabaseReplay.PASSWORD_ENV, "pg-Secret-77");

        int code = replay(node, env);

        assertThat(code).isEqualTo(3);
        assertThat(output()).contains("the database refused the credentials").contains("nobody_here")
                .doesNotContain("pg-Secret-77");
    }

    @Test
    void aPasswordWithoutAUserIsRefused() throws Exception {
        ReceivingNode node = node(Engine.H2, false);

        int code = replay(node, Map.of(DatabaseReplay.PASSWORD_ENV, "lonely-pw"));

        assertThat(code).isEqualTo(2);
        assertThat(output()).contains("POSTCALL_JDBC_PASSWORD is set but POSTCALL_JDBC_USER is not")
                .doesNotContain("lonely-pw");
    }

    @Test
    void aPasswordInTheUrlIsRefusedWithoutRepeatingIt() {
        for (String url : List.of("jdbc:postgresql://db:5432/app?user=app&password=url-Pw-1",
                "jdbc:h2:mem:x;USER=sa;PASSWORD=url-Pw-1", "jdbc:mysql://app:url-Pw-1@db:3306/app")) {
            out.reset();
            int code = run(List.of("replay", "--jdbc-url", url, "--url", "http://127.0.0.1:1/"),
                    Map.of());

            assertThat(code).as(url).isEqualTo(2);
            assertThat(output()).as(url).contains("--jdbc-url must not hold a password")
                    .doesNotContain("url-Pw-1");
        }
    }

    @Test
    void aUrlNoDriverOnTheClasspathAcceptsSaysHowToAddOne() {
        int code = run(List.of("replay", "--jdbc-url", "jdbc:nosuchdb://db/app", "--url",
                "http://127.0.0.1:1/"), Map.of());

        assertThat(code).isEqualTo(3);
        assertThat(output()).contains("no JDBC driver on the classpath accepts jdbc:nosuchdb://db/app")
                .contains("java -cp postcall-cli.jar:");
    }

    @Test
    void missingTablesNameTheDdl() throws Exception {
        ReceivingNode node = node(Engine.H2, false);

        int code = run(List.of("replay", "--jdbc-url", node.jdbcUrl(), "--table-prefix", "nothing_here_",
                "--url", node.webhookUrl()), credentials(node));

        assertThat(code).isEqualTo(3);
        assertThat(output()).contains("nothing_here_delivery").contains("h2.sql");
    }

    @Test
    void inboxAndJdbcUrlTogetherAreAUsageError() {
        int code = run(List.of("replay", "--inbox", "/tmp", "--jdbc-url", "jdbc:h2:mem:x", "--url",
                "http://127.0.0.1:1/"), Map.of());

        assertThat(code).isEqualTo(2);
        assertThat(Objects.requireNonNull(output())).contains("pass one of them");
    }
}
