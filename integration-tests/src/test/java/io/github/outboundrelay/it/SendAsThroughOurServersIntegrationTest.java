package io.github.outboundrelay.it;

import static io.github.outboundrelay.it.RelayScenario.awaitAt;
import static io.github.outboundrelay.it.RelayScenario.subjectsAt;
import static io.github.outboundrelay.it.RelayScenario.uniqueSubject;
import static io.github.outboundrelay.it.SendAsFixture.ALICE;
import static io.github.outboundrelay.it.SendAsFixture.BOB;
import static io.github.outboundrelay.it.SendAsFixture.RECIPIENT;
import static io.github.outboundrelay.it.SendAsFixture.SEND_AS;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.util.Map;

import javax.mail.MessagingException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.testing.ReceivedMail;
import io.github.outboundrelay.testing.SmtpPeer;
import io.github.outboundrelay.testing.SmtpSubmission;
import io.restassured.specification.RequestSpecification;

/**
 * Issue 22, "send mail as through our own servers", in a James booted from james-conf: an alternate address without
 * relay, or whose relay is not allowed now, leaves by the normal path (the gateway, a real SMTP listener) on behalf of
 * its owner: envelope sender and {@code Sender:} her own address, {@code From:} unchanged, nothing at the partner's
 * server. With relays allowed and set, the partner's server as before, without {@code Sender:}. Every change of the
 * switches or the address is honoured by the very next mail.
 */
class SendAsThroughOurServersIntegrationTest {
    @RegisterExtension
    static final SendAsFixture FIXTURE = new SendAsFixture(conf -> conf);
    static final SmtpPeer PARTNER = FIXTURE.partner();
    static final SmtpPeer GATEWAY = FIXTURE.gateway();
    static final String PATH = "/outbound-relay/users/" + ALICE + "/send-as/" + SEND_AS;
    static final String POLICY = "/outbound-relay/domains/" + OutboundRelayJames.DOMAIN;

    private final RelayScenario scenario = FIXTURE.scenario();
    private final RequestSpecification admin = OutboundRelayJames.webAdmin(FIXTURE.server());

    @AfterEach
    void cleanUp() {
        FIXTURE.removeAlicesAddress();
        given().spec(admin).body(Map.of("allowed", true, "allowAlternateAddresses", true)).put(POLICY).then().statusCode(200);
    }

    @Test
    void anAddressWithoutRelayIsVerifiedByItsCodeThenSentByTheGatewayOnAlicesBehalfAndDeliveredLocallyToo() throws Exception {
        setRelays(false);
        given().spec(admin).body(Map.of("displayName", "Alice at Partner")).put(PATH)
            .then().statusCode(200)
            .body("status", equalTo("pending")).body("host", nullValue()).body("path", equalTo("none"))
            .body("pathReason", equalTo("pending"));
        ReceivedMail confirmation = awaitAt(GATEWAY, "Confirm sending mail as " + SEND_AS);
        assertThat(confirmation.recipients()).containsExactly(SEND_AS);
        given().spec(admin).body(Map.of("code", RelayScenario.confirmationCode(confirmation))).post(PATH + "/confirm")
            .then().statusCode(200).body("status", equalTo("verified"))
            .body("path", equalTo("ourServers")).body("pathReason", equalTo("noRelay"));
        String subject = uniqueSubject();

        scenario.submissionAs(ALICE, SEND_AS).recipients(RECIPIENT, BOB).subject(subject).send();

        assertSentOnAlicesBehalf(awaitAt(GATEWAY, subject));
        assertThat(scenario.awaitMailboxContaining(BOB, subject)).contains("Sender: " + ALICE).contains("From: " + SEND_AS);
        assertThat(subjectsAt(PARTNER)).doesNotContain(subject);
    }

    @Test
    void relaysOnAndSetThePartnerWithoutSenderOffTheGatewayOnBehalfOnAgainThePartnerAtTheVeryNextMail() throws Exception {
        FIXTURE.registerAlicesAddress();
        setRelays(true);
        String first = aliceSends();
        ReceivedMail relayed = awaitAt(PARTNER, first);
        assertThat(relayed.envelopeSender()).isEqualTo(SEND_AS);
        assertThat(relayed.content().lines()).noneMatch(line -> line.regionMatches(true, 0, "Sender:", 0, 7));

        setRelays(false);
        given().spec(admin).get(PATH).then().body("host", equalTo("localhost"))
            .body("path", equalTo("ourServers")).body("pathReason", equalTo("relaysOff"));
        String second = aliceSends();
        assertSentOnAlicesBehalf(awaitAt(GATEWAY, second));

        setRelays(true);
        String third = aliceSends();
        awaitAt(PARTNER, third);

        assertThat(subjectsAt(PARTNER)).contains(first, third).doesNotContain(second);
        assertThat(subjectsAt(GATEWAY)).contains(second).doesNotContain(first, third);
    }

    @Test
    void removingTheRelayKeepsTheAddressVerifiedAndSendsThroughOurServersWhileRelaysAreAllowed() throws Exception {
        FIXTURE.registerAlicesAddress();
        setRelays(true);

        given().spec(admin).body(Map.of()).put(PATH).then().statusCode(200)
            .body("status", equalTo("verified")).body("host", nullValue()).body("path", equalTo("ourServers"));
        String subject = aliceSends();

        assertSentOnAlicesBehalf(awaitAt(GATEWAY, subject));
        assertThat(subjectsAt(PARTNER)).doesNotContain(subject);
    }

