package io.github.outboundrelay.it;

import static io.github.outboundrelay.it.RelayScenario.awaitAt;
import static io.github.outboundrelay.it.RelayScenario.uniqueSubject;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import javax.mail.MessagingException;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.testing.ReceivedMail;
import io.github.outboundrelay.testing.SmtpPeer;
import io.restassured.specification.RequestSpecification;

/**
 * Gmail's ownership check, end to end: saving a send-as address tries its relay, then mails a one-time code to the
 * address by the normal path (the gateway peer stands for the internet and the address's mailbox); only who reads it
 * there can make the address usable. Every step is read where it lands: the partner server, the gateway, the API's
 * answers, the relayed mail. The opt-in route through the relay: {@link VerificationMailThroughRelayIntegrationTest}.
 */
class SendAsVerificationIntegrationTest {
    static final String LOGIN = "user@partner.test";
    static final String PASSWORD = "partner-secret";

    static final SmtpPeer PARTNER = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start();
    static final SmtpPeer OTHER_PARTNER = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start();
    static final SmtpPeer REJECTING = SmtpPeer.builder().requireStartTls().rejectAllAuth().start();
    /** The domain's gateway: the normal path, where the code mails go (the internet, up to the address's mailbox). */
    static final SmtpPeer GATEWAY = SmtpPeer.builder().plain().start();
    static final SmtpPeer SELF_SIGNED = SmtpPeer.builder().requireStartTls().withUntrustedCertificate().requireAuth(LOGIN, PASSWORD).start();
    /** Logs what it is sent: a stored password must never reach it. */
    static final SmtpPeer TRAP = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start();

    @RegisterExtension
    static JamesServerExtension james = OutboundRelayJames.extension(JamesConfFolder.shipped()
        .withGateway(GATEWAY)
        .trustingTestRelays());

    private RequestSpecification admin;
    private RelayScenario scenario;

    @BeforeAll
    static void users(GuiceJamesServer server) throws Exception {
        OutboundRelayJames.addUsers(server, "alice", "bob", "carol", "dave");
        new RelayScenario(server).allowDomain(true);
    }

    @AfterAll
    static void stopPeers() {
        PARTNER.close();
        OTHER_PARTNER.close();
        REJECTING.close();
        SELF_SIGNED.close();
        TRAP.close();
        GATEWAY.close();
    }

    @BeforeEach
    void setUp(GuiceJamesServer server) {
        admin = OutboundRelayJames.webAdmin(server);
        scenario = new RelayScenario(server);
    }

    @Test
    void theCodeMailedToTheAddressByTheNormalPathMakesTheAddressUsable() throws Exception {
        String path = "/outbound-relay/users/alice@ourdomain.test/send-as/alice@partner.test";
        int partnerMailsBefore = PARTNER.received().size();
        given().spec(admin).body(body(PARTNER)).put(path).then().statusCode(200).body("status", equalTo("pending"));

        // To the mailbox, like any mail James sends, from the postmaster: not through the relay being verified.
        ReceivedMail confirmation = awaitAt(GATEWAY, "Confirm sending mail as alice@partner.test");
        assertThat(confirmation.recipients()).containsExactly("alice@partner.test");
        assertThat(confirmation.envelopeSender()).startsWith("postmaster@");
        assertThat(PARTNER.received()).hasSize(partnerMailsBefore);
        String code = code(confirmation);

        // Pending: neither MAIL FROM nor relaying.
        assertThatThrownBy(() -> scenario.submissionAs("alice@ourdomain.test", "alice@partner.test").subject(uniqueSubject()).send())
            .isInstanceOf(MessagingException.class).hasStackTraceContaining("503");

        given().spec(admin).body(Map.of("code", "AAAA-AAAA-AAAA-AAAA")).post(path + "/confirm")
            .then().statusCode(400).body("message", startsWith("'code'")).body("message", containsString("4 tries left"));
        given().spec(admin).body(Map.of("code", code.toLowerCase())).post(path + "/confirm")
            .then().statusCode(200).body("status", equalTo("verified"));
        given().spec(admin).get(path).then().body("status", equalTo("verified"));
        given().spec(admin).post(path + "/verification").then().statusCode(409);

        String subject = uniqueSubject();
        scenario.submissionAs("alice@ourdomain.test", "alice@partner.test").subject(subject).send();
        assertThat(awaitAt(PARTNER, subject).envelopeSender()).isEqualTo("alice@partner.test");
    }

    @Test
    void changingTheRelayHostMakesTheAddressPendingWithANewCode() throws Exception {
        String path = "/outbound-relay/users/bob@ourdomain.test/send-as/bob@partner.test";
        Map<String, Object> vouched = body(PARTNER);
        vouched.put("verified", true);
        given().spec(admin).body(vouched).put(path).then().statusCode(200).body("status", equalTo("verified"));

        Map<String, Object> moved = body(OTHER_PARTNER);
        moved.put("host", "127.0.0.1");
        given().spec(admin).body(moved).put(path).then().statusCode(200).body("status", equalTo("pending"));
        ReceivedMail confirmation = awaitAt(GATEWAY, "Confirm sending mail as bob@partner.test");
        given().spec(admin).body(Map.of("code", code(confirmation))).post(path + "/confirm")
            .then().statusCode(200).body("status", equalTo("verified"));
    }

