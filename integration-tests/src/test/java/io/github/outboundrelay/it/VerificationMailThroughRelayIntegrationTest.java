package io.github.outboundrelay.it;

import static io.github.outboundrelay.it.RelayScenario.awaitAt;
import static io.github.outboundrelay.it.RelayScenario.subjectsAt;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;
import java.util.regex.Matcher;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.testing.ReceivedMail;
import io.github.outboundrelay.testing.SmtpPeer;

/**
 * {@code relay.verificationMail=relay}, where the admin opts in: the code goes through the address's own relay (from the
 * address, authenticated, over TLS), not by the normal path.
 */
class VerificationMailThroughRelayIntegrationTest {
    static final String LOGIN = "user@partner.test";
    static final String PASSWORD = "partner-secret";

    static final SmtpPeer PARTNER = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start();
    static final SmtpPeer GATEWAY = SmtpPeer.builder().plain().start();

    @RegisterExtension
    static JamesServerExtension james = OutboundRelayJames.extension(JamesConfFolder.shipped()
        .withGateway(GATEWAY)
        .verificationMailThroughRelays()
        .trustingTestRelays());

    @BeforeAll
    static void users(GuiceJamesServer server) throws Exception {
        OutboundRelayJames.addUsers(server, "alice");
        new RelayScenario(server).allowDomain(true);
    }

    @AfterAll
    static void stopPeers() {
        PARTNER.close();
        GATEWAY.close();
    }

    @Test
    void theCodeGoesThroughTheRelayFromTheAddress(GuiceJamesServer server) {
        String path = "/outbound-relay/users/alice@ourdomain.test/send-as/alice@partner.test";
        given().spec(OutboundRelayJames.webAdmin(server))
            .body(Map.of("host", "localhost", "port", PARTNER.port(), "security", "STARTTLS", "username", LOGIN,
                "password", PASSWORD))
            .put(path).then().statusCode(200).body("status", equalTo("pending"));

        ReceivedMail confirmation = awaitAt(PARTNER, "Confirm sending mail as alice@partner.test");
        assertThat(confirmation.authenticatedUser()).isEqualTo(LOGIN);
        assertThat(confirmation.tlsActive()).isTrue();
        assertThat(confirmation.envelopeSender()).isEqualTo("alice@partner.test");
        assertThat(confirmation.recipients()).containsExactly("alice@partner.test");
        assertThat(subjectsAt(GATEWAY)).doesNotContain("Confirm sending mail as alice@partner.test");

        Matcher code = RelayScenario.CONFIRMATION_CODE.matcher(confirmation.content());
        assertThat(code.find()).isTrue();
        given().spec(OutboundRelayJames.webAdmin(server)).body(Map.of("code", code.group(1))).post(path + "/confirm")
            .then().statusCode(200).body("status", equalTo("verified"));
    }
}
