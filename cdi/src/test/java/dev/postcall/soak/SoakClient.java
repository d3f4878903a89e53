package dev.postcall.soak;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
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
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mixed webhook traffic at saturation (every thread sends its next request as soon as the last one is answered)
 * against a running server, for {@code soak/soak.sh}. Each minute it pauses the traffic until every request is
 * answered, forces a full GC in the server ({@code jcmd <pid> GC.run}) and records the heap used after it
 * ({@code GC.heap_info}), the server's open file descriptors ({@code /proc/<pid>/fd}) and the temp files (spilled
 * bodies, async copies, inbox entries) in its directories; at the end it waits for the server to finish, measures once more, and judges: no unexpected status,
 * heap at the last minute within 10 % of minute 2, file descriptors within 10 % (or 10) of minute 2, no temp file.
 *
 * <p>Arguments: {@code <url> <secret> <minutes> <threads> <server pid> [<dir to count temp files in>...]}.
 */
public final class SoakClient {

    /** One kind of request and the statuses it may get. */
    enum Kind {
        TRANSCRIPTION(40, 200), LONG_TRANSCRIPTION(8, 200), AUDIO(8, 200), UNKNOWN_TYPE(4, 200),
        WRONG_SECRET(10, 401), TAMPERED(5, 401), TOO_OLD(5, 401), NO_HEADER(4, 401), MALFORMED_JSON(5, 400),
        GET(4, 405), OVER_LIMIT(3, 413), ABORTED(4, -1);

        final int weight;
        final int expected;

        Kind(int weight, int expected) {
            this.weight = weight;
            this.expected = expected;
        }
    }

    private final URI uri;
    private final String secret;
    private final long pid;
    private final List<Path> watched;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final LongAdder unexpected = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final List<String> unexpectedSamples = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean running = new AtomicBoolean(true);
    private Semaphore inFlight;
    private int threads;
    private final Kind[] wheel;
    private final byte[] audio;

    private SoakClient(URI uri, String secret, long pid, List<Path> watched) {
        this.uri = uri;
        this.secret = secret;
        this.pid = pid;
        this.watched = watched;
        List<Kind> kinds = new ArrayList<>();
        for (Kind k : Kind.values()) {
            for (int i = 0; i < k.weight; i++) {
                kinds.add(k);
            }
        }
        wheel = kinds.toArray(new Kind[0]);
        // over the soak server's 16 KiB memory threshold; -Dsoak.audioBytes=900000 passes a 1 MiB one too
        audio = new byte[Integer.getInteger("soak.audioBytes", 150_000)];
        new Random(42).nextBytes(audio);
    }

