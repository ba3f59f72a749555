package io.github.outboundrelay.it;

import static io.github.outboundrelay.it.RelayScenario.awaitAt;
import static io.github.outboundrelay.it.RelayScenario.subjectsAt;
import static io.github.outboundrelay.it.RelayScenario.uniqueSubject;
import static io.github.outboundrelay.it.SendAsFixture.ALICE;
import static io.github.outboundrelay.it.SendAsFixture.BOB;
import static io.github.outboundrelay.it.SendAsFixture.PARTNER_LOGIN;
import static io.github.outboundrelay.it.SendAsFixture.PARTNER_PASSWORD;
import static io.github.outboundrelay.it.SendAsFixture.RECIPIENT;
import static io.github.outboundrelay.it.SendAsFixture.SEND_AS;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.mail.MessagingException;

import org.apache.james.GuiceJamesServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.server.OutboundRelayServerMain;
import io.github.outboundrelay.testing.ReceivedMail;
import io.github.outboundrelay.testing.SmtpPeer;
import io.restassured.path.json.JsonPath;

/**
 * Send-as over JMAP (RFC 8621) in the server that {@code ./run} starts ({@link OutboundRelayServerMain}), spoken over
 * HTTP as a web client does: the session, {@code Identity/get}, {@code Email/set} for the draft and
 * {@code EmailSubmission/set}. The relayed mail is read at a real partner SMTP server requiring STARTTLS and AUTH, with
 * the domain's gateway as a second real SMTP listener.
 */
class JmapSendAsIntegrationTest {
    @RegisterExtension
    static final SendAsFixture FIXTURE = new SendAsFixture(conf -> conf, OutboundRelayServerMain::createServer);
    static final SmtpPeer PARTNER = FIXTURE.partner();
    static final SmtpPeer GATEWAY = FIXTURE.gateway();

    private final GuiceJamesServer server = FIXTURE.server();
    private final RelayScenario scenario = FIXTURE.scenario();

    @AfterEach
    void removeSendAs() {
        FIXTURE.removeAlicesAddress();
    }

    @Test
    void aVerifiedSendAsAddressIsAnIdentityUntilItIsRemoved() {
        JmapClient alice = JmapClient.login(server, ALICE, OutboundRelayJames.PASSWORD);
        assertThat(alice.identityAddresses()).containsExactly(ALICE);

        FIXTURE.registerAlicesAddress();
        assertThat(alice.identityAddresses()).containsExactlyInAnyOrder(ALICE, SEND_AS);

        given().spec(OutboundRelayJames.webAdmin(server)).delete("/outbound-relay/users/" + ALICE + "/send-as/" + SEND_AS)
            .then().statusCode(204);
        assertThat(alice.identityAddresses()).containsExactly(ALICE);
    }

    @Test
    void theDisplayNameOfTheAddressIsTheIdentitysName() {
        given().spec(OutboundRelayJames.webAdmin(server))
            .body(Map.of("host", "localhost", "port", PARTNER.port(), "security", "STARTTLS", "username", PARTNER_LOGIN,
                "password", PARTNER_PASSWORD, "verified", true, "displayName", "Alice Martin (Partner)"))
            .put("/outbound-relay/users/" + ALICE + "/send-as/" + SEND_AS)
            .then().statusCode(200).body("displayName", equalTo("Alice Martin (Partner)"));

        List<Map<String, Object>> identities = JmapClient.login(server, ALICE, OutboundRelayJames.PASSWORD).identities();

        assertThat(identities).filteredOn(identity -> SEND_AS.equals(identity.get("email")))
            .extracting(identity -> identity.get("name")).containsExactly("Alice Martin (Partner)");
        assertThat(identities).filteredOn(identity -> ALICE.equals(identity.get("email")))
            .extracting(identity -> identity.get("name")).containsExactly(ALICE);
    }

    @Test
    void aPendingAddressIsNoIdentityAndCannotBeSentFrom() throws Exception {
        registerPending();
        JmapClient alice = JmapClient.login(server, ALICE, OutboundRelayJames.PASSWORD);
        assertThat(alice.identityAddresses()).containsExactly(ALICE);

        String subject = uniqueSubject();
        JsonPath submission = alice.sendDraft(SEND_AS, RECIPIENT, subject);

        assertRefused(submission, subject);
    }

    @Test
    void aJmapSubmissionAsTheSendAsAddressIsRelayedThroughThePartnerServer() throws Exception {
        FIXTURE.registerAlicesAddress();
        String subject = uniqueSubject();

        JsonPath submission = JmapClient.login(server, ALICE, OutboundRelayJames.PASSWORD).sendDraft(SEND_AS, RECIPIENT, subject);

        assertThat(submission.getString("created.s.id")).isNotBlank();
        ReceivedMail relayed = awaitAt(PARTNER, subject);
        assertThat(relayed.authenticatedUser()).isEqualTo(PARTNER_LOGIN);
        assertThat(relayed.tlsActive()).isTrue();
        assertThat(relayed.envelopeSender()).isEqualTo(SEND_AS);
        assertThat(relayed.recipients()).containsExactly(RECIPIENT);
        assertThat(relayed.content()).contains("From: " + SEND_AS);
        String messageId = relayed.content().lines().filter(line -> line.startsWith("Message-ID: ")).findFirst()
            .orElseThrow().substring("Message-ID: ".length());
        await().atMost(RelayScenario.PATIENCE).untilAsserted(() -> given().spec(OutboundRelayJames.webAdmin(server))
            .queryParam("user", ALICE).queryParam("limit", 1000).get("/outbound-relay/audit")
            .then().statusCode(200)
            .body("findAll { it.messageId == '" + messageId + "' }.outcome", contains("DELIVERED"))
            .body("findAll { it.messageId == '" + messageId + "' }.sendAs", contains(SEND_AS)));
        assertThat(subjectsAt(GATEWAY)).doesNotContain(subject);
    }

