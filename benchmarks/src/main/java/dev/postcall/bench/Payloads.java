package dev.postcall.bench;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The bodies every benchmark and load run uses. {@code 5k} is the vendor-shaped fixture
 * {@code transcription-with-audio-flags.json} (5,048 bytes) byte for byte; {@code 50k} and {@code 1m} are
 * {@code transcription-phone-inbound.json} with its transcript turns repeated until the body reaches the size,
 * written compactly. Generated at setup, so the repository holds only the two small fixtures.
 */
public final class Payloads {

    private static final String SMALL = "payloads/transcription-with-audio-flags.json";
    private static final String LARGE_SOURCE = "payloads/transcription-phone-inbound.json";

    private Payloads() {
    }

    /** A body by name: {@code 5k}, {@code 50k} or {@code 1m}. */
    public static byte[] transcription(String size) {
        switch (size) {
            case "5k":
                return resource(SMALL);
            case "50k":
                return repeatTurns(50 * 1024);
            case "1m":
                return repeatTurns(1024 * 1024);
            default:
                throw new IllegalArgumentException("unknown payload size " + size + " (5k, 50k, 1m)");
        }
    }

    static byte[] resource(String name) {
        try (InputStream in = Payloads.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The large fixture with its turns repeated in order until the compact body is at least {@code target} bytes. */
    static byte[] repeatTurns(int target) {
        JsonObject root = Json.createReader(new StringReader(
                new String(resource(LARGE_SOURCE), StandardCharsets.UTF_8))).readObject();
        JsonObject data = root.getJsonObject("data");
        JsonArray turns = data.getJsonArray("transcript");
        int base = compact(with(root, data, Json.createArrayBuilder().build())).length;
        int[] sizes = new int[turns.size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = turns.get(i).toString().getBytes(StandardCharsets.UTF_8).length + 1;
        }
        List<JsonValue> chosen = new ArrayList<>();
        long total = base;
        for (int i = 0; total < target; i = (i + 1) % sizes.length) {
            chosen.add(turns.get(i));
            total += sizes[i];
        }
        JsonArrayBuilder array = Json.createArrayBuilder();
        chosen.forEach(array::add);
        return compact(with(root, data, array.build()));
    }

    private static JsonObject with(JsonObject root, JsonObject data, JsonArray transcript) {
        JsonObjectBuilder d = Json.createObjectBuilder(data).add("transcript", transcript);
        return Json.createObjectBuilder(root).add("data", d).build();
    }

    private static byte[] compact(JsonObject object) {
        return object.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Writes {@code transcription-5k.json}, {@code -50k} and {@code -1m} into the directory given. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : ".");
        Files.createDirectories(dir);
        for (String size : List.of("5k", "50k", "1m")) {
            byte[] body = transcription(size);
            Files.write(dir.resolve("transcription-" + size + ".json"), body);
            System.out.println("transcription-" + size + ".json " + body.length + " bytes");
        }
    }
}
