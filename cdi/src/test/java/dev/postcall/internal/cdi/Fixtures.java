package dev.postcall.internal.cdi;

import dev.postcall.cdi.Agent;
import dev.postcall.cdi.DeliveryFailure;
import dev.postcall.BodySource;
import dev.postcall.EventParser;
import dev.postcall.PostCallEvent;
import dev.postcall.testsupport.TestData;
import java.nio.file.Path;

/** The webhook fixtures in the repository's {@code testdata/fixtures}. */
final class Fixtures {

    static final String MINIMAL = "transcription-minimal.json";
    static final String MINIMAL_AGENT = "agent_5201k7hwq3m9xv2ne8t4cbr6yd0f";
    static final String MINIMAL_CONVERSATION = "conv_7401k7j2d9fq3wz8hy6vts0a1cmb";
    static final String INBOUND = "transcription-phone-inbound.json";
    static final String INBOUND_AGENT = "agent_3301k6pd7wz2ha9qx5ct8mvy4rne";
    static final String AUDIO = "audio.json";
    static final String FAILURE_SIP = "failure-sip.json";
    static final String UNKNOWN = "unknown-type.json";

    private static final EventParser PARSER = new EventParser();

    private Fixtures() {
    }

    /** A transcription whose {@code data} has no {@code agent_id}. */
    static PostCallEvent withoutAgent() {
        byte[] body = ("{\"type\":\"post_call_transcription\",\"event_timestamp\":1761400000,"
                + "\"data\":{\"conversation_id\":\"conv_no_agent\",\"transcript\":[]}}\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            return PARSER.parse(BodySource.ofBytes(body));
        } catch (Exception e) {
            throw new IllegalStateException("the agentless body did not parse", e);
        }
    }

    static Path file(String name) {
        return TestData.fixture(name);
    }

    static byte[] bytes(String name) {
        return TestData.bytes(name);
    }

    static PostCallEvent event(String name) {
        try {
            return PARSER.parse(BodySource.ofBytes(bytes(name)));
        } catch (Exception e) {
            throw new IllegalStateException("fixture " + name + " did not parse", e);
        }
    }
}