    /** Runs the soak; exits 0 when every criterion holds, 1 otherwise. */
    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: SoakClient <url> <secret> <minutes> <threads> <pid> [<temp dir>...]");
            System.exit(2);
        }
        List<Path> watched = new ArrayList<>();
        for (int i = 5; i < args.length; i++) {
            watched.add(Path.of(args[i]));
        }
        SoakClient soak = new SoakClient(URI.create(args[0]), args[1], Long.parseLong(args[4]), watched);
        System.exit(soak.run(Integer.parseInt(args[2]), Integer.parseInt(args[3])) ? 0 : 1);
    }

    private boolean run(int minutes, int threads) throws Exception {
        this.threads = threads;
        inFlight = new Semaphore(threads, true);
        System.out.printf("soak: %d min, %d threads, against %s (pid %d)%n", minutes, threads, uri, pid);
        Sample before = sample(0);
        System.out.println(before);
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::loop, "soak-" + i);
            t.start();
            workers.add(t);
        }
        int warmup = Integer.getInteger("soak.warmupMinutes", 0);
        if (warmup > 0) {
            // fills what the server keeps by design (the delivery ledger's 100,000 keys) before anything is judged
            Thread.sleep(TimeUnit.MINUTES.toMillis(warmup));
            System.out.println(sample(0).toString().replace("minute 0 ", "warmed up"));
        }
        List<Sample> samples = new ArrayList<>();
        long start = System.nanoTime();
        for (int m = 1; m <= minutes; m++) {
            long due = start + TimeUnit.MINUTES.toNanos(m);
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                Thread.sleep(Math.min(1000, TimeUnit.NANOSECONDS.toMillis(wait) + 1));
            }
            Sample s = sample(m);
            samples.add(s);
            System.out.println(s);
        }
        running.set(false);
        for (Thread t : workers) {
            t.join();
        }
        Thread.sleep(5_000); // async observers and the filter's cleanup finish; idle connections stay open
        Sample after = sample(-1);
        System.out.println(after);

        Sample two = samples.get(Math.min(1, samples.size() - 1));
        Sample last = samples.get(samples.size() - 1);
        double heapChange = (last.heapUsedKb - two.heapUsedKb) * 100.0 / two.heapUsedKb;
        long fdChange = last.fds - two.fds;
        System.out.println();
        System.out.println("requests: " + sent.sum() + " (" + sent.sum() / ((minutes + warmup) * 60)
                + "/s, warm-up included); by kind/status: "
                + new java.util.TreeMap<>(counts));
        System.out.println("unexpected statuses: " + unexpected.sum() + (unexpectedSamples.isEmpty() ? ""
                : " e.g. " + unexpectedSamples.subList(0, Math.min(5, unexpectedSamples.size()))));
        System.out.printf("heap after full GC: minute %d %,d KB, minute %d %,d KB (%+.1f %%)%n", two.minute,
                two.heapUsedKb, last.minute, last.heapUsedKb, heapChange);
        System.out.printf("file descriptors: minute %d %d, minute %d %d, after %d%n", two.minute, two.fds,
                last.minute, last.fds, after.fds);
        long maxTemp = samples.stream().mapToLong(s -> s.tempFiles).max().orElse(0);
        System.out.printf("temp files: at most %d at a (paused) sample, after the run %d%n", maxTemp,
                after.tempFiles);
        boolean ok = unexpected.sum() == 0 && Math.abs(heapChange) <= 10.0 && after.tempFiles == 0 && maxTemp == 0
                && Math.abs(fdChange) <= Math.max(10, two.fds / 10);
        System.out.println(ok ? "SOAK PASSED" : "SOAK FAILED");
        return ok;
    }

    private void loop() {
        while (running.get()) {
            Kind kind = wheel[ThreadLocalRandom.current().nextInt(wheel.length)];
            int status;
            String error = null;
            try {
                inFlight.acquire();
            } catch (InterruptedException e) {
                return;
            }
            try {
                status = send(kind);
            } catch (IOException | RuntimeException e) {
                status = -2;
                error = e.toString();
            } catch (InterruptedException e) {
                return;
            } finally {
                inFlight.release();
            }
            sent.increment();
            counts.computeIfAbsent(kind + "=" + status, k -> new LongAdder()).increment();
            if (status != kind.expected) {
                unexpected.increment();
                if (unexpectedSamples.size() < 20) {
                    unexpectedSamples.add(kind + " got " + status + (error == null ? "" : " " + error));
                }
            }
        }
    }

    private int send(Kind kind) throws IOException, InterruptedException {
        long now = Instant.now().getEpochSecond();
        switch (kind) {
            case TRANSCRIPTION:
                return post(transcription(3), now, secret);
            case LONG_TRANSCRIPTION:
                return post(transcription(400), now, secret);
            case AUDIO:
                return post(json("{\"type\":\"post_call_audio\",\"event_timestamp\":" + now + ",\"data\":{"
                        + "\"agent_id\":\"agent_soak\",\"conversation_id\":\"conv_soak_" + ids.incrementAndGet()
                        + "\",\"full_audio\":\"" + Base64.getEncoder().encodeToString(audio) + "\"}}"), now, secret);
            case UNKNOWN_TYPE:
                return post(json("{\"type\":\"soak_event\",\"event_timestamp\":" + now + ",\"data\":{"
                        + "\"conversation_id\":\"conv_soak_" + ids.incrementAndGet() + "\"}}"), now, secret);
            case WRONG_SECRET:
                return post(transcription(3), now, secret + "x");
            case TAMPERED: {
                byte[] body = transcription(3);
                String header = header(body, now, secret);
                body[body.length - 3] ^= 1;
                return send(HttpRequest.newBuilder(uri).header("ElevenLabs-Signature", header)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
            }
            case TOO_OLD:
                return post(transcription(3), now - 3600, secret);
            case NO_HEADER:
                return send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(transcription(3)))
                        .build());
            case MALFORMED_JSON:
                return post(json("{\"type\":\"post_call_transcription\",\"data\":{\"a\":[1,2"), now, secret);
            case GET:
                return send(HttpRequest.newBuilder(uri).GET().build());
            case OVER_LIMIT: // over the soak server's 1 MiB and over the default 256 MiB of any other
                return raw(header(new byte[0], now, secret), 300 * 1024 * 1024, 0);
            case ABORTED: {
                byte[] body = transcription(400);
                raw(header(body, now, secret), body.length, body.length / 2);
                return -1;
            }
            default:
                throw new IllegalStateException(kind.name());
        }
    }

    private int post(byte[] body, long t, String key) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri).header("ElevenLabs-Signature", header(body, t, key))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());
    }

    private int send(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /**
     * Declares {@code declared} bytes and sends {@code sent} of a body on a socket of its own: with {@code sent} 0
     * reads the answer (413 expected), otherwise resets the connection after them (a client that gave up).
     */
    private int raw(String signature, int declared, int sent) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nConnection: close\r\nElevenLabs-Signature: " + signature + "\r\nContent-Length: "
                    + declared + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            if (sent > 0) {
                out.write(new byte[sent]);
                out.flush();
                socket.setSoLinger(true, 0);
                return -1;
            }
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0 && head.size() < 12) {
                head.write(b);
            }
            String line = head.toString(StandardCharsets.ISO_8859_1);
            return line.startsWith("HTTP/1.1 ") ? Integer.parseInt(line.substring(9, 12)) : -3;
        }
    }

    private byte[] transcription(int turns) {
        StringBuilder json = new StringBuilder("{\"type\":\"post_call_transcription\",\"event_timestamp\":")
                .append(Instant.now().getEpochSecond()).append(",\"data\":{\"agent_id\":\"agent_soak\",")
                .append("\"conversation_id\":\"conv_soak_").append(ids.incrementAndGet())
                .append("\",\"status\":\"done\",\"transcript\":[");
        for (int i = 0; i < turns; i++) {
            json.append(i == 0 ? "" : ",").append("{\"role\":\"").append(i % 2 == 0 ? "agent" : "user")
                    .append("\",\"message\":\"turn ").append(i).append(" of a soak call\",\"time_in_call_secs\":")
                    .append(i).append('}');
        }
        json.append("],\"metadata\":{\"start_time_unix_secs\":1761402150,\"call_duration_secs\":31,\"cost\":187},")
                .append("\"analysis\":{\"call_successful\":\"success\",\"transcript_summary\":\"a soak call\"}}}");
        return json(json.toString());
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String header(byte[] body, long t, String key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
            return "t=" + t + ",v0=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------------------ measuring

    /** The server's state at one minute ({@code -1}: after the run). */
    record Sample(int minute, long heapUsedKb, long fds, long tempFiles, long requests) {
        @Override
        public String toString() {
            return String.format("%-9s heap after full GC %,8d KB   fds %4d   temp files %3d   requests %,d",
                    minute < 0 ? "after" : "minute " + minute, heapUsedKb, fds, tempFiles, requests);
        }
    }

    private static final Pattern USED = Pattern.compile("total \\d+K, used (\\d+)K");

    /**
     * Pauses the traffic (every in-flight request answered, a second for the server's cleanup after answering and
     * for async observers), measures, and lets the traffic go on: the heap then holds what the server retains, not
     * the bodies of the requests it is serving.
     */
    private Sample sample(int minute) throws IOException, InterruptedException {
        boolean paused = inFlight != null && running.get();
        if (paused) {
            inFlight.acquire(threads);
        }
        try {
            Thread.sleep(paused ? 1000 : 0);
            return measure(minute);
        } finally {
            if (paused) {
                inFlight.release(threads);
            }
        }
    }

    private Sample measure(int minute) throws IOException, InterruptedException {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Matcher used = USED.matcher(info);
        long heap = used.find() ? Long.parseLong(used.group(1)) : -1;
        long fds;
        try (var list = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            fds = list.count();
        }
        long temp = 0;
        for (Path dir : watched) {
            if (Files.isDirectory(dir)) {
                try (var files = Files.walk(dir)) {
                    temp += files.filter(Files::isRegularFile).count();
                }
            }
        }
        return new Sample(minute, heap, fds, temp, sent.sum());
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), command).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("jcmd " + command + " failed: " + out);
        }
        return out;
    }
}