    @Test
    void alternateAddressesSwitchedOffRefuseTheMailFromAndNewAddressesAndOnAgainSendAtTheVeryNextMail() throws Exception {
        FIXTURE.registerAlicesAddress();
        given().spec(admin).get(POLICY).then().body("allowAlternateAddresses", equalTo(true));

        given().spec(admin).body(Map.of("allowed", true, "allowAlternateAddresses", false)).put(POLICY)
            .then().statusCode(200).body("allowAlternateAddresses", equalTo(false));
        String refused = uniqueSubject();
        assertThatThrownBy(() -> scenario.submissionAs(ALICE, SEND_AS).subject(refused).send())
            .isInstanceOf(MessagingException.class).hasStackTraceContaining("503");
        given().spec(admin).body(Map.of()).put("/outbound-relay/users/" + ALICE + "/send-as/alice@another.test")
            .then().statusCode(403).body("message", startsWith("Alternate addresses are turned off for ourdomain.test"));
        given().spec(admin).body(Map.of("allowed", true)).put(POLICY)
            .then().statusCode(200).body("allowAlternateAddresses", equalTo(false));
        given().spec(admin).queryParam("type", "settings").queryParam("limit", 1000).get("/outbound-relay/audit")
            .then().statusCode(200)
            .body("findAll { it.event == 'domain-policy-changed' }.detail.last()", org.hamcrest.Matchers.containsString(
                "allowAlternateAddresses true -> false"));

        given().spec(admin).body(Map.of("allowed", true, "allowAlternateAddresses", true)).put(POLICY).then().statusCode(200);
        String sent = aliceSends();
        awaitAt(PARTNER, sent);
        assertThat(subjectsAt(PARTNER)).doesNotContain(refused);
        assertThat(subjectsAt(GATEWAY)).doesNotContain(refused);
    }

    @Test
    void bobAPendingAddressAndAnAnonymousSessionAreRefusedTheMailFrom() throws Exception {
        setRelays(false);
        given().spec(admin).body(Map.of("verified", true)).put(PATH).then().statusCode(200);
        given().spec(admin).body(Map.of()).put("/outbound-relay/users/" + ALICE + "/send-as/alice.pending@partner.test")
            .then().statusCode(200).body("status", equalTo("pending"));
        String subject = uniqueSubject();

        assertThatThrownBy(() -> scenario.submissionAs(BOB, SEND_AS).subject(subject).send())
            .isInstanceOf(MessagingException.class).hasStackTraceContaining("503");
        assertThatThrownBy(() -> scenario.submissionAs(ALICE, "alice.pending@partner.test").subject(subject).send())
            .isInstanceOf(MessagingException.class).hasStackTraceContaining("503");
        assertThatThrownBy(() -> SmtpSubmission.to(OutboundRelayJames.submissionPort(FIXTURE.server()))
                .envelopeFrom(SEND_AS).fromHeader(SEND_AS).subject(subject).send())
            .isInstanceOf(MessagingException.class);
        given().spec(admin).delete("/outbound-relay/users/" + ALICE + "/send-as/alice.pending@partner.test").then().statusCode(204);

        // Bob writing Alice's address in From: with his own envelope: not her send-as, nothing on her behalf.
        String bobs = uniqueSubject();
        scenario.submissionAs(BOB, SEND_AS).envelopeFrom(BOB).subject(bobs).send();
        ReceivedMail viaGateway = awaitAt(GATEWAY, bobs);
        assertThat(viaGateway.envelopeSender()).isEqualTo(BOB);
        assertThat(viaGateway.content()).doesNotContain("Sender: " + ALICE);
        assertThat(subjectsAt(GATEWAY)).doesNotContain(subject);
        assertThat(subjectsAt(PARTNER)).doesNotContain(subject, bobs);
    }

    @Test
    void anAlternateAddressAdmittedAsMailFromNeverLeavesAsTheGatewaysEnvelopeSenderWhateverTheFrom() throws Exception {
        setRelays(false);
        given().spec(admin).body(Map.of("verified", true)).put(PATH).then().statusCode(200);
        String subject = uniqueSubject();

        scenario.submissionAs(ALICE, SEND_AS).fromHeader(ALICE).subject(subject).send();

        ReceivedMail viaGateway = awaitAt(GATEWAY, subject);
        assertThat(viaGateway.envelopeSender()).isEqualTo(ALICE);
        assertThat(viaGateway.content()).contains("Sender: " + ALICE);
    }

    /** Envelope and Sender: Alice's own address; From: and body as she wrote them; the recipients as she named them. */
    private static void assertSentOnAlicesBehalf(ReceivedMail mail) {
        assertThat(mail.envelopeSender()).isEqualTo(ALICE);
        assertThat(mail.recipients()).containsExactly(RECIPIENT);
        assertThat(mail.content().lines()).contains("Sender: " + ALICE, "From: " + SEND_AS);
        assertThat(mail.content().lines().filter(line -> line.regionMatches(true, 0, "Sender:", 0, 7))).hasSize(1);
    }

    private String aliceSends() throws MessagingException {
        String subject = uniqueSubject();
        scenario.submissionAs(ALICE, SEND_AS).subject(subject).send();
        return subject;
    }

    private void setRelays(boolean allowed) {
        given().spec(admin).body(Map.of("allowed", allowed)).put(POLICY).then().statusCode(200)
            .body("allowed", equalTo(allowed));
    }
}