    @Test
    void theStoredPasswordNeverFollowsTheAddressToANewRelay() {
        String path = "/outbound-relay/users/bob@ourdomain.test/send-as/bob@moving.test";
        Map<String, Object> vouched = body(PARTNER);
        vouched.put("verified", true);
        given().spec(admin).body(vouched).put(path).then().statusCode(200);
        int connectionsBefore = TRAP.connectionCount();

        Map<String, Object> toTheTrap = body(TRAP);
        toTheTrap.remove("password");
        given().spec(admin).body(toTheTrap).put(path).then().statusCode(400).body("message", startsWith("'password'"));

        assertThat(TRAP.connectionCount()).isEqualTo(connectionsBefore);
        assertThat(TRAP.authAttempts()).isZero();
        given().spec(admin).get(path).then().body("port", equalTo(PARTNER.port())).body("status", equalTo("verified"));
    }

    @Test
    void anotherPortOfTheSameHostMakesTheAddressPendingAgain() {
        String path = "/outbound-relay/users/bob@ourdomain.test/send-as/bob@newport.test";
        Map<String, Object> vouched = body(PARTNER);
        vouched.put("verified", true);
        given().spec(admin).body(vouched).put(path).then().statusCode(200).body("status", equalTo("verified"));

        // Same host name (localhost), same account, another port: a relay the verification was not about.
        given().spec(admin).body(body(OTHER_PARTNER)).put(path).then().statusCode(200).body("status", equalTo("pending"));
        given().spec(admin).get(path).then().body("status", equalTo("pending"));
    }

    @Test
    void aPasswordOnlyChangeIsTriedAndKeepsTheAddressVerified() {
        String path = "/outbound-relay/users/bob@ourdomain.test/send-as/bob@newpassword.test";
        Map<String, Object> vouched = body(PARTNER);
        vouched.put("verified", true);
        vouched.put("password", "an-old-password");
        given().spec(admin).body(vouched).put(path).then().statusCode(200);

        given().spec(admin).body(body(PARTNER)).put(path).then().statusCode(200).body("status", equalTo("verified"));
    }

    @Test
    void aRelayThatFailsItsTestIsRefusedWithAReasonClassAndNotSaved() {
        String path = "/outbound-relay/users/carol@ourdomain.test/send-as/carol@partner.test";
        given().spec(admin).body(body(REJECTING)).put(path)
            .then().statusCode(422).body("message", containsString("AUTH rejected")).body("message", org.hamcrest.Matchers.not(containsString("535")));
        given().spec(admin).body(body(SELF_SIGNED)).put(path)
            .then().statusCode(422).body("message", containsString("TLS failed"));
        Map<String, Object> nobody = body(PARTNER);
        nobody.put("port", SmtpPeer.freePort());
        given().spec(admin).body(nobody).put(path)
            .then().statusCode(422).body("message", containsString("unreachable"));
        given().spec(admin).get(path).then().statusCode(404);
        assertThat(SELF_SIGNED.authAttempts()).isZero();
    }

    @Test
    void wrongCodesLockAndANewCodeUnlocks() {
        String path = "/outbound-relay/users/dave@ourdomain.test/send-as/dave@partner.test";
        given().spec(admin).body(body(PARTNER)).put(path).then().statusCode(200);
        String subject = "Confirm sending mail as dave@partner.test";
        String first = code(awaitAt(GATEWAY, subject));
        for (int i = 0; i < 4; i++) {
            given().spec(admin).body(Map.of("code", "AAAA-AAAA-AAAA-AAAA")).post(path + "/confirm").then().statusCode(400);
        }
        given().spec(admin).body(Map.of("code", "AAAA-AAAA-AAAA-AAAA")).post(path + "/confirm").then().statusCode(409);
        given().spec(admin).body(Map.of("code", first)).post(path + "/confirm").then().statusCode(409);

        given().spec(admin).post(path + "/verification").then().statusCode(202).body("status", equalTo("pending"));
        String second = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
            .until(() -> RelayScenario.withSubject(GATEWAY, subject).stream().map(SendAsVerificationIntegrationTest::code)
                .filter(candidate -> !candidate.equals(first)).findFirst(), java.util.Optional::isPresent)
            .orElseThrow();
        given().spec(admin).body(Map.of("code", second)).post(path + "/confirm").then().statusCode(200).body("status", equalTo("verified"));
    }

    private static String code(ReceivedMail mail) {
        return RelayScenario.confirmationCode(mail);
    }

    private static Map<String, Object> body(SmtpPeer relay) {
        Map<String, Object> body = new HashMap<>();
        body.put("host", "localhost");
        body.put("port", relay.port());
        body.put("security", "STARTTLS");
        body.put("username", LOGIN);
        body.put("password", PASSWORD);
        return body;
    }
}
