package dev.postcall.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postcall.CallReport;
import dev.postcall.MalformedDataException;
import dev.postcall.cdi.e2e.Calls;
import dev.postcall.cdi.e2e.WebhookStack;
import dev.postcall.hostile.CountingObserver.Seen;
import dev.postcall.testsupport.LogCapture;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile input over real HTTP against the whole stack ({@link WebhookStack}: Jetty 12, Weld, filter, servlet, CDI
 * observers), one named row per case. Every row asserts the status, the problem {@code type} of a rejection, how many
 * events the observers got (none for anything refused), that no spilled body, async copy or inbox entry is left
 * behind, that Jetty sent no 5xx (also none that the client was no longer there to read), and that the server then
 * still takes a good delivery with 200. A last test reads everything logged meanwhile for secrets, signatures and
 * transcript text.
 *
 * <p>Settings: {@code memory-threshold} 4 KiB (larger bodies spill to the container's temp dir, a folder of this
 * test), {@code max-body-size} 2 MiB, {@code ip-allowlist} 127.0.0.1, ::1 and {@value #ALLOWED_REMOTE} (a sender
 * reachable only through the proxy), {@code trusted-proxies} 127.0.0.1, an inbox directory, a 2 s idle timeout.
 *
 * <p>Decisions the rows pin down: the {@code Content-Type} is not checked (the signature covers the bytes, which are
 * parsed as JSON whatever the header says, form and multipart types included); upper-case {@code v0} hex is accepted;
 * up to 16 {@code v0} entries are tried and more is a malformed header; when the header comes twice, the first line
 * is the one verified.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputTest {

    static final String SECRET = "wsec_hostile_5e1b7c2d9a0f4e3b8c6d1a2f7e9b0c4d5a6e7f8091a2b3c4d5";
    static final String OTHER_SECRET = "wsec_attacker_0f9e8d7c6b5a49382716059483726150a9b8c7d6e5f4a3b2";
    /** Transcript text put in bodies, accepted or not: it must never reach a log. */
    static final String MARKER = "quokka-transcript-7Q2X";
    static final String ALLOWED_REMOTE = "198.51.100.7";
    static final int THRESHOLD = 4096;
    static final int MAX_BODY = 2 * 1024 * 1024;
    static final String PROBLEMS = "https://postcall.dev/problems/";
    static final String RECEIVED = "{\"received\":true}";
    /** Problems answered before the body is read (every row sends one). */
    /**
     * Refusals that never read the body, or not all of it (a body that broke off, {@code body-incomplete}), so they
     * close the connection. A refused signature header reads and drops a declared body of up to 64 KiB instead,
     * keeping the connection (RejectionTest checks both ways on one socket).
     */
    static final Set<String> UNREAD_BODY = Set.of("address-not-allowed", "method-not-allowed", "body-too-large",
            "body-incomplete");

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private static final Set<String> SIGNATURES_SENT = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final AtomicInteger CASES_RUN = new AtomicInteger();

    @TempDir
    static Path dir;
    static Path containerTemp;
    static Path inbox;
    static WebhookStack stack;
    static CountingObserver observer;
    static LogCapture logs;
    static long startedAt;
    static boolean ipv6;

    @BeforeAll
    static void start() throws Exception {
        startedAt = System.nanoTime();
        logs = LogCapture.install();
        containerTemp = Files.createDirectory(dir.resolve("container-tmp"));
        inbox = dir.resolve("inbox");
        ipv6 = ipv6Loopback();
        stack = WebhookStack.builder()
                .filterParam("secret", SECRET)
                .filterParam("memory-threshold", String.valueOf(THRESHOLD))
                .filterParam("max-body-size", "2MiB")
                .filterParam("ip-allowlist", "127.0.0.1, ::1, " + ALLOWED_REMOTE)
                .filterParam("trusted-proxies", "127.0.0.1")
                .servletParam("inbox-dir", inbox.toString())
                .tempDir(containerTemp)
                .idleTimeout(Duration.ofSeconds(2))
                .ipv6(ipv6)
                .start();
        observer = stack.bean(CountingObserver.class);
        // the e2e observer bean is in this bean archive too; let its async audio observer go on at once
        stack.bean(Calls.class).responseReceived();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (stack != null) {
                stack.close();
            }
        } finally {
            logs.uninstall();
        }
    }

    /** What is sent; returns what came back. */
    @FunctionalInterface
    interface Exchange {
        Reply send() throws Exception;
    }

    /**
     * One row: {@code status} -1 when no answer can be read (the client went away), {@code problem} the type slug or
     * {@code null} (accepted, or answered by the container), {@code dispatched} events observed, {@code failed}
     * inbox entries expected in {@code failed/}.
     */
    record Case(String name, Exchange exchange, int status, String problem, int dispatched, int failed,
            Consumer<List<Seen>> check) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case refused(String name, int status, String problem, Exchange exchange) {
        return new Case(name, exchange, status, problem, 0, 0, seen -> { });
    }

    /**
     * A verified body that is not an event: 400 {@code malformed-event}, never dispatched, and kept once in the
     * inbox's {@code failed/} (an upgrade that can read it replays it).
     */
    static Case unreadable(String name, Exchange exchange) {
        return new Case(name, exchange, 400, "malformed-event", 0, 1, seen -> { });
    }

    static Case byContainer(String name, int status, Exchange exchange) {
        return new Case(name, exchange, status, null, 0, 0, seen -> { });
    }

    static Case clientGone(String name, Exchange exchange) {
        return new Case(name, exchange, -1, null, 0, 0, seen -> { });
    }

    static Case accepted(String name, Exchange exchange, Consumer<Seen> check) {
        return new Case(name, exchange, 200, null, 1, 0, seen -> check.accept(seen.get(0)));
    }

    static Stream<Arguments> cases() throws Exception {
        List<Case> all = new ArrayList<>();
        signatureHeader(all);
        body(all);
        transport(all);
        nastyButValid(all);
        return all.stream().map(c -> Arguments.of(c.name(), c));
    }

    // ---------------------------------------------------------------------------------------------- signature header

    private static void signatureHeader(List<Case> all) {
        String malformed = "signature-header-malformed";
        all.add(refused("header missing", 401, "signature-header-missing", () -> {
            byte[] b = valid();
            return post(b);
        }));
        all.add(refused("header empty", 401, "signature-header-missing", () -> post(valid(), sig(""))));
        all.add(refused("header only t", 401, malformed, () -> post(valid(), sig("t=" + now()))));
        all.add(refused("header only v0", 401, malformed, () -> {
            byte[] b = valid();
            return post(b, sig("v0=" + hex(b, SECRET, String.valueOf(now()))));
        }));
        all.add(refused("header v0 empty", 401, malformed, () -> post(valid(), sig("t=" + now() + ",v0="))));
        for (String[] t : new String[][] {{"non-numeric", "17x4000000"}, {"negative", "-" + now()},
                {"decimal", now() + ".5"}, {"40 digits", "1".repeat(40)}, {"empty", ""}, {"hex", "0x6920a1b0"},
                {"with spaces inside", now() / 10 + " " + now() % 10}, {"plus sign", "+" + now()}}) {
            all.add(refused("t " + t[0], 401, malformed, () -> {
                byte[] b = valid();
                return post(b, sig("t=" + t[1] + ",v0=" + hex(b, SECRET, t[1])));
            }));
        }
        all.add(refused("t twice", 401, malformed, () -> {
            byte[] b = valid();
            String t = String.valueOf(now());
            return post(b, sig("t=" + t + ",v0=" + hex(b, SECRET, t) + ",t=" + t));
        }));
        all.add(refused("t far in the future (one day)", 401, "timestamp-in-future",
                () -> signedAt(valid(), now() + 86_400)));
        all.add(refused("t 31 minutes old", 401, "timestamp-too-old", () -> signedAt(valid(), now() - 31 * 60)));
        all.add(refused("t zero (1970)", 401, "timestamp-too-old", () -> signedAt(valid(), 0)));
        all.add(refused("v0 short (63 hex)", 401, malformed, () -> {
            byte[] b = valid();
            String t = String.valueOf(now());
            return post(b, sig("t=" + t + ",v0=" + hex(b, SECRET, t).substring(1)));
        }));
        all.add(refused("v0 long (65 hex)", 401, malformed, () -> {
            byte[] b = valid();
            String t = String.valueOf(now());
            return post(b, sig("t=" + t + ",v0=" + hex(b, SECRET, t) + "0"));
        }));
        all.add(refused("v0 non-hex", 401, malformed, () -> {
            byte[] b = valid();
            String t = String.valueOf(now());
            return post(b, sig("t=" + t + ",v0=" + hex(b, SECRET, t).substring(1) + "g"));
        }));
        all.add(refused("v0 base64 instead of hex", 401, malformed, () -> {
            byte[] b = valid();
            String t = String.valueOf(now());
            byte[] raw = HexFormat.of().parseHex(hex(b, SECRET, t));
            return post(b, sig("t=" + t + ",v0=" + java.util.Base64.getEncoder().encodeToString(raw)));
        }));
        all.add(accepted("v0 upper-case hex is accepted by design", () -> {
            byte[] b = valid();
            String t = String.valueOf(now());
            return post(b, sig("t=" + t + ",v0=" + hex(b, SECRET, t).toUpperCase(Locale.ROOT)));
        }, seen -> assertThat(seen.report().turnCount()).isEqualTo(1)));
        all.add(accepted("v0 before t, spaces and an unknown v1 element", () -> {
            byte[] b = valid();
            String t = String.valueOf(now());
            return post(b, sig(" v1=abc , v0=" + hex(b, SECRET, t) + " ,\tt=" + t + " "));
        }, seen -> assertThat(seen.type()).isEqualTo("post_call_transcription")));
        all.add(accepted("t with leading zeros, signed as sent", () -> {
            byte[] b = valid();
            String t = "00" + now();
            return post(b, sig("t=" + t + ",v0=" + hex(b, SECRET, t)));
        }, seen -> assertThat(seen.report().turnCount()).isEqualTo(1)));
        all.add(accepted("header name in lower case", () -> {
            byte[] b = valid();
            return send(request(stack.uri(), "POST", b, "elevenlabs-signature", signature(b, SECRET, now())));
        }, seen -> assertThat(seen.type()).isEqualTo("post_call_transcription")));
        all.add(accepted("16 v0 entries, the valid one last", () -> {
            byte[] b = valid();
            String t = String.valueOf(now());
            return post(b, sig("t=" + t + "," + randomV0s(15) + ",v0=" + hex(b, SECRET, t)));
        }, seen -> assertThat(seen.type()).isEqualTo("post_call_transcription")));
        all.add(refused("50 v0 entries, the valid one last", 401, malformed, () -> {
            byte[] b = valid();
            String t = String.valueOf(now());
            return post(b, sig("t=" + t + "," + randomV0s(49) + ",v0=" + hex(b, SECRET, t)));
        }));
        all.add(byContainer("header over 8192 characters: the container's 8 KiB limit answers first", 431, () -> {
            byte[] b = valid();
            String t = String.valueOf(now());
            return post(b, sig("t=" + t + ",v0=" + hex(b, SECRET, t) + ",x=" + "a".repeat(8200)));
        }));
        all.add(byContainer("1 MB header: the container's header limit answers", 431, () -> {
            byte[] b = valid();
            String t = String.valueOf(now());
            String huge = "t=" + t + ",v0=" + hex(b, SECRET, t) + ",x=" + "a".repeat(1024 * 1024);
            return RawHttp.to(stack.uri()).exchange(concat(RawHttp.to(stack.uri()).head("POST", List.of(
                    "ElevenLabs-Signature: " + huge, "Content-Length: " + b.length)), b));
        }));
        all.add(refused("header twice, neither line for this body", 401, "signature-mismatch", () -> {
            byte[] b = valid();
            byte[] other = valid();
            return post(b, sig(signature(other, SECRET, now())), sig(signature(other, SECRET, now() - 60)));
        }));
        all.add(refused("header twice, only the second line valid: the first is verified", 401,
                "signature-mismatch", () -> {
                    byte[] b = valid();
                    return post(b, sig(signature(valid(), SECRET, now())), sig(signature(b, SECRET, now())));
                }));
        all.add(refused("valid signature of another body", 401, "signature-mismatch",
                () -> post(valid(), sig(signature(valid(), SECRET, now())))));
        all.add(refused("valid signature of the body with a trailing newline added", 401, "signature-mismatch", () -> {
            byte[] b = valid();
            return post(concat(b, new byte[] {'\n'}), sig(signature(b, SECRET, now())));
        }));
        all.add(refused("signed with another secret", 401, "signature-mismatch",
                () -> { byte[] b = valid(); return post(b, sig(signature(b, OTHER_SECRET, now()))); }));
        all.add(refused("signed with the secret without its wsec_ prefix", 401, "signature-mismatch", () -> {
            byte[] b = valid();
            return post(b, sig(signature(b, SECRET.substring(5), now())));
        }));
        all.add(refused("valid signature for another timestamp", 401, "signature-mismatch", () -> {
            byte[] b = valid();
            String signedAt = String.valueOf(now() - 60);
            return post(b, sig("t=" + now() + ",v0=" + hex(b, SECRET, signedAt)));
        }));
        all.add(new Case("the same delivery sent twice is dispatched once", () -> {
            byte[] b = valid();
            Reply first = post(b, sig(signature(b, SECRET, now())));
            assertThat(first.status()).isEqualTo(200);
            return post(b, sig(signature(b, SECRET, now())));
        }, 200, null, 1, 0, seen -> { }));
    }

    // ---------------------------------------------------------------------------------------------------------- body

    private static void body(List<Case> all) {
        String malformed = "malformed-event";
        all.add(unreadable("body empty", () -> signed(new byte[0])));
        all.add(unreadable("body not JSON", () -> signed(utf8("hello " + MARKER + ", this is not JSON"))));
        all.add(unreadable("body a JSON array", () -> signed(utf8("[" + new String(valid(),
                StandardCharsets.UTF_8) + "]"))));
        all.add(unreadable("body a JSON string", () -> signed(utf8("\"post_call_transcription\""))));
        all.add(unreadable("body JSON null", () -> signed(utf8("null"))));
        all.add(unreadable("body truncated JSON", () -> {
            byte[] b = valid();
            return signed(Arrays.copyOf(b, b.length - 7));
        }));
        all.add(unreadable("body truncated JSON, spilled to a file", () -> {
            byte[] b = transcription(conv(), turns(100), "");
            assertThat(b.length).isGreaterThan(THRESHOLD);
            return signed(Arrays.copyOf(b, b.length - 3));
        }));
        all.add(unreadable("body two JSON objects", () -> signed(concat(valid(), valid()))));
        all.add(unreadable("body object then garbage", () -> signed(concat(valid(), utf8("x")))));
        all.add(unreadable("body 100 nested arrays",
                () -> signed(utf8("[".repeat(100) + "]".repeat(100)))));
        all.add(accepted("100 levels of nesting in an unknown field", () -> signed(transcription(conv(), turns(1),
                ",\"x_deep\":" + "{\"a\":".repeat(100) + "1" + "}".repeat(100))),
                seen -> assertThat(seen.report().turnCount()).isEqualTo(1)));
        all.add(unreadable("100,000 levels of nesting in data (no stack overflow)",
                () -> signed(utf8("{\"type\":\"post_call_transcription\",\"data\":{\"x\":" + "[".repeat(100_000)
                        + "]".repeat(100_000) + "}}"))));
        all.add(accepted("huge numbers in unknown fields", () -> signed(transcription(conv(), turns(1),
                ",\"x_big\":1" + "0".repeat(400) + ",\"x_exp\":1e999999999,\"x_neg\":-1e-999999999")),
                seen -> assertThat(seen.report().turnCount()).isEqualTo(1)));
        all.add(accepted("huge numbers in the metadata the report reads", () -> signed(utf8(("{\"type\":"
                + "\"post_call_transcription\",\"event_timestamp\":" + now() + ",\"data\":{\"agent_id\":\"agent_h\","
                + "\"conversation_id\":\"" + conv() + "\",\"status\":\"done\",\"transcript\":[],\"metadata\":{"
                + "\"start_time_unix_secs\":1e30,\"call_duration_secs\":123456789012345678901234567890,"
                + "\"cost\":-99999999999999999999999}}}"))), seen -> { }));
        all.add(unreadable("huge event_timestamp", () -> signed(utf8("{\"type\":\"post_call_audio\","
                + "\"event_timestamp\":1" + "0".repeat(40) + ",\"data\":{\"agent_id\":\"a\",\"conversation_id\":\""
                + conv() + "\",\"full_audio\":\"SUQz\"}}"))));
        all.add(unreadable("invalid UTF-8 in the type", () -> signed(concat(
                utf8("{\"type\":\"post_call_transcription"), new byte[] {(byte) 0xC3, (byte) 0x28},
                utf8("\",\"data\":{}}")))));
        all.add(accepted("invalid UTF-8 inside a transcript message", () -> signed(concat(utf8("{\"type\":"
                + "\"post_call_transcription\",\"event_timestamp\":" + now() + ",\"data\":{\"agent_id\":\"a\","
                + "\"conversation_id\":\"" + conv() + "\",\"transcript\":[{\"role\":\"user\",\"message\":\"bad "),
                new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF}, utf8(" " + MARKER + "\"}]}}"))),
                seen -> assertThat(seen.messages()).hasSize(1)));
        all.add(unreadable("invalid UTF-8 outside strings", () -> signed(concat(utf8("{\"type\":"
                + "\"post_call_transcription\",\"data\":{}"), new byte[] {(byte) 0xFF, (byte) 0xFE}, utf8("}")))));
        all.add(unreadable("UTF-16 body",
                () -> signed(new String(valid(), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16))));
        all.add(unreadable("byte order mark (RFC 8259: not to be sent)",
                () -> signed(concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, valid()))));
        all.add(unreadable("NUL bytes", () -> signed(concat(new byte[] {0, 0, 0}, valid()))));
        all.add(unreadable("type missing",
                () -> signed(utf8("{\"event_timestamp\":" + now() + ",\"data\":{\"conversation_id\":\"c\"}}"))));
        all.add(unreadable("type null",
                () -> signed(utf8("{\"type\":null,\"event_timestamp\":" + now() + ",\"data\":{}}"))));
        all.add(unreadable("type a number",
                () -> signed(utf8("{\"type\":42,\"event_timestamp\":" + now() + ",\"data\":{}}"))));
        all.add(unreadable("type an object",
                () -> signed(utf8("{\"type\":{\"name\":\"post_call_audio\"},\"data\":{}}"))));
        all.add(unreadable("data missing",
                () -> signed(utf8("{\"type\":\"post_call_transcription\",\"event_timestamp\":" + now() + "}"))));
        all.add(unreadable("data a string", () -> signed(utf8("{\"type\":\"post_call_transcription\","
                + "\"event_timestamp\":" + now() + ",\"data\":\"" + MARKER + "\"}"))));
        all.add(unreadable("data an array", () -> signed(utf8("{\"type\":\"post_call_transcription\","
                + "\"event_timestamp\":" + now() + ",\"data\":[]}"))));
        all.add(unreadable("data null", () -> signed(utf8("{\"type\":\"post_call_transcription\","
                + "\"event_timestamp\":" + now() + ",\"data\":null}"))));
        all.add(refused("Content-Length shorter than the body: the cut body fails the signature", 401,
                "signature-mismatch", () -> {
                    byte[] b = valid();
                    RawHttp raw = RawHttp.to(stack.uri());
                    return raw.exchange(concat(raw.head("POST", List.of("ElevenLabs-Signature: "
                            + signature(b, SECRET, now()), "Content-Length: " + (b.length - 10))), b));
                }));
        all.add(refused("Content-Length longer than the body: the read times out", 400, "body-incomplete", () -> {
            byte[] b = valid();
            RawHttp raw = RawHttp.to(stack.uri());
            return raw.exchange(concat(raw.head("POST", List.of("ElevenLabs-Signature: "
                    + signature(b, SECRET, now()), "Content-Length: " + (b.length + 100))), b));
        }));
        all.add(refused("Content-Length over max-body-size, nothing sent", 413, "body-too-large", () -> {
            RawHttp raw = RawHttp.to(stack.uri());
            return raw.exchange(raw.head("POST", List.of("ElevenLabs-Signature: "
                    + signature(valid(), SECRET, now()), "Content-Length: " + (MAX_BODY + 1))));
        }));
        all.add(refused("Content-Length of 2^63-1", 413, "body-too-large", () -> {
            RawHttp raw = RawHttp.to(stack.uri());
            return raw.exchange(raw.head("POST", List.of("ElevenLabs-Signature: "
                    + signature(valid(), SECRET, now()), "Content-Length: " + Long.MAX_VALUE)));
        }));
        all.add(refused("chunked body past the cap", 413, "body-too-large", () -> {
            byte[] big = transcription(conv(), turns(40_000), "");
            assertThat(big.length).isGreaterThan(MAX_BODY);
            return send(HttpRequest.newBuilder(stack.uri())
                    .header("ElevenLabs-Signature", signature(big, SECRET, now()))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big)))
                    .build());
        }));
        all.add(accepted("chunked body under the cap, spilled to a file", () -> {
            byte[] b = transcription(conv(), turns(500), "");
            return send(HttpRequest.newBuilder(stack.uri())
                    .header("ElevenLabs-Signature", signature(b, SECRET, now()))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(b)))
                    .build());
        }, seen -> assertThat(seen.report().turnCount()).isEqualTo(500)));
        all.add(refused("broken chunk size", 400, "body-incomplete", () -> {
            byte[] b = valid();
            RawHttp raw = RawHttp.to(stack.uri());
            return raw.exchange(concat(raw.head("POST", List.of("ElevenLabs-Signature: "
                    + signature(b, SECRET, now()), "Transfer-Encoding: chunked")), utf8("zz\r\n"), b,
                    utf8("\r\n0\r\n\r\n")));
        }));
        all.add(clientGone("body stops mid-way, client closes (spilled part)", () -> {
            byte[] b = transcription(conv(), turns(300), "");
            RawHttp raw = RawHttp.to(stack.uri());
            raw.sendAndAbort(concat(raw.head("POST", List.of("ElevenLabs-Signature: "
                    + signature(b, SECRET, now()), "Content-Length: " + b.length)), Arrays.copyOf(b, b.length / 2)));
            return Reply.NONE;
        }));
        all.add(clientGone("chunked body stops mid-way, client closes", () -> {
            byte[] b = transcription(conv(), turns(300), "");
            int half = b.length / 2;
            RawHttp raw = RawHttp.to(stack.uri());
            raw.sendAndAbort(concat(raw.head("POST", List.of("ElevenLabs-Signature: "
                    + signature(b, SECRET, now()), "Transfer-Encoding: chunked")),
                    utf8(Integer.toHexString(b.length) + "\r\n"), Arrays.copyOf(b, half)));
            return Reply.NONE;
        }));
    }

    // ----------------------------------------------------------------------------------------------------- transport

    private static void transport(List<Case> all) {
        for (String method : List.of("GET", "PUT", "DELETE", "PATCH", "OPTIONS")) {
            all.add(refused(method + " (signed)", 405, "method-not-allowed", () -> {
                byte[] b = valid();
                return send(request(stack.uri(), method, b, "ElevenLabs-Signature", signature(b, SECRET, now())));
            }));
        }
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=xyz", "application/json; charset=UTF-16", "application/xml")) {
            all.add(accepted("Content-Type " + type + " is not checked", () -> {
                byte[] b = valid();
                return send(request(stack.uri(), "POST", b, "ElevenLabs-Signature", signature(b, SECRET, now()),
                        "Content-Type", type));
            }, seen -> assertThat(seen.messages()).containsExactly("hello " + MARKER)));
        }
        all.add(accepted("no Content-Type", () -> {
            byte[] b = valid();
            RawHttp raw = RawHttp.to(stack.uri());
            return raw.exchange(concat(raw.head("POST", List.of("ElevenLabs-Signature: "
                    + signature(b, SECRET, now()), "Content-Length: " + b.length)), b));
        }, seen -> assertThat(seen.messages()).containsExactly("hello " + MARKER)));
        all.add(refused("untrusted peer 127.0.0.2 spoofing X-Forwarded-For of an allowed sender", 403,
                "address-not-allowed", () -> fromPeer("127.0.0.2", "X-Forwarded-For: " + ALLOWED_REMOTE)));
        all.add(refused("untrusted peer 127.0.0.2 spoofing X-Real-IP and Forwarded", 403, "address-not-allowed",
                () -> fromPeer("127.0.0.2", "X-Real-IP: 127.0.0.1", "Forwarded: for=" + ALLOWED_REMOTE)));
        all.add(accepted("trusted proxy forwarding the allowed sender", () -> fromPeer("127.0.0.1",
                "X-Forwarded-For: " + ALLOWED_REMOTE), seen -> assertThat(seen.report().turnCount()).isEqualTo(1)));
        all.add(accepted("trusted proxy: spoofed left-most entry ignored, right-most is the allowed sender",
                () -> fromPeer("127.0.0.1", "X-Forwarded-For: 203.0.113.66, " + ALLOWED_REMOTE),
                seen -> assertThat(seen.type()).isEqualTo("post_call_transcription")));
        all.add(refused("trusted proxy forwarding a sender outside the allowlist", 403, "address-not-allowed",
                () -> fromPeer("127.0.0.1", "X-Forwarded-For: 203.0.113.9")));
        all.add(refused("trusted proxy: allowed sender spoofed left of the real client", 403, "address-not-allowed",
                () -> fromPeer("127.0.0.1", "X-Forwarded-For: " + ALLOWED_REMOTE + ", 203.0.113.9")));
        all.add(refused("trusted proxy: two header lines, the last names an outsider", 403, "address-not-allowed",
                () -> fromPeer("127.0.0.1", "X-Forwarded-For: " + ALLOWED_REMOTE, "X-Forwarded-For: 203.0.113.9")));
        all.add(byContainer("trusted proxy, NUL in X-Forwarded-For: the container refuses the header", 400,
                () -> fromPeer("127.0.0.1", "X-Forwarded-For: 198.51.100.7\u0000")));
        for (String garbage : List.of("not-an-ip", "999.1.1.1", "198.51.100", "[::1", "unknown", "198.51.100.7:99x",
                "198.51.100.7%eth0", "::ffff:999.0.0.1", ",".repeat(4000) + "x", "2001:db8::1",
                "[2001:db8::1]:443", "localhost")) {
            all.add(refused("trusted proxy, garbage X-Forwarded-For " + printable(garbage), 403,
                    "address-not-allowed", () -> fromPeer("127.0.0.1", "X-Forwarded-For: " + garbage)));
        }
        all.add(accepted("IPv6 peer [::1], signed", () -> {
            assumeIpv6();
            byte[] b = valid();
            return send(request(stack.ipv6Uri(), "POST", b, "ElevenLabs-Signature", signature(b, SECRET, now())));
        }, seen -> assertThat(seen.report().turnCount()).isEqualTo(1)));
        all.add(refused("IPv6 peer [::1], unsigned", 401, "signature-header-missing", () -> {
            assumeIpv6();
            return send(request(stack.ipv6Uri(), "POST", valid()));
        }));
        all.add(accepted("IPv6 peer [::1] is no trusted proxy: its X-Forwarded-For is ignored", () -> {
            assumeIpv6();
            byte[] b = valid();
            return send(request(stack.ipv6Uri(), "POST", b, "ElevenLabs-Signature", signature(b, SECRET, now()),
                    "X-Forwarded-For", "203.0.113.9"));
        }, seen -> assertThat(seen.type()).isEqualTo("post_call_transcription")));
    }

    // ------------------------------------------------------------------------------------------ signed, valid, nasty

    private static void nastyButValid(List<Case> all) {
        all.add(accepted("unknown type", () -> signed(utf8("{\"type\":\"conversation_escalated\",\"event_timestamp\":"
                + now() + ",\"data\":{\"agent_id\":\"agent_h\",\"conversation_id\":\"" + conv() + "\",\"note\":\""
                + MARKER + "\"}}")), seen -> assertThat(seen.type()).isEqualTo("conversation_escalated")));
        all.add(accepted("unknown type with empty data", () -> signed(utf8("{\"type\":\"x\",\"event_timestamp\":"
                + now() + ",\"data\":{}}")), seen -> assertThat(seen.type()).isEqualTo("x")));
        all.add(accepted("unknown enum values everywhere", () -> signed(utf8("{\"type\":\"post_call_transcription\","
                + "\"event_timestamp\":" + now() + ",\"data\":{\"agent_id\":\"agent_h\",\"conversation_id\":\""
                + conv() + "\",\"status\":\"exploded\",\"transcript\":[{\"role\":\"alien\",\"message\":\"" + MARKER
                + "\",\"source_medium\":\"telepathy\",\"time_in_call_secs\":1}],\"metadata\":{"
                + "\"start_time_unix_secs\":1761402150,\"call_duration_secs\":3,\"cost\":1,"
                + "\"authorization_method\":\"carrier_pigeon\",\"phone_call\":{\"type\":\"tin_can\","
                + "\"direction\":\"sideways\",\"external_number\":\"+12025550100\"}},\"analysis\":{"
                + "\"call_successful\":\"maybe\",\"evaluation_criteria_results\":{\"c\":{\"criteria_id\":\"c\","
                + "\"result\":\"perhaps\",\"rationale\":\"r\"}}}}}")), seen -> {
                    assertThat(seen.report().outcome()).isEqualTo(CallReport.Outcome.UNKNOWN);
                    assertThat(seen.messages()).containsExactly(MARKER);
                }));
        all.add(accepted("failure with an unknown reason and metadata type", () -> signed(utf8("{\"type\":"
                + "\"call_initiation_failure\",\"event_timestamp\":" + now() + ",\"data\":{\"agent_id\":\"agent_h\","
                + "\"conversation_id\":\"" + conv() + "\",\"failure_reason\":\"struck-by-lightning\",\"metadata\":{"
                + "\"type\":\"smoke_signal\",\"body\":{\"x\":1}}}}")),
                seen -> assertThat(seen.failureReason()).endsWith("/struck-by-lightning")));
        all.add(accepted("null everywhere optional", () -> signed(utf8("{\"type\":\"post_call_transcription\","
                + "\"event_timestamp\":null,\"data\":{\"agent_id\":\"agent_h\",\"conversation_id\":\"" + conv()
                + "\",\"status\":null,\"user_id\":null,\"transcript\":null,\"metadata\":null,\"analysis\":null,"
                + "\"conversation_initiation_client_data\":null,\"agent_name\":null,\"has_audio\":null,"
                + "\"tag_ids\":null}}")), seen -> assertThat(seen.report().turnCount()).as("not sent").isNull()));
        all.add(accepted("null inside every nested object and turn", () -> signed(utf8("{\"type\":"
                + "\"post_call_transcription\",\"event_timestamp\":" + now() + ",\"data\":{\"agent_id\":\"agent_h\","
                + "\"conversation_id\":\"" + conv() + "\",\"transcript\":[null,{\"role\":null,\"message\":null,"
                + "\"tool_calls\":null,\"tool_results\":[null],\"feedback\":null,\"time_in_call_secs\":null}],"
                + "\"metadata\":{\"start_time_unix_secs\":null,\"call_duration_secs\":null,\"cost\":null,"
                + "\"phone_call\":null,\"deletion_settings\":null,\"feedback\":null,\"charging\":null},\"analysis\":{"
                + "\"call_successful\":null,\"transcript_summary\":null,\"evaluation_criteria_results\":null,"
                + "\"data_collection_results\":{\"x\":null}}}}")), seen -> { }));
        all.add(accepted("data with only the ids", () -> signed(utf8("{\"type\":\"post_call_transcription\","
                + "\"event_timestamp\":" + now() + ",\"data\":{\"agent_id\":\"agent_h\",\"conversation_id\":\""
                + conv() + "\"}}")), seen -> assertThat(seen.report().transcriptSent()).isFalse()));
        all.add(accepted("empty transcript", () -> signed(transcription(conv(), "[]", "")),
                seen -> {
                    assertThat(seen.report().turnCount()).isZero();
                    assertThat(seen.messages()).isEmpty();
                }));
        all.add(accepted("5,000-turn transcript (spilled to a file)", () -> signed(transcription(conv(),
                turns(5000), "")), seen -> {
                    assertThat(seen.report().turnCount()).isEqualTo(5000);
                    assertThat(seen.messages()).hasSize(5000).last().isEqualTo("turn 4999 " + MARKER);
                }));
        String unicode = "😀 𝄞 emoji and music, line\u2028separator, para\u2029separator, RTL \u202Eevil\u202C, "
                + "e\u0301, 中文, \u0000-free " + MARKER;
        all.add(accepted("unicode: surrogate pairs, U+2028, U+2029, bidi controls, raw", () -> signed(transcription(
                conv(), "[" + turn("user", unicode) + "]", "")),
                seen -> assertThat(seen.messages()).containsExactly(unicode)));
        all.add(accepted("unicode: the same as \\u escapes", () -> signed(transcription(conv(), "[{\"role\":\"user\","
                + "\"message\":\"\\ud83d\\ude00 \\u2028 \\u2029 \\u0041 " + MARKER + "\"}]", "")),
                seen -> assertThat(seen.messages()).containsExactly("😀 \u2028 \u2029 A " + MARKER)));
        all.add(accepted("unicode: a lone surrogate escape", () -> signed(transcription(conv(), "[{\"role\":"
                + "\"user\",\"message\":\"\\ud800 " + MARKER + "\"}]", "")),
                seen -> assertThat(seen.messages()).hasSize(1)));
        all.add(accepted("unicode in the type and the ids", () -> signed(utf8("{\"type\":\"😀\u2028\","
                + "\"event_timestamp\":" + now() + ",\"data\":{\"agent_id\":\"agent_\u2028😀\","
                + "\"conversation_id\":\"conv_\u2029😀_" + IDS.incrementAndGet() + "\"}}")),
                seen -> assertThat(seen.type()).isEqualTo("😀\u2028")));
        all.add(accepted("path traversal in type and conversation id", () -> signed(utf8("{\"type\":\"../../x/y\","
                + "\"event_timestamp\":" + now() + ",\"data\":{\"agent_id\":\"..\\\\..\",\"conversation_id\":"
                + "\"../../../escaped_" + IDS.incrementAndGet() + "/x\"}}")),
                seen -> assertThat(seen.conversationId()).startsWith("../../../escaped_")));
        all.add(accepted("event_timestamp as a numeric string", () -> signed(utf8(("{\"type\":\"post_call_audio\","
                + "\"event_timestamp\":\"" + now() + "\",\"data\":{\"agent_id\":\"a\",\"conversation_id\":\"" + conv()
                + "\",\"full_audio\":\"SUQzBAA=\"}}"))), seen -> assertThat(seen.audioBytes()).isEqualTo(5)));
        all.add(accepted("audio of 300 KB (spilled to a file)", () -> {
            byte[] audio = new byte[300_000];
            new java.util.Random(7).nextBytes(audio);
            return signed(utf8("{\"type\":\"post_call_audio\",\"event_timestamp\":" + now() + ",\"data\":{"
                    + "\"agent_id\":\"a\",\"conversation_id\":\"" + conv() + "\",\"full_audio\":\""
                    + java.util.Base64.getEncoder().encodeToString(audio) + "\"}}"));
        }, seen -> assertThat(seen.audioBytes()).isEqualTo(300_000)));
        all.add(new Case("data that does not fit the model: 200, the delivery kept in failed/", () -> signed(utf8(
                "{\"type\":\"post_call_transcription\",\"event_timestamp\":" + now() + ",\"data\":{\"agent_id\":"
                + "\"a\",\"conversation_id\":\"" + conv() + "\",\"transcript\":\"" + MARKER + "\",\"metadata\":7}}")),
                200, null, 1, 1, seen -> assertThat(seen.get(0).error()).isInstanceOf(MalformedDataException.class)
                        .hasMessageNotContaining(MARKER)));
        all.add(new Case("an observer that throws: 200, the delivery kept in failed/", () -> signed(transcription(
                CountingObserver.FAILING + IDS.incrementAndGet(), turns(2), "")), 200, null, 1, 1,
                seen -> assertThat(seen.get(0).report().turnCount()).isEqualTo(2)));
    }

    // ------------------------------------------------------------------------------------------------------ the test

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hostileRequestIsAnsweredWithoutDispatchOrLeak(String name, Case c) throws Exception {
        CASES_RUN.incrementAndGet();
        try {
            run(c);
        } catch (AssertionError e) {
            throw new AssertionError(name + ": " + e.getMessage(), e);
        }
    }

    private void run(Case c) throws Exception {
        observer.reset();
        int fivexx = stack.responses5xx();
        Set<String> asyncBefore = asyncCopies();

        Reply reply = c.exchange().send();

        assertThat(stack.awaitIdle(Duration.ofSeconds(30))).as("Jetty completed the request").isTrue();
        if (c.status() > 0) {
            assertThat(reply.status()).as("status; body %s", reply.body()).isEqualTo(c.status());
        }
        if (c.problem() != null) {
            assertThat(reply.header("Content-Type")).startsWith("application/problem+json");
            JsonObject problem = Json.createReader(new StringReader(reply.body())).readObject();
            assertThat(problem.getString("type")).isEqualTo(PROBLEMS + c.problem());
            assertThat(problem.getInt("status")).isEqualTo(c.status());
            assertThat(reply.body()).doesNotContain(MARKER, SECRET);
            assertThat(reply.body()).as("no stack trace in the answer")
                    .doesNotContain("Exception", "Error:", "\tat ", "at dev.postcall.", "at org.eclipse.", "at java.");
            if (c.status() == 405) {
                assertThat(reply.header("Allow")).isEqualTo("POST");
            }
            if (UNREAD_BODY.contains(c.problem())) {
                // refused before the body was read (or all of it): the client must not send its next request on
                // this connection
                assertThat(reply.header("Connection")).as("Connection header").isEqualTo("close");
            }
        }
        if (c.status() == 200) {
            assertThat(reply.body()).isEqualTo(RECEIVED);
        }
        List<Seen> seen = observer.seen();
        assertThat(seen).as("events observed").hasSize(c.dispatched());
        if (c.failed() == 0) {
            for (Seen s : seen) {
                assertThat(s.error()).as("reading the event in the observer").isNull();
            }
        }
        c.check().accept(seen);
        assertThat(stack.responses5xx() - fivexx).as("5xx responses sent").isZero();
        assertNothingLeftBehind(asyncBefore, c.failed());

        // and the server still takes a good delivery
        observer.reset();
        byte[] good = valid();
        Reply after = post(good, sig(signature(good, SECRET, now())));
        assertThat(after.status()).as("a valid delivery afterwards").isEqualTo(200);
        assertThat(stack.awaitIdle(Duration.ofSeconds(30))).isTrue();
        assertThat(observer.seen()).hasSize(1);
        assertNothingLeftBehind(asyncBefore, 0);
    }

    @Order(2)
    @Test
    void logsHoldNoSecretNoSignatureAndNoTranscriptText() {
        assertThat(CASES_RUN.get()).as("the suite ran first").isGreaterThanOrEqualTo(60);
        String text = logs.text();
        // the capture sees postcall's DEBUG records (rejections, malformed bodies) and its ERROR with a stack trace
        assertThat(logs.recordsContaining("rejected POST " + WebhookStack.PATH)).hasSizeGreaterThan(40);
        assertThat(logs.recordsContaining("malformed event from")).hasSizeGreaterThan(20);
        assertThat(logs.recordsContaining("the application's database is down")).isNotEmpty();
        // one line per verified delivery; rejections at WARNING at most once per reason per 10 s, the rest at DEBUG
        assertThat(logs.records("INFO", "delivery post_call_transcription conversation=conv_hostile_"))
                .hasSizeGreaterThan(100);
        assertThat(logs.records("WARNING", "delivery (not an event)")).as("verified bodies that are not events, kept")
                .hasSizeGreaterThan(10).allMatch(line -> line.contains("not an event, kept in directory "));
        long windows = 1 + (System.nanoTime() - startedAt) / 10_000_000_000L;
        for (String reason : List.of("signature-header-malformed", "signature-mismatch", "body-too-large")) {
            assertThat(logs.records("WARNING", " " + reason)).as(reason).isNotEmpty()
                    .hasSizeLessThanOrEqualTo((int) windows);
        }
        List<String> forbidden = new ArrayList<>(List.of(SECRET, SECRET.substring(5), OTHER_SECRET,
                OTHER_SECRET.substring(5), MARKER));
        for (String hex : SIGNATURES_SENT) {
            forbidden.add(hex);
            forbidden.add(hex.toUpperCase(Locale.ROOT));
        }
        assertThat(SIGNATURES_SENT).hasSizeGreaterThan(100);
        for (String secret : forbidden) {
            assertThat(text.contains(secret)).as("logs mention %s: %s", secret, logs.recordsContaining(secret))
                    .isFalse();
        }
    }

    @Order(3)
    @Test
    void theWebhooksMBeanCountedEveryRow() throws Exception {
        javax.management.MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName name = null;
        long most = -1;
        for (javax.management.ObjectName candidate : jmx.queryNames(
                new javax.management.ObjectName("dev.postcall:type=Webhook,*"), null)) {
            long verified = (Long) jmx.getAttribute(candidate, "Verified");
            if (verified > most) { // the suite's stack; another test class's, if one were still up, saw less
                most = verified;
                name = candidate;
            }
        }
        assertThat(name).as("the stack's MBean").isNotNull();
        StringBuilder shown = new StringBuilder("MBean " + name + " after the hostile suite:");
        for (javax.management.MBeanAttributeInfo attribute : jmx.getMBeanInfo(name).getAttributes()) {
            Object value = jmx.getAttribute(name, attribute.getName());
            if (value instanceof javax.management.openmbean.TabularData table) {
                StringBuilder rows = new StringBuilder("{");
                for (Object row : table.values()) {
                    javax.management.openmbean.CompositeData entry = (javax.management.openmbean.CompositeData) row;
                    rows.append(rows.length() > 1 ? ", " : "").append(entry.get("key")).append('=')
                            .append(entry.get("value"));
                }
                value = rows.append('}');
            } else if (value instanceof String[] lines) {
                value = Arrays.toString(lines);
            }
            shown.append("\n  ").append(attribute.getName()).append(" = ").append(value);
        }
        System.out.println(shown);
        assertThat((Long) jmx.getAttribute(name, "Rejections")).isGreaterThanOrEqualTo(50);
        assertThat((Long) jmx.getAttribute(name, "Handled")).isGreaterThan(100);
        // the two deliveries the observers failed on, and every verified body that is not an event
        assertThat((Long) jmx.getAttribute(name, "Kept")).isGreaterThan(20);
        assertThat((Long) jmx.getAttribute(name, "Duplicates")).isGreaterThanOrEqualTo(1);
        assertThat(jmx.getAttribute(name, "Ready")).isEqualTo(true);
    }

    // --------------------------------------------------------------------------------------------------- leftovers

    private static void assertNothingLeftBehind(Set<String> asyncBefore, int failed) throws Exception {
        // a client that vanished mid-body can leave Jetty idle before the filter's thread has seen the failed read
        // and dropped the spilled part: give it a moment, then the temp dir must be empty
        long spillDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!list(containerTemp).isEmpty() && System.nanoTime() - spillDeadline < 0) {
            Thread.sleep(10);
        }
        assertThat(list(containerTemp)).as("spilled bodies in the container's temp dir").isEmpty();
        assertThat(list(dir)).as("nothing written beside the inbox").extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("container-tmp", "inbox");
        assertThat(list(inbox.resolve("incoming"))).as("inbox incoming/").isEmpty();
        assertThat(list(inbox.resolve("tmp"))).as("inbox tmp/").isEmpty();
        List<Path> failedEntries = list(inbox.resolve("failed"));
        for (Path entry : failedEntries) { // so that one failing row does not fail the rows after it
            try (Stream<Path> files = Files.walk(entry)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        assertThat(failedEntries).as("inbox failed/").hasSize(failed);
        // no copy for asynchronous observers any more (they hold the same body); none may appear
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Set<String> left = newAsyncCopies(asyncBefore);
        while (!left.isEmpty() && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
            left = newAsyncCopies(asyncBefore);
        }
        assertThat(left).as("async copies in java.io.tmpdir").isEmpty();
    }

    private static Set<String> newAsyncCopies(Set<String> before) throws IOException {
        Set<String> now = asyncCopies();
        now.removeAll(before);
        return now;
    }

    private static Set<String> asyncCopies() throws IOException {
        Set<String> names = new HashSet<>();
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("postcall-async-"))
                    .forEach(names::add);
        }
        return names;
    }

    private static List<Path> list(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.toList();
        }
    }

    // -------------------------------------------------------------------------------------------------- requests

    private static String[] sig(String value) {
        return new String[] {"ElevenLabs-Signature", value};
    }

    private static Reply post(byte[] body, String[]... headers) throws Exception {
        List<String> flat = new ArrayList<>();
        for (String[] h : headers) {
            flat.addAll(List.of(h));
        }
        return send(request(stack.uri(), "POST", body, flat.toArray(new String[0])));
    }

    private static Reply signed(byte[] body) throws Exception {
        return post(body, sig(signature(body, SECRET, now())));
    }

    private static Reply signedAt(byte[] body, long t) throws Exception {
        return post(body, sig(signature(body, SECRET, t)));
    }

    private static Reply fromPeer(String peer, String... headers) throws Exception {
        byte[] b = valid();
        List<String> lines = new ArrayList<>(List.of(headers));
        lines.add("ElevenLabs-Signature: " + signature(b, SECRET, now()));
        lines.add("Content-Length: " + b.length);
        RawHttp raw = RawHttp.to(stack.uri()).from(peer);
        return raw.exchange(concat(raw.head("POST", lines), b));
    }

    private static HttpRequest request(URI uri, String method, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request.build();
    }

    private static Reply send(HttpRequest request) throws IOException, InterruptedException {
        return Reply.of(CLIENT.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
    }

    private static void assumeIpv6() {
        org.junit.jupiter.api.Assumptions.assumeTrue(ipv6, "no IPv6 loopback on this machine");
    }

    private static boolean ipv6Loopback() {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------ signatures, bodies

    /** A header {@code t=<t>,v0=<hex>}; every hex made here is remembered for the log check. */
    static String signature(byte[] body, String secret, long t) {
        return "t=" + t + ",v0=" + hex(body, secret, String.valueOf(t));
    }

    static String hex(byte[] body, String secret, String t) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(t.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) '.');
            String hex = HexFormat.of().formatHex(mac.doFinal(body));
            SIGNATURES_SENT.add(hex);
            return hex;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String randomV0s(int n) {
        java.util.Random random = new java.util.Random(n);
        List<String> v0s = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            String hex = HexFormat.of().formatHex(bytes);
            SIGNATURES_SENT.add(hex);
            v0s.add("v0=" + hex);
        }
        return String.join(",", v0s);
    }

    static long now() {
        return Instant.now().getEpochSecond();
    }

    static String conv() {
        return "conv_hostile_" + IDS.incrementAndGet();
    }

    /** A good transcription of one turn, with a conversation id of its own so the ledger never sees it twice. */
    static byte[] valid() {
        return transcription(conv(), "[" + turn("user", "hello " + MARKER) + "]", "");
    }

    static byte[] transcription(String conversationId, String transcript, String moreData) {
        return utf8("{\"type\":\"post_call_transcription\",\"event_timestamp\":" + now() + ",\"data\":{"
                + "\"agent_id\":\"agent_hostile\",\"conversation_id\":\"" + conversationId + "\",\"status\":\"done\","
                + "\"transcript\":" + transcript + ",\"metadata\":{\"start_time_unix_secs\":1761402150,"
                + "\"call_duration_secs\":31,\"cost\":187},\"analysis\":{\"call_successful\":\"success\","
                + "\"transcript_summary\":\"summary " + MARKER + "\"}" + moreData + "}}");
    }

    static String turns(int n) {
        StringBuilder turns = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            turns.append(i == 0 ? "" : ",").append(turn(i % 2 == 0 ? "agent" : "user", "turn " + i + " " + MARKER));
        }
        return turns.append(']').toString();
    }

    static String turn(String role, String message) {
        return "{\"role\":\"" + role + "\",\"message\":" + jsonString(message) + ",\"time_in_call_secs\":1}";
    }

    /** A JSON string literal: quotes, backslashes and controls escaped, everything else as UTF-8. */
    static String jsonString(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"').toString();
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            all.writeBytes(p);
        }
        return all.toByteArray();
    }

    private static String printable(String text) {
        String shown = text.length() > 24 ? text.substring(0, 12) + "…(" + text.length() + " chars)" : text;
        return shown.replace("\u0000", "\\0");
    }
}
