package dev.postcall.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.postcall.monitoring.WebhookStatistics;
import dev.postcall.signature.WebhookSigner;
import dev.postcall.testkit.DeliveryStoreContract;
import dev.postcall.testkit.StorageFaults;
import dev.postcall.testsupport.LogCapture;

/**
 * The guarantee as a table: each store (memory, directory, database on a real PostgreSQL) against each seam where a
 * delivery can break (a handler's exception or {@code Error}, the store failing at each of its three steps, an
 * asynchronous request timing out while the handlers still read, the client gone mid-body, the JVM killed before and
 * after the handlers), over real HTTP. Each cell asserts the answer, the delivery's log line, the counter and the end
 * state, and is printed into the table README's "Delivery guarantees" shows (also written to
 * {@code servlet/target/fault-matrix.md}): {@code mvn -B test -pl servlet -am -Dtest=FaultMatrixTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class FaultMatrixTest {

    enum Store {
        MEMORY("memory (default)"), DIRECTORY("directory (inbox-dir)"), DATABASE("database (inbox=, PostgreSQL)");

        final String label;

        Store(String label) {
            this.label = label;
        }

        boolean durable() {
            return this != MEMORY;
        }
    }

    enum Seam {
        HANDLER_EXCEPTION("a handler throws an exception"),
        HANDLER_ERROR("a handler throws an Error (StackOverflowError)"),
        STORE_FAILS_ON_ADMIT("the store fails to keep it (admit)"),
        STORE_FAILS_ON_HANDLED("the store fails to record it handled"),
        STORE_FAILS_ON_FAILED("the store fails to record it failed"),
        ASYNC_TIMEOUT("an async request times out while the handler reads"),
        CLIENT_GONE("the client goes away mid-body"),
        KILLED_BEFORE_HANDLERS("kill -9 after admit, before the handler's effect"),
        KILLED_BEFORE_DONE("kill -9 after the handler's effect, before done");

        final String label;

        Seam(String label) {
            this.label = label;
        }
    }

    /** What one store did at one seam. */
    record Cell(String answer, String line, String counted, String end) {
        String markdown() {
            return answer + "<br>" + line + "<br>counted: " + counted + "<br>" + end;
        }
    }

    private static final Map<Seam, Map<Store, Cell>> MATRIX = new ConcurrentHashMap<>();
    private static final Cell NOTHING_TO_FAIL = new Cell("n/a", "memory cannot fail", "—", "—");
    private static final Pattern LINE = Pattern.compile("(\\w+) [\\w.]+: (?:replayed )?delivery .* bytes=\\d+: (.*?), "
            + "(\\d{3}[\\w -]*|replay) in [\\d.]+ ms");

    @TempDir Path dir;

    private static void record(Seam seam, Store store, Cell cell) {
        MATRIX.computeIfAbsent(seam, s -> new EnumMap<>(Store.class)).put(store, cell);
    }

    @AfterAll
    static void printTheMatrix() throws IOException {
        StringBuilder table = new StringBuilder("| seam |");
        for (Store store : Store.values()) {
            table.append(' ').append(store.label).append(" |");
        }
        table.append("\n| --- |").append(" --- |".repeat(Store.values().length)).append('\n');
        for (Seam seam : Seam.values()) {
            Map<Store, Cell> row = MATRIX.get(seam);
            if (row == null) {
                continue;
            }
            table.append("| ").append(seam.label).append(" |");
            for (Store store : Store.values()) {
                Cell cell = row.get(store);
                table.append(' ').append(cell == null ? "(not run)" : cell.markdown()).append(" |");
            }
            table.append('\n');
        }
        System.out.println("FAULT MATRIX (mvn -B test -pl servlet -am -Dtest=FaultMatrixTest"
                + " -Dsurefire.failIfNoSpecifiedTests=false)\n" + table);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "fault-matrix.md"), table.toString(), StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------------------------------------ the node

    /** A server over one store, with the switches that make its storage fail and a handler the test steers. */
    private final class Node implements AutoCloseable {
        final Store store;
        final Path inbox = dir.resolve("inbox");
        final Path temp;
        final DeliveryStoreContract.Faults faults;
        final TestDatabase.Fixture db;
        final TestServer server;
        final Map<String, AtomicInteger> effects = new ConcurrentHashMap<>();
        volatile Scenario scenario = event -> { };

        Node(Store store) throws Exception {
            this(store, null);
        }

        Node(Store store, HttpServlet servlet) throws Exception {
            this.store = store;
            this.temp = Files.createDirectories(dir.resolve("temp"));
            TestServer.Builder builder;
            switch (store) {
                case MEMORY -> {
                    db = null;
                    faults = null;
                    builder = TestServer.builder();
                }
                case DIRECTORY -> {
                    db = null;
                    faults = StorageFaults.directory(inbox);
                    builder = TestServer.builder().servletParam(DeliverySettings.INBOX_DIR, inbox.toString());
                }
                default -> {
                    db = TestDatabase.POSTGRESQL.fresh();
                    StorageFaults.Database database = StorageFaults.database(db.dataSource());
                    faults = database;
                    builder = TestServer.builder()
                            .contextAttribute(PostCallWebhookServlet.INBOX_DATA_SOURCE, database.dataSource())
                            .servletParam(DeliverySettings.INBOX, "datasource")
                            .servletParam(DeliverySettings.INBOX_CREATE_SCHEMA, "true")
                            .servletParam(DeliverySettings.INBOX_TABLE_PREFIX, db.prefix());
                }
            }
            if (servlet != null) {
                builder.servlet(servlet);
            }
            server = builder.tempDir(temp).param("memory-threshold", "1KB").start();
            server.handler.onEvent(event -> {
                scenario.run(event);
                effects.computeIfAbsent(event.conversationId(), c -> new AtomicInteger()).incrementAndGet();
            });
        }

        /** The store's storage stops working at {@code step}, as a full disk or a database gone would. */
        void fail(DeliveryStoreContract.Step step) throws Exception {
            faults.fail(step);
        }

        void repair() throws Exception {
            if (faults != null) {
                faults.repair();
            }
        }

        int effects(String conversation) {
            AtomicInteger n = effects.get(conversation);
            return n == null ? 0 : n.get();
        }

        /** Deliveries the store keeps as failed, read from the storage itself. */
        long kept() throws Exception {
            return switch (store) {
                case MEMORY -> 0;
                case DIRECTORY -> DeliveryGuaranteesTest.count(inbox.resolve("failed"));
                case DATABASE -> db.rows("failed");
            };
        }

        /** Deliveries the store holds as being handled: none once every claim has ended. */
        long inFlight() throws Exception {
            return switch (store) {
                case MEMORY -> 0;
                case DIRECTORY -> DeliveryGuaranteesTest.count(inbox.resolve("incoming"));
                case DATABASE -> db.rows("received") + db.rows("replaying");
            };
        }

        long tempFiles() throws IOException {
            try (Stream<Path> files = Files.list(temp)) {
                return files.filter(f -> f.getFileName().toString().startsWith("postcall-")).count();
            }
        }

        WebhookStatistics statistics() {
            return server.webhook().statistics();
        }

        @Override
        public void close() throws Exception {
            repair();
            server.close();
            if (db != null) {
                db.close();
            }
        }
    }

    @FunctionalInterface
    interface Scenario {
        void run(dev.postcall.PostCallEvent event) throws Exception;
    }

    private static String answer(HttpResponse<String> response) {
        if (response.statusCode() == 200) {
            return "200";
        }
        return response.statusCode() + " " + TestServer.problem(response).getString("type")
                .substring(Problem.TYPE_BASE.length());
    }

    /** The one delivery line of {@code conversation}: its level and its outcome, asserted to be there once. */
    private static String line(LogCapture logs, String conversation) {
        List<String> lines = logs.recordsContaining("delivery post_call_transcription conversation=" + conversation
                + " ");
        assertThat(lines).as("one delivery line for " + conversation + " in\n" + logs.text()).hasSize(1);
        Matcher m = LINE.matcher(lines.get(0));
        assertThat(m.find()).as(lines.get(0)).isTrue();
        String phrase = m.group(2).replaceAll("/[^ ,)]*/inbox", "<inbox>")
                .replaceAll("table t[\\w]+delivery", "table <prefix>delivery");
        int store = phrase.indexOf(": postcall ");
        // the store's own message (which step failed, and why) is in the log; the table keeps the outcome
        return m.group(1) + " '" + (store < 0 ? phrase : phrase.substring(0, store) + ": …") + "'";
    }

    /** The counters that changed between two readings, as {@code label +n}. */
    private static String counted(WebhookStatistics before, WebhookStatistics after) {
        List<String> changed = new ArrayList<>();
        for (var type : after.deliveries().entrySet()) {
            for (var outcome : type.getValue().entrySet()) {
                long was = before.deliveries().getOrDefault(type.getKey(), Map.of()).getOrDefault(outcome.getKey(), 0L);
                if (outcome.getValue() != was) {
                    changed.add(outcome.getKey() + " +" + (outcome.getValue() - was));
                }
            }
        }
        for (var reason : after.rejections().entrySet()) {
            long was = before.rejections().getOrDefault(reason.getKey(), 0L);
            if (reason.getValue() != was) {
                changed.add("rejected " + reason.getKey() + " +" + (reason.getValue() - was));
            }
        }
        return changed.isEmpty() ? "nothing" : String.join(", ", changed);
    }

    private static byte[] transcription(String conversation) {
        return DeliveryGuaranteesTest.transcription(conversation);
    }

    /** A transcription of about {@code size} bytes: spilled to a temp file past the 1 KB threshold. */
    private static byte[] bigTranscription(String conversation, int size) {
        String head = "{\"type\":\"post_call_transcription\",\"event_timestamp\":1761400000,\"data\":{\"agent_id\":"
                + "\"a1\",\"conversation_id\":\"" + conversation + "\",\"status\":\"done\",\"transcript\":[],"
                + "\"padding\":\"";
        return (head + "x".repeat(Math.max(0, size - head.length() - 3)) + "\"}}").getBytes(StandardCharsets.UTF_8);
    }

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    // ------------------------------------------------------------------------------------------- the handlers

    @ParameterizedTest
    @EnumSource(Store.class)
    void aHandlerThatThrowsAnException(Store store) throws Exception {
        handlerFails(store, Seam.HANDLER_EXCEPTION, () -> {
            throw new IllegalStateException("the CRM is down");
        }, IllegalStateException.class);
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void aHandlerThatThrowsAnError(Store store) throws Exception {
        handlerFails(store, Seam.HANDLER_ERROR, () -> recurse(0), StackOverflowError.class);
    }

    private void handlerFails(Store store, Seam seam, Runnable failure, Class<? extends Throwable> thrown)
            throws Exception {
        String c = "conv_" + seam.name().toLowerCase() + "_" + store.name().toLowerCase();
        try (LogCapture logs = LogCapture.install(); Node node = new Node(store)) {
            node.scenario = event -> failure.run();
            WebhookStatistics before = node.statistics();
            HttpResponse<String> response = node.server.postSigned(transcription(c));
            String line = line(logs, c);
            String counted = counted(before, node.statistics());
            node.scenario = event -> { };
            String end;
            if (store.durable()) {
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(line).startsWith("WARNING 'not handled (" + thrown.getName() + "), kept in ");
                assertThat(counted).isEqualTo("kept +1");
                assertThat(node.kept()).isEqualTo(1);
                assertThat(node.server.webhook().replayFailed().replayed()).isEqualTo(1);
                assertThat(node.kept()).isZero();
                assertThat(node.server.postSigned(transcription(c)).statusCode()).isEqualTo(200);
                assertThat(node.effects(c)).as("replayed once, the retry after a duplicate").isEqualTo(1);
                end = "kept 1 (" + thrown.getSimpleName() + "); replayed once; the retry after: duplicate; 1 effect";
            } else {
                assertThat(answer(response)).isEqualTo("500 handler-failed");
                assertThat(line).startsWith("SEVERE 'not handled (" + thrown.getName() + ") and not kept");
                assertThat(counted).isEqualTo("failed +1");
                assertThat(node.server.postSigned(transcription(c)).statusCode()).isEqualTo(200);
                assertThat(node.effects(c)).as("the key was released: the sender's retry is handled").isEqualTo(1);
                end = "not kept; the sender's retry (if any) handled: 1 effect";
            }
            assertThat(node.inFlight()).isZero();
            record(seam, store, new Cell(answer(response), line, counted, end));
        }
    }

    // ------------------------------------------------------------------------------------------ the store fails

    @ParameterizedTest
    @EnumSource(Store.class)
    void theStoreFailsToKeepTheDelivery(Store store) throws Exception {
        if (!store.durable()) {
            record(Seam.STORE_FAILS_ON_ADMIT, store, NOTHING_TO_FAIL);
            return;
        }
        String c = "conv_admit_" + store.name().toLowerCase();
        try (LogCapture logs = LogCapture.install(); Node node = new Node(store)) {
            node.fail(DeliveryStoreContract.Step.ADMIT);
            WebhookStatistics before = node.statistics();
            HttpResponse<String> response = node.server.postSigned(transcription(c));
            String line = line(logs, c);
            String counted = counted(before, node.statistics());
            node.repair();

            assertThat(answer(response)).isEqualTo("503 inbox-unavailable");
            assertThat(response.headers().firstValue("Retry-After")).hasValue("30");
            assertThat(line).startsWith("SEVERE 'not handled: the inbox cannot keep it: ");
            assertThat(counted).isEqualTo("inbox-unavailable +1");
            assertThat(node.effects(c)).as("not dispatched").isZero();
            assertThat(node.server.postSigned(transcription(c)).statusCode()).isEqualTo(200);
            assertThat(node.effects(c)).isEqualTo(1);
            assertThat(node.kept()).isZero();
            assertThat(node.inFlight()).isZero();
            record(Seam.STORE_FAILS_ON_ADMIT, store, new Cell(answer(response), line, counted,
                    "not dispatched; the sender's retry after the repair handled: 1 effect"));
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void theStoreFailsToRecordItHandled(Store store) throws Exception {
        if (!store.durable()) {
            record(Seam.STORE_FAILS_ON_HANDLED, store, NOTHING_TO_FAIL);
            return;
        }
        String c = "conv_handled_" + store.name().toLowerCase();
        try (LogCapture logs = LogCapture.install(); Node node = new Node(store)) {
            node.scenario = event -> node.fail(DeliveryStoreContract.Step.HANDLED);
            WebhookStatistics before = node.statistics();
            HttpResponse<String> response = node.server.postSigned(transcription(c));
            String line = line(logs, c);
            String counted = counted(before, node.statistics());
            node.scenario = event -> { };
            node.repair();

            assertThat(response.statusCode()).as("the handler ran: a retry could only run it again").isEqualTo(200);
            assertThat(line).startsWith("SEVERE 'handled, but the store could not record it: ");
            assertThat(counted).isEqualTo("unrecorded +1");
            assertThat(node.server.postSigned(transcription(c)).statusCode()).isEqualTo(200);
            assertThat(node.effects(c)).as("the retry after the repair is a duplicate").isEqualTo(1);
            assertThat(node.kept()).isZero();
            assertThat(node.inFlight()).as("recorded at the retry").isZero();
            record(Seam.STORE_FAILS_ON_HANDLED, store, new Cell(answer(response), line, counted,
                    "recorded at the key's next delivery (or maintenance); the retry: duplicate; 1 effect"));
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void theStoreFailsToRecordItFailed(Store store) throws Exception {
        if (!store.durable()) {
            record(Seam.STORE_FAILS_ON_FAILED, store, NOTHING_TO_FAIL);
            return;
        }
        String c = "conv_failed_" + store.name().toLowerCase();
        try (LogCapture logs = LogCapture.install(); Node node = new Node(store)) {
            node.scenario = event -> {
                node.fail(DeliveryStoreContract.Step.FAILED);
                throw new IllegalStateException("the CRM is down");
            };
            WebhookStatistics before = node.statistics();
            HttpResponse<String> response = node.server.postSigned(transcription(c));
            String line = line(logs, c);
            String counted = counted(before, node.statistics());
            node.scenario = event -> { };
            node.repair();

            assertThat(answer(response)).isEqualTo("500 handler-failed");
            assertThat(line).startsWith("SEVERE 'not handled (java.lang.IllegalStateException), and the store could"
                    + " not record it: ");
            assertThat(counted).isEqualTo("unrecorded +1");
            assertThat(node.server.postSigned(transcription(c)).statusCode()).isEqualTo(200);
            assertThat(node.effects(c)).isEqualTo(1);
            assertThat(node.kept()).as("kept once: the retry took the kept body back").isZero();
            assertThat(node.inFlight()).isZero();
            record(Seam.STORE_FAILS_ON_FAILED, store, new Cell(answer(response), line, counted,
                    "the body stays where admit kept it; the retry takes it back and is handled: 1 effect, nothing"
                            + " left"));
        }
    }

    // ------------------------------------------------------------------------------------------ the body's life

    /**
     * PostCallWebhookServlet behind an asynchronous front servlet of the application's: the request times out after
     * 200 ms (the application answers 503 and completes it) while the handler, on a worker thread, still waits; only
     * then does it read the (spilled) body. The timeout runs from when the front's own dispatch returns, which it
     * does once the handler has started.
     */
    private static final class AsyncFront extends HttpServlet {
        private static final long serialVersionUID = 1L;
        final PostCallWebhookServlet postcall = new PostCallWebhookServlet();
        final CountDownLatch timedOut = new CountDownLatch(1);
        final CountDownLatch handling = new CountDownLatch(1);
        final ExecutorService worker = Executors.newSingleThreadExecutor();

        @Override
        public void init(ServletConfig config) throws ServletException {
            super.init(config);
            postcall.init(config);
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) {
            AsyncContext async = request.startAsync();
            async.setTimeout(200);
            async.addListener(new AsyncListener() {
                @Override
                public void onTimeout(AsyncEvent event) throws IOException {
                    // what an application does at its timeout: answer, and end the request. A plain status, not
                    // sendError: Jetty's error dispatch for it raced the worker and, under load, never ended
                    HttpServletResponse answer = (HttpServletResponse) event.getAsyncContext().getResponse();
                    answer.setStatus(503);
                    answer.setContentLength(0);
                    answer.flushBuffer();
                    event.getAsyncContext().complete();
                    timedOut.countDown();
                }
                @Override public void onComplete(AsyncEvent event) { }
                @Override public void onError(AsyncEvent event) { }
                @Override public void onStartAsync(AsyncEvent event) { }
            });
            worker.execute(() -> {
                try {
                    postcall.service(async.getRequest(), async.getResponse());
                } catch (IOException | ServletException | RuntimeException e) {
                    // the response went with the timeout
                }
            });
            try {
                handling.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void destroy() {
            worker.shutdownNow();
            postcall.destroy();
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void anAsynchronousRequestTimesOutWhileTheHandlerStillReads(Store store) throws Exception {
        String c = "conv_async_" + store.name().toLowerCase();
        AsyncFront front = new AsyncFront();
        byte[] body = bigTranscription(c, 300_000);
        List<byte[]> read = new ArrayList<>();
        try (LogCapture logs = LogCapture.install(); Node node = new Node(store, front)) {
            node.scenario = event -> {
                front.handling.countDown();
                assertThat(front.timedOut.await(60, TimeUnit.SECONDS)).isTrue();
                try (InputStream in = event.body().openStream()) {
                    read.add(in.readAllBytes());
                }
            };
            WebhookStatistics before = node.statistics();
            HttpResponse<String> response = node.server.postSigned(body);
            awaitLine(logs, c);
            String line = line(logs, c);
            String counted = counted(before, node.statistics());

            assertThat(read).as("the handler read the whole body after the timeout").singleElement()
                    .satisfies(bytes -> assertThat(Arrays.equals(bytes, body)).isTrue());
            assertThat(line).startsWith("INFO 'handled'");
            assertThat(counted).isEqualTo("handled +1");
            assertThat(node.effects(c)).isEqualTo(1);
            assertThat(node.kept()).isZero();
            awaitNoTempFile(node);
            assertThat(response.statusCode()).as("the application's answer at its timeout").isEqualTo(503);
            assertThat(node.server.postSignedOnNewConnection(body).statusCode()).as("the sender's retry")
                    .isEqualTo(200);
            assertThat(node.effects(c)).as("the retry is a duplicate").isEqualTo(1);
            record(Seam.ASYNC_TIMEOUT, store, new Cell("the application's 503, at its timeout", line, counted,
                    "the handler read all " + body.length + " bytes after the timeout; temp file deleted once, after"
                            + " the delivery ended; the sender's retry: duplicate"));
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void theClientGoesAwayMidBody(Store store) throws Exception {
        try (LogCapture logs = LogCapture.install(); Node node = new Node(store)) {
            WebhookStatistics before = node.statistics();
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(node.server.uri().getHost(), node.server.uri().getPort()),
                        10_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST " + TestServer.PATH + " HTTP/1.1\r\nHost: localhost\r\n"
                        + PostCallWebhookFilter.SIGNATURE_HEADER + ": "
                        + WebhookSigner.header(new byte[0], TestServer.SECRET, Instant.now()) + "\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(new byte[50_000]);
                out.flush();
                socket.setSoLinger(true, 0);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (node.statistics().rejections().getOrDefault("body-incomplete", 0L) == 0
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            String counted = counted(before, node.statistics());

            assertThat(counted).isEqualTo("rejected body-incomplete +1");
            assertThat(node.server.handler.events()).as("not dispatched").isEmpty();
            assertThat(node.kept()).isZero();
            assertThat(node.inFlight()).isZero();
            awaitNoTempFile(node);
            assertThat(logs.recordsContaining("delivery ")).as("not a verified delivery: no delivery line").isEmpty();
            record(Seam.CLIENT_GONE, store, new Cell("400 body-incomplete, to nobody", "no delivery line (a"
                    + " rejection, rate-limited WARNING)", counted, "not verified, not dispatched, nothing kept; the"
                    + " spilled part deleted"));
        }
    }

    private static void awaitLine(LogCapture logs, String conversation) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (logs.recordsContaining("conversation=" + conversation + " ").isEmpty()
                && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    private static void awaitNoTempFile(Node node) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (node.tempFiles() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(node.tempFiles()).as("temp files left").isZero();
    }

    // ------------------------------------------------------------------------------------------- a JVM killed

    @ParameterizedTest
    @EnumSource(Store.class)
    void theJvmIsKilledAfterAdmitBeforeTheHandlersEffect(Store store) throws Exception {
        killed(store, Seam.KILLED_BEFORE_HANDLERS, "halt-before", 1);
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void theJvmIsKilledAfterTheHandlersEffectBeforeDone(Store store) throws Exception {
        killed(store, Seam.KILLED_BEFORE_DONE, "halt-after", 2);
    }

    private void killed(Store store, Seam seam, String mode, int effectsAfter) throws Exception {
        String c = "conv_" + mode + "_" + store.name().toLowerCase();
        Path effects = dir.resolve("effects");
        Path errors = dir.resolve("node.log");
        TestDatabase.Fixture db = store == Store.DATABASE ? TestDatabase.POSTGRESQL.fresh() : null;
        try {
            List<String> storeArgs = switch (store) {
                case MEMORY -> List.of("memory");
                case DIRECTORY -> List.of("directory", dir.resolve("inbox").toString());
                case DATABASE -> List.of("database", db.url(), db.prefix());
            };
            DeliveryGuaranteesTest.Forked first = fork(storeArgs, effects, mode, errors);
            String answer;
            try {
                first.postSigned(transcription(c)).get(30, TimeUnit.SECONDS);
                answer = "answered?";
            } catch (java.util.concurrent.ExecutionException e) {
                answer = "none: the JVM died";
            }
            assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(answer).isEqualTo("none: the JVM died");
            int before = effects(effects, c);
            assertThat(before).isEqualTo(mode.equals("halt-before") ? 0 : 1);

            DeliveryGuaranteesTest.Forked second = fork(storeArgs, effects, "handle", errors);
            String end;
            String line;
            try {
                if (store.durable()) {
                    line = "the restart: WARNING '1 delivery(ies) were interrupted while being dispatched'";
                    assertThat(Files.readString(errors)).contains("were interrupted while being dispatched");
                    second.process.getOutputStream().write("REPLAY\n".getBytes(StandardCharsets.UTF_8));
                    second.process.getOutputStream().flush();
                    assertThat(second.awaitPrefix("REPLAYED ")).isEqualTo("1");
                    assertThat(second.postSigned(transcription(c)).get(30, TimeUnit.SECONDS).statusCode())
                            .isEqualTo(200);
                    end = "kept as failed (interrupted) at the restart; replayed: " + effectsAfter + " effect(s)"
                            + (effectsAfter > 1 ? " (handled twice: the handler must be idempotent)" : "")
                            + "; the retry after: duplicate";
                } else {
                    line = "none: nothing kept, nothing to recover";
                    assertThat(second.postSigned(transcription(c)).get(30, TimeUnit.SECONDS).statusCode())
                            .isEqualTo(200);
                    end = "lost unless the sender retries; its retry: " + effectsAfter + " effect(s)"
                            + (effectsAfter > 1 ? " (handled twice)" : "");
                }
                assertThat(effects(effects, c)).isEqualTo(effectsAfter);
            } finally {
                second.process.getOutputStream().close();
                second.process.waitFor(30, TimeUnit.SECONDS);
                second.process.destroyForcibly();
            }
            if (db != null) {
                assertThat(db.rows("failed") + db.rows("received")).isZero();
            } else if (store == Store.DIRECTORY) {
                assertThat(DeliveryGuaranteesTest.count(dir.resolve("inbox").resolve("failed"))).isZero();
            }
            record(seam, store, new Cell(answer, line, store.durable() ? "at the restart: handled +1 (the replay)"
                    : "at the restart: handled +1 (the retry)", end));
        } finally {
            if (db != null) {
                db.close();
            }
        }
    }

    private static DeliveryGuaranteesTest.Forked fork(List<String> storeArgs, Path effects, String mode, Path errors)
            throws IOException {
        List<String> args = new ArrayList<>(storeArgs);
        args.add(effects.toString());
        args.add(mode);
        return DeliveryGuaranteesTest.Forked.start(ProcessBuilder.Redirect.to(errors.toFile()), FaultMatrixNode.class,
                args.toArray(String[]::new));
    }

    private static int effects(Path file, String conversation) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        return (int) Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(conversation::equals).count();
    }
}
