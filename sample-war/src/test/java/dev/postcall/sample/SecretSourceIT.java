package dev.postcall.sample;

import dev.postcall.signature.WebhookSigner;
import dev.postcall.testsupport.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On the servers whose filter names its secret in web.xml as a reference ({@code ${jndi:java:comp/env/…}} on
 * Tomcat 11, {@code ${mp:…}} on Open Liberty; failsafe property {@code postcall.it.secretFrom}), the secret the
 * server defines is the one that verifies: a fixture signed with it is taken, one signed with the secret every
 * other server has in its environment is refused. The server runs without that variable, so a filter that ignored
 * the reference would not even start.
 */
class SecretSourceIT {

    private static SampleServer server;

    @BeforeAll
    static void serverIsUp() {
        server = SampleServer.running();
        assertThat(System.getProperty("postcall.it.secretFrom")).as("where %s's filter reads its secret", server.name)
                .isIn("jndi", "mp");
        assertThat(server.secret).as("the server's own secret differs from the environment's")
                .isNotEqualTo(System.getProperty("postcall.it.envSecret"));
    }

    @Test
    void aFixtureSignedWithTheServersOwnSecretIsAccepted() throws Exception {
        byte[] body = TestData.bytes("transcription-minimal.json");

        HttpResponse<String> response = server.deliver(body, WebhookSigner.header(body, server.secret, Instant.now()));

        assertThat(response.statusCode()).as("%s: %s", server.name, response.body()).isEqualTo(200);
    }

    @Test
    void aFixtureSignedWithTheEnvironmentsSecretIsRefusedWith401() throws Exception {
        byte[] body = TestData.bytes("transcription-minimal.json");
        String environments = System.getProperty("postcall.it.envSecret");

        HttpResponse<String> response = server.deliver(body, WebhookSigner.header(body, environments, Instant.now()));

        assertThat(response.statusCode()).as("%s: %s", server.name, response.body()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
    }
}
