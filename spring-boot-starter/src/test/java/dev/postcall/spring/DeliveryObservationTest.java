package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.transport.Kind;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.postcall.monitoring.ReplayReport;
import dev.postcall.signature.WebhookSigner;

/**
 * An observation per delivery in an application with Actuator, whose {@code ObservationRegistry} is a
 * {@link TestObservationRegistry}: Spring Boot's own {@code http.server.requests} observation of each request is its
 * parent, as the container's HTTP span is in a trace, and the same observation is the timer
 * {@code postcall.delivery} in the application's {@code MeterRegistry} (read on {@code /actuator/metrics}: a test
 * class naming Micrometer's types could not even be looked at in the executions without it). Runs in the surefire execution
 * {@code actuator}; deliveries are kept in an inbox, so a failed one can be replayed.
 */
@Tag("actuator")
@SpringBootTest(classes = DeliveryObservationTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"postcall.secret=" + Webhook.SECRET, "management.endpoints.web.exposure.include=metrics"})
class DeliveryObservationTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Recorder.class)
    static class App {
        @Bean
        TestObservationRegistry observationRegistry() {
            return TestObservationRegistry.create();
        }
    }

    static final Path INBOX;

    static {
        try {
            INBOX = Files.createTempDirectory("postcall-observation-inbox-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void inbox(DynamicPropertyRegistry registry) {
        registry.add("postcall.inbox-dir", INBOX::toString);
    }

    @AfterAll
    static void deleteInbox() throws IOException {
        try (Stream<Path> files = Files.walk(INBOX)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Value("${local.server.port}")
    int port;

    @Autowired
    Recorder recorder;

    @Autowired
    TestObservationRegistry observations;

    @Autowired
    PostCallRegistration registration;

    @BeforeEach
    void reset() {
        recorder.reset();
        recorder.failWith = null;
        observations.clear();
    }

    @Test
    void aHandledDeliveryIsAConsumerObservationUnderTheHttpRequestsAndATimerWithoutConversationIds()
            throws Exception {
        byte[] body = transcription("conv_observed");

        assertThat(Webhook.postSigned(port, body).statusCode()).isEqualTo(200);

        PostCallObservationContext delivery = theDelivery();
        assertThat(delivery.getKind()).isEqualTo(Kind.CONSUMER);
        assertThat(delivery.getCarrier()).as("the sender sends no trace context").isEmpty();
        assertThat(delivery.getEventType()).isEqualTo("post_call_transcription");
        assertThat(delivery.getConversationId()).isEqualTo("conv_observed");
        assertThat(delivery.getBodySize()).isEqualTo(body.length);
        assertThat(delivery.getOutcome()).isEqualTo("handled");
        assertThat(delivery.getErrorType()).isNull();
        assertThat(observations).hasObservationWithNameEqualTo("postcall.delivery").that()
                .hasContextualNameEqualTo("process post_call_transcription")
                .hasLowCardinalityKeyValue("messaging.system", "elevenlabs")
                .hasLowCardinalityKeyValue("messaging.operation.name", "process")
                .hasLowCardinalityKeyValue("messaging.operation.type", "process")
                .hasLowCardinalityKeyValue("messaging.destination.name", "post_call_transcription")
                .hasLowCardinalityKeyValue("postcall.delivery.origin", "webhook")
                .hasLowCardinalityKeyValue("postcall.delivery.outcome", "handled")
                .hasLowCardinalityKeyValue("error.type", "none")
                .hasHighCardinalityKeyValue("messaging.message.conversation_id", "conv_observed")
                .hasHighCardinalityKeyValue("messaging.message.body.size", Integer.toString(body.length))
                .doesNotHaveError()
                .hasBeenStarted()
                .hasBeenStopped()
                .hasParentObservationContextMatching(parent -> parent.getName().equals("http.server.requests"));

        HttpResponse<String> timer = Webhook.get(port, "/actuator/metrics/postcall.delivery");
        assertThat(timer.statusCode()).isEqualTo(200);
        JsonObject metric = Json.createReader(new StringReader(timer.body())).readObject();
        assertThat(metric.getJsonArray("measurements").getValuesAs(JsonObject.class))
                .anySatisfy(m -> assertThat(m.getString("statistic")).isEqualTo("COUNT"));
        assertThat(metric.getJsonArray("availableTags").getValuesAs(JsonObject.class))
                .extracting(tag -> tag.getString("tag"))
                .contains("messaging.system", "messaging.destination.name", "postcall.delivery.outcome", "error.type")
                .doesNotContain("messaging.message.conversation_id", "messaging.message.body.size");
        assertThat(timer.body()).doesNotContain("conv_observed");
    }

    /**
     * A request the filter turns down is no delivery and has no observation of postcall's (Spring Boot's
     * {@code http.server.requests} has its 401); a verified body that is not an event is a delivery rejected with
     * 400: its observation has the problem type.
     */
    @Test
    void aRequestTheFilterRejectsHasNoObservationAndAVerifiedBodyThatIsNoEventIsAnError() throws Exception {
        byte[] forged = transcription("conv_forged");
        assertThat(Webhook.post(port, forged, WebhookSigner.header(forged, "wsec_not_the_secret", Instant.now()))
                .statusCode()).isEqualTo(401);
        assertThat(observations).hasNumberOfObservationsWithNameEqualTo("postcall.delivery", 0)
                .hasObservationWithNameEqualTo("http.server.requests");

        assertThat(Webhook.postSigned(port, "{\"not\":\"an event\"}".getBytes(StandardCharsets.UTF_8))
                .statusCode()).isEqualTo(400);

        assertThat(observations).hasObservationWithNameEqualTo("postcall.delivery").that()
                .hasContextualNameEqualTo("process")
                .hasLowCardinalityKeyValue("messaging.destination.name", "none")
                .hasLowCardinalityKeyValue("error.type", "malformed-event")
                .hasLowCardinalityKeyValue("postcall.delivery.outcome", "kept")
                .doesNotHaveHighCardinalityKeyValue("messaging.message.conversation_id", "")
                .hasError()
                .hasParentObservationContextMatching(parent -> parent.getName().equals("http.server.requests"));
        assertThat(theDelivery().getKind()).isEqualTo(Kind.CONSUMER);
    }

    /**
     * A listener that throws: the delivery is kept and answered 200, and its observation has the problem type and an
     * error that names the failure's class, never its message. Its replay, on a thread without an observation, is an
     * observation of its own with origin {@code replay}.
     */
    @Test
    void aFailedDeliveryIsAnErrorWithTheProblemTypeAndItsReplayAnObservationOfItsOwn() throws Exception {
        recorder.failWith = new IllegalStateException("the CRM is down, call wombat-5R1K");

        assertThat(Webhook.postSigned(port, transcription("conv_failing")).statusCode()).isEqualTo(200);

        assertThat(observations).hasObservationWithNameEqualTo("postcall.delivery").that()
                .hasLowCardinalityKeyValue("error.type", "handler-failed")
                .hasLowCardinalityKeyValue("postcall.delivery.outcome", "kept")
                .hasHighCardinalityKeyValue("messaging.message.conversation_id", "conv_failing")
                .hasParentObservationContextMatching(parent -> parent.getName().equals("http.server.requests"))
                .assertThatError()
                .hasMessage("handler-failed (java.lang.IllegalStateException)")
                .hasNoCause();
        PostCallObservationContext failed = theDelivery();
        assertThat(failed.getErrorType()).isEqualTo("handler-failed");

        recorder.failWith = null;
        observations.clear();
        ReplayReport report = registration.monitor().replayFailed();

        assertThat(report.replayed()).isEqualTo(1);
        // another test's body that is not an event may wait in the inbox too, and is replayed beside it
        assertThat(observations).hasAnObservation(replay -> replay.hasNameEqualTo("postcall.delivery")
                .hasContextualNameEqualTo("process post_call_transcription")
                .hasLowCardinalityKeyValue("postcall.delivery.origin", "replay")
                .hasLowCardinalityKeyValue("postcall.delivery.outcome", "handled")
                .hasLowCardinalityKeyValue("error.type", "none")
                .hasHighCardinalityKeyValue("messaging.message.conversation_id", "conv_failing")
                .doesNotHaveError()
                .doesNotHaveParentObservation());
        assertThat(theDelivery("conv_failing").getKind()).isEqualTo(Kind.CONSUMER);
    }

    /** The one delivery observed since the last {@link #reset()}. */
    private PostCallObservationContext theDelivery() {
        List<PostCallObservationContext> deliveries = deliveries();
        assertThat(deliveries).hasSize(1);
        return deliveries.get(0);
    }

    /** The one delivery of {@code conversationId} observed since the last {@link #reset()}. */
    private PostCallObservationContext theDelivery(String conversationId) {
        List<PostCallObservationContext> deliveries = deliveries().stream()
                .filter(delivery -> conversationId.equals(delivery.getConversationId())).toList();
        assertThat(deliveries).hasSize(1);
        return deliveries.get(0);
    }

    private List<PostCallObservationContext> deliveries() {
        List<PostCallObservationContext> deliveries = new ArrayList<>();
        assertThat(observations).hasHandledContextsThatSatisfy(contexts -> contexts.stream()
                .filter(PostCallObservationContext.class::isInstance).map(PostCallObservationContext.class::cast)
                .forEach(deliveries::add));
        return deliveries;
    }

    private static byte[] transcription(String conversationId) {
        return ("{\"type\":\"post_call_transcription\",\"event_timestamp\":" + Instant.now().getEpochSecond()
                + ",\"data\":{\"agent_id\":\"agent_1\",\"conversation_id\":\"" + conversationId
                + "\",\"status\":\"done\",\"transcript\":[]}}").getBytes(StandardCharsets.UTF_8);
    }
}
