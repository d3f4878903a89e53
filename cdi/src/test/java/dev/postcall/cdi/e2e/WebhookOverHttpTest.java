package dev.postcall.cdi.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postcall.CallReport;
import dev.postcall.PostCallEvent;
import dev.postcall.servlet.PostCallWebhookFilter;
import dev.postcall.servlet.PostCallWebhookServlet;
import dev.postcall.signature.WebhookSigner;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jboss.weld.environment.servlet.Listener;
import org.jboss.weld.environment.servlet.WeldServletLifecycle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole path as a Tomcat or Jetty user deploys it: embedded Jetty 12 (ee10), Weld started by weld-servlet's
 * listener, {@link PostCallWebhookFilter} and {@link PostCallWebhookServlet} on {@code /elevenlabs/webhook}, and a
 * signed fixture POSTed over real HTTP. Nothing registers the CDI handler: the servlet finds it through
 * {@code META-INF/services}, and the observer bean {@link Calls} is found by Weld's discovery.
 */
class WebhookOverHttpTest {

    private static final String SECRET = "wsec_e2e_4f1d9c0b7a6e5d4c3b2a19081726354453627180";
    private static final String PATH = "/elevenlabs/webhook";
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private Server server;
    private ServletContextHandler context;
    private URI uri;

    @BeforeEach
    void startServer() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);

        context = new ServletContextHandler("/");
        context.addEventListener(new Listener());
        FilterHolder filter = new FilterHolder(PostCallWebhookFilter.class);
        filter.setInitParameter("secret", SECRET);
        // small enough that audio.json (866 bytes) goes to a temp file, which the filter deletes after answering
        filter.setInitParameter("memory-threshold", "512");
        context.addFilter(filter, PATH, EnumSet.of(DispatcherType.REQUEST));
        ServletHolder servlet = new ServletHolder(PostCallWebhookServlet.class);
        servlet.setInitOrder(1);
        context.addServlet(servlet, PATH);
        server.setHandler(context);
        server.start();
        uri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + PATH);
    }

    @AfterEach
    void stopServer() throws Exception {
        calls().responseReceived();
        server.stop();
    }

    @Test
    void signedTranscriptionReachesTheObserverBean() throws Exception {
        HttpResponse<String> response = postSigned("transcription-phone-inbound.json");

        assertThat(response.statusCode()).isEqualTo(200);
        Calls calls = calls();
        assertThat(calls.calls()).singleElement().satisfies(call -> {
            assertThat(call.type()).isEqualTo("post_call_transcription");
            assertThat(call.conversationId()).isEqualTo("conv_2901k7m4x8rb6tq0zv3wh5njd9sea");
            assertThat(call.agentId()).isEqualTo("agent_3301k6pd7wz2ha9qx5ct8mvy4rne");
        });
        CallReport report = calls.reports().get(0);
        assertThat(report.callerNumber()).isEqualTo("+12025550143");
        assertThat(report.direction()).isEqualTo(CallReport.Direction.INBOUND);
        assertThat(report.duration()).isEqualTo(Duration.ofSeconds(39));
        assertThat(report.cost()).isEqualTo(412L);
        assertThat(report.startTime()).isEqualTo(Instant.ofEpochSecond(1761488650));
        assertThat(report.outcome()).isEqualTo(CallReport.Outcome.SUCCESS);
        assertThat(report.title()).isEqualTo("New patient booking for chipped tooth");
        assertThat(report.language()).isEqualTo("en");
        assertThat(report.collected()).hasSize(4);
        assertThat(calls.everything()).containsExactlyElementsOf(calls.calls());
        CallReport later = calls.later().get(60, TimeUnit.SECONDS);
        // the body was over memory-threshold, so async observers read an equal event over the dispatcher's copy
        assertThat(later).isEqualTo(report);
    }

    @Test
    void throwingObserverGivesTheHandlerFailedProblem() throws Exception {
        HttpResponse<String> response = postSigned("transcription-sip-outbound.json");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonObject problem = Json.createReader(new StringReader(response.body())).readObject();
        assertThat(problem.getString("type")).endsWith("/handler-failed");
        assertThat(problem.getInt("status")).isEqualTo(500);
        assertThat(response.body()).doesNotContain("CRM");
        // the refusing observer has @Priority(1), so the default-priority ones never ran
        assertThat(calls().calls()).isEmpty();
    }

    @Test
    void otherEventTypesReachThePostCallEventObserver() throws Exception {
        assertThat(postSigned("audio.json").statusCode()).isEqualTo(200);
        assertThat(postSigned("unknown-type.json").statusCode()).isEqualTo(200);

        assertThat(calls().everything()).extracting(PostCallEvent::type)
                .containsExactly("post_call_audio", "conversation_escalated");
        assertThat(calls().calls()).isEmpty();
    }

    @Test
    void asyncObserverSavesAudioWhoseRequestBufferIsAlreadyDeleted() throws Exception {
        HttpResponse<String> response = postSigned("audio.json");
        assertThat(response.statusCode()).isEqualTo(200);
        calls().responseReceived();

        byte[] saved = calls().savedAudio().get(60, TimeUnit.SECONDS);

        assertThat(saved).hasSize(486).startsWith('I', 'D', '3');
        assertThat(calls().everything()).extracting(PostCallEvent::type).containsExactly("post_call_audio");
    }

    private Calls calls() {
        BeanManager manager = (BeanManager) context.getServletContext()
                .getAttribute(WeldServletLifecycle.BEAN_MANAGER_ATTRIBUTE_NAME);
        return manager.createInstance().select(Calls.class).get();
    }

    private HttpResponse<String> postSigned(String fixture) throws IOException, InterruptedException {
        byte[] body = Files.readAllBytes(Path.of(System.getProperty("postcall.fixtures"), fixture));
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header(PostCallWebhookFilter.SIGNATURE_HEADER, WebhookSigner.header(body, SECRET, Instant.now()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
