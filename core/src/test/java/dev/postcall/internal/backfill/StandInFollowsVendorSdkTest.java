package dev.postcall.internal.backfill;

import dev.postcall.testsupport.ElevenLabsApiStandIn;
import dev.postcall.testsupport.ElevenLabsApiStandIn.Endpoint;
import dev.postcall.testsupport.VendorSdk;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The vendor's own SDK client ({@code @elevenlabs/elevenlabs-js}, installed with npm) reads test-support's stand-in:
 * its generated serializers accept every answer (list pages, each conversation, a recording, the webhooks), so the
 * stand-in speaks the SDK's types; and the SDK asks for a page with the same query names as postcall's client.
 * Skipped, loudly, when npm or node is missing or the registry cannot be reached.
 */
class StandInFollowsVendorSdkTest {

    private static final String KEY = ElevenLabsApiTest.KEY;
    private static final long T = 1795366800;

    @TempDir
    Path dir;

    @Test
    void theVendorsSdkReadsEveryAnswerOfTheStandInAndAsksWithTheSameQueryNames() throws Exception {
        String node = VendorSdk.install(dir, "the API stand-in was NOT checked against the SDK's types");
        try (ElevenLabsApiStandIn standIn = ElevenLabsApiStandIn.start(KEY)) {
            standIn.conversation("conv_phone", "agent_1", T - 500, 39).body("conversation-phone-inbound.json")
                    .audio(new byte[5000]);
            standIn.conversation("conv_sip", "agent_1", T - 400, 21).body("conversation-sip-outbound-no-audio.json");
            standIn.conversation("conv_failed", "agent_1", T - 300, 31).status("failed")
                    .body("conversation-failed.json");
            standIn.conversation("conv_plain", "agent_1", T - 200, 12);
            standIn.conversation("conv_busy", "agent_1", T - 100, 0).status("processing")
                    .body("conversation-phone-inbound.json");
            standIn.conversation("conv_other", "agent_2", T - 50, 5);
            standIn.webhook("wh_support", "Support line").autoDisabled(true).failed(502, T - 60);
            standIn.webhook("wh_sales", "Sales line").usage("ConvAI Settings");

            Path script = dir.resolve("stand-in-check.cjs");
            try (InputStream in = getClass().getResourceAsStream("stand-in-check.cjs")) {
                Files.copy(in, script);
            }
            Path output = dir.resolve("read.json");
            Path log = dir.resolve("node.log");
            int exit = VendorSdk.run(dir, log, 120, node, script.toString(), standIn.baseUrl().toString(), KEY,
                    Long.toString(T - 1000), Long.toString(T), "agent_1", output.toString());
            assertThat(exit).as("node exit; output:\n%s", VendorSdk.tail(log)).isZero();

            JsonObject read;
            try (JsonReader reader = Json.createReader(Files.newBufferedReader(output))) {
                read = reader.readObject();
            }
            System.out.println("vendor SDK @elevenlabs/elevenlabs-js " + VendorSdk.VERSION + " read the stand-in: "
                    + read);
            assertThat(read.getJsonArray("failures")).isEmpty();
            assertThat(read.getInt("pages")).isEqualTo(3);
            assertThat(read.getJsonArray("listed").getValuesAs(JsonObject.class))
                    .extracting(o -> o.getString("id") + ":" + o.getString("status"))
                    .containsExactly("conv_phone:done", "conv_sip:done", "conv_failed:failed", "conv_plain:done",
                            "conv_busy:processing");
            JsonObject details = read.getJsonObject("details");
            assertThat(details.keySet()).hasSize(5);
            assertThat(details.getJsonObject("conv_phone").getInt("turns")).isEqualTo(8);
            assertThat(details.getJsonObject("conv_phone").getBoolean("hasAudio")).isTrue();
            assertThat(details.getJsonObject("conv_busy").getString("status")).isEqualTo("processing");
            assertThat(read.getJsonObject("audio").getInt("conv_phone")).isEqualTo(5000);
            assertThat(read.getJsonArray("webhooks").getValuesAs(JsonObject.class)).first().satisfies(w -> {
                assertThat(w.getBoolean("autoDisabled")).isTrue();
                assertThat(w.getInt("failure")).isEqualTo(502);
            });
            assertThat(standIn.requests()).allSatisfy(r -> assertThat(r.keyAccepted()).isTrue());

            List<ElevenLabsApiStandIn.Recorded> sdkPages = standIn.requests(Endpoint.LIST);
            new ElevenLabsApi(standIn.baseUrl(), KEY, ElevenLabsApi.Policy.DEFAULT, Clock.systemUTC(), d -> { })
                    .conversations(Instant.ofEpochSecond(T - 1000), Instant.ofEpochSecond(T), "agent_1",
                            sdkPages.get(0).param("cursor") == null ? null : "x", 2);
            ElevenLabsApiStandIn.Recorded ours = standIn.requests(Endpoint.LIST).get(sdkPages.size());
            assertThat(ours.query()).isEqualTo(sdkPages.get(0).query());
            assertThat(sdkPages.get(1).query().keySet()).contains("cursor");
        }
    }
}