    @Test
    void bobCannotSubmitAsAlicesAddress() throws Exception {
        FIXTURE.registerAlicesAddress();
        JmapClient bob = JmapClient.login(server, BOB, OutboundRelayJames.PASSWORD);
        assertThat(bob.identityAddresses()).containsExactly(BOB);

        String subject = uniqueSubject();
        assertRefused(bob.sendDraft(SEND_AS, RECIPIENT, subject), subject);
    }

    /**
     * Issue 22: with relays off (it was refused before) the address stays an identity and its submission leaves through
     * our servers on Alice's behalf, as over SMTP: the gateway gets it with her own address as envelope sender and in
     * {@code Sender:}, never the partner's. With alternate addresses off it is refused as SMTP refuses it (503). All
     * ask {@code OutboundRelayRule}, the one rule.
     */
    @Test
    void withRelaysOffTheSubmissionLeavesThroughOurServersAndWithAlternateAddressesOffItIsRefusedAsOverSmtp() throws Exception {
        FIXTURE.registerAlicesAddress();
        JmapClient alice = JmapClient.login(server, ALICE, OutboundRelayJames.PASSWORD);
        scenario.allowDomain(false);
        assertThat(alice.identityAddresses()).containsExactlyInAnyOrder(ALICE, SEND_AS);

        String subject = uniqueSubject();
        assertThat(alice.sendDraft(SEND_AS, RECIPIENT, subject).getString("created.s.id")).isNotBlank();

        ReceivedMail viaGateway = awaitAt(GATEWAY, subject);
        assertThat(viaGateway.envelopeSender()).isEqualTo(ALICE);
        assertThat(viaGateway.content().lines()).contains("Sender: " + ALICE, "From: " + SEND_AS);
        assertThat(subjectsAt(PARTNER)).doesNotContain(subject);

        given().spec(OutboundRelayJames.webAdmin(server)).body(Map.of("allowed", false, "allowAlternateAddresses", false))
            .put("/outbound-relay/domains/" + OutboundRelayJames.DOMAIN).then().statusCode(200);
        try {
            assertThatThrownBy(() -> scenario.submissionAs(ALICE, SEND_AS).subject(uniqueSubject()).send())
                .isInstanceOf(MessagingException.class).hasStackTraceContaining("503");
            assertThat(alice.identityAddresses()).containsExactly(ALICE);
            String refused = uniqueSubject();
            assertRefused(alice.sendDraft(SEND_AS, RECIPIENT, refused), refused);
        } finally {
            given().spec(OutboundRelayJames.webAdmin(server)).body(Map.of("allowed", true, "allowAlternateAddresses", true))
                .put("/outbound-relay/domains/" + OutboundRelayJames.DOMAIN).then().statusCode(200);
        }
    }

    @Test
    void anAddressWithoutRelayIsAnIdentityAndItsSubmissionLeavesThroughOurServersOnAlicesBehalf() throws Exception {
        given().spec(OutboundRelayJames.webAdmin(server)).body(Map.of("verified", true, "displayName", "Alice (Partner)"))
            .put("/outbound-relay/users/" + ALICE + "/send-as/" + SEND_AS)
            .then().statusCode(200).body("path", equalTo("ourServers"));
        JmapClient alice = JmapClient.login(server, ALICE, OutboundRelayJames.PASSWORD);
        assertThat(alice.identities()).filteredOn(identity -> SEND_AS.equals(identity.get("email")))
            .extracting(identity -> identity.get("name")).containsExactly("Alice (Partner)");
        String subject = uniqueSubject();

        assertThat(alice.sendDraft(SEND_AS, RECIPIENT, subject).getString("created.s.id")).isNotBlank();

        ReceivedMail viaGateway = awaitAt(GATEWAY, subject);
        assertThat(viaGateway.envelopeSender()).isEqualTo(ALICE);
        assertThat(viaGateway.recipients()).containsExactly(RECIPIENT);
        assertThat(viaGateway.content().lines()).contains("Sender: " + ALICE, "From: " + SEND_AS);
        assertThat(subjectsAt(PARTNER)).doesNotContain(subject);

        JmapClient bob = JmapClient.login(server, BOB, OutboundRelayJames.PASSWORD);
        String bobs = uniqueSubject();
        assertRefused(bob.sendDraft(SEND_AS, RECIPIENT, bobs), bobs);
    }

    private void registerPending() {
        // Saving without the admin vouching tries the relay and mails a code through it: the address stays pending.
        given().spec(OutboundRelayJames.webAdmin(server))
            .body(Map.of("host", "localhost", "port", PARTNER.port(), "security", "STARTTLS",
                "username", PARTNER_LOGIN, "password", PARTNER_PASSWORD))
            .put("/outbound-relay/users/" + ALICE + "/send-as/" + SEND_AS)
            .then().statusCode(200).body("status", equalTo("pending"));
    }

    /** Refused as James refuses any From the user may not use, and nothing leaves, through either server. */
    private static void assertRefused(JsonPath submission, String subject) throws InterruptedException {
        assertThat(submission.getMap("created")).isNullOrEmpty();
        assertThat(submission.getString("notCreated.s.type")).isIn("forbiddenMailFrom", "forbiddenFrom");
        Thread.sleep(Duration.ofSeconds(2).toMillis());
        assertThat(subjectsAt(PARTNER)).doesNotContain(subject);
        assertThat(subjectsAt(GATEWAY)).doesNotContain(subject);
    }
}
