package io.github.outboundrelay.it;

import static io.github.outboundrelay.it.RelayScenario.awaitAt;
import static io.github.outboundrelay.it.RelayScenario.subjectsAt;
import static io.github.outboundrelay.it.RelayScenario.uniqueSubject;
import static io.github.outboundrelay.it.SendAsFixture.ALICE;
import static io.github.outboundrelay.it.SendAsFixture.BOB;
import static io.github.outboundrelay.it.SendAsFixture.PARTNER_LOGIN;
import static io.github.outboundrelay.it.SendAsFixture.PARTNER_PASSWORD;
import static io.github.outboundrelay.it.SendAsFixture.SEND_AS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


import javax.mail.MessagingException;

import org.apache.james.GuiceJamesServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.testing.ReceivedMail;
import io.github.outboundrelay.testing.SmtpPeer;
import io.github.outboundrelay.testing.SmtpSubmission;
import io.restassured.specification.RequestSpecification;

/**
 * The whole send-as flow in a real James: submission over authenticated SMTP, the matcher, the outbound-relay
 * processor and queue, and delivery to a real partner SMTP server that requires STARTTLS and AUTH, with the domain's
 * gateway as a second real SMTP listener. Every assertion reads what really arrived.
 */
class SendAsRelayIntegrationTest {
    /**
     * Only the rejected-AUTH case waits it out (for its DSN), and it needs retries to happen before it ends: with 2 s
     * (retries after 200 then 400 ms) one slow first attempt on a loaded machine (cold TLS, the notice mail, a GC pause)
     * could leave no room for a second one, and the mail bounced after a single attempt.
     */
    static final String QUEUE_LIFETIME = "8 seconds";

    @RegisterExtension
    static final SendAsFixture FIXTURE = new SendAsFixture(conf -> conf.withShortRetries(QUEUE_LIFETIME));
    static final SmtpPeer PARTNER = FIXTURE.partner();
    static final SmtpPeer GATEWAY = FIXTURE.gateway();
    static final SmtpPeer REJECTING_PARTNER = SmtpPeer.builder().requireStartTls().rejectAllAuth().start();

    private final RelayScenario scenario = FIXTURE.scenario();
    private final int submissionPort = OutboundRelayJames.submissionPort(FIXTURE.server());

    @AfterAll
    static void stopRejectingPartner() {
        REJECTING_PARTNER.close();
    }

    @BeforeEach
    void registerAlicesAddress() {
        FIXTURE.registerAlicesAddress();
    }

    @Test
    void allowedDomainRelaysThroughThePartnerServerUnchanged() throws Exception {
        allowDomain(true);
        String subject = uniqueSubject();

        aliceSendsAsPartnerAddress(subject);

        ReceivedMail relayed = awaitAt(PARTNER, subject);
        assertThat(relayed.authenticatedUser()).isEqualTo(PARTNER_LOGIN);
        assertThat(relayed.tlsActive()).isTrue();
        assertThat(relayed.envelopeSender()).isEqualTo(SEND_AS);
        assertThat(relayed.recipients()).containsExactly("carol@elsewhere.test");
        String content = relayed.content();
        assertThat(content).contains("From: " + SEND_AS).contains("Subject: " + subject);
        assertThat(content.lines()).noneMatch(line -> line.regionMatches(true, 0, "Sender:", 0, 7));
        assertThat(subjectsAt(GATEWAY)).doesNotContain(subject);
    }

    @Test
    void everyRelayAttemptIsInTheAuditTrail(GuiceJamesServer server) throws Exception {
        allowDomain(true);
        String subject = uniqueSubject();
        aliceSendsAsPartnerAddress(subject);
        String messageId = awaitAt(PARTNER, subject).content().lines()
            .filter(line -> line.startsWith("Message-ID: ")).findFirst().orElseThrow().substring("Message-ID: ".length());

        io.restassured.RestAssured.given().spec(OutboundRelayJames.webAdmin(server))
            .queryParam("user", ALICE).queryParam("limit", 1000)
            .get("/outbound-relay/audit")
            .then().statusCode(200)
            .body("findAll { it.messageId == '" + messageId + "' }.outcome", org.hamcrest.Matchers.contains("DELIVERED"))
            .body("findAll { it.messageId == '" + messageId + "' }.sendAs", org.hamcrest.Matchers.contains(SEND_AS))
            .body("findAll { it.messageId == '" + messageId + "' }.replyCode", org.hamcrest.Matchers.contains(250))
            .body("findAll { it.messageId == '" + messageId + "' }.relayHost", org.hamcrest.Matchers.contains("localhost"));
    }

    @Test
    void afterAKeyRotationRelayPasswordsStillOpenAndTheRelayStillWorks(GuiceJamesServer server) throws Exception {
        allowDomain(true);
        RequestSpecification admin = OutboundRelayJames.webAdmin(server);
        String rotation = io.restassured.RestAssured.given().spec(admin).body("{}").post("/outbound-relay/secrets/rotation")
            .then().statusCode(200).extract().asString();
        assertThat(rotation).contains("activeKeyId").contains("resealed").doesNotContain(PARTNER_PASSWORD);

        String subject = uniqueSubject();
        aliceSendsAsPartnerAddress(subject);
        assertThat(awaitAt(PARTNER, subject).authenticatedUser()).isEqualTo(PARTNER_LOGIN);
    }

    @Test
    void theDomainOverviewShowsStatusAndLastOutcomeAndARelayCanBeTestedOnDemand(GuiceJamesServer server) throws Exception {
        allowDomain(true);
        registerSendAs(ALICE, "alice@rejecting.test", REJECTING_PARTNER);
        String subject = uniqueSubject();
        aliceSendsAsPartnerAddress(subject);
        awaitAt(PARTNER, subject);
        RequestSpecification admin = OutboundRelayJames.webAdmin(server);

        io.restassured.RestAssured.given().spec(admin).queryParam("limit", 1000).get("/outbound-relay/domains/ourdomain.test/send-as")
            .then().statusCode(200)
            .body("find { it.sendAs.address == 'alice@partner.test' }.user", org.hamcrest.Matchers.equalTo(ALICE))
            .body("find { it.sendAs.address == 'alice@partner.test' }.sendAs.status", org.hamcrest.Matchers.equalTo("verified"))
            .body("find { it.sendAs.address == 'alice@partner.test' }.lastOutcome.outcome", org.hamcrest.Matchers.equalTo("DELIVERED"))
            .body("find { it.sendAs.address == 'alice@partner.test' }.sendAs.password", org.hamcrest.Matchers.nullValue());
        io.restassured.RestAssured.given().spec(admin).queryParam("limit", 0).get("/outbound-relay/domains/ourdomain.test/send-as")
            .then().statusCode(400);

        io.restassured.RestAssured.given().spec(admin).post("/outbound-relay/users/" + ALICE + "/send-as/" + SEND_AS + "/test")
            .then().statusCode(200).body("result", org.hamcrest.Matchers.equalTo("ok"));
        io.restassured.RestAssured.given().spec(admin).post("/outbound-relay/users/" + ALICE + "/send-as/alice@rejecting.test/test")
            .then().statusCode(422).body("message", org.hamcrest.Matchers.containsString("AUTH rejected"));
    }

    @Test
    void relaysNotAllowedSendTheMailThroughTheGatewayOnAlicesBehalfNeverAsThePartnersAddress() throws Exception {
        // Issue 22: relays off fall back to our servers (the MAIL FROM was refused with 503 before).
        allowDomain(false);
        String subject = uniqueSubject();

        aliceSendsAsPartnerAddress(subject);

        ReceivedMail viaGateway = awaitAt(GATEWAY, subject);
        assertThat(viaGateway.envelopeSender()).isEqualTo(ALICE);
        assertThat(viaGateway.content().lines()).contains("Sender: " + ALICE, "From: " + SEND_AS);
        assertThat(subjectsAt(PARTNER)).doesNotContain(subject);
    }

    @Test
    void unauthenticatedMailIsNeverRelayedWithAlicesRelay(GuiceJamesServer server) throws Exception {
        allowDomain(true);
        String subject = uniqueSubject();

        SmtpSubmission.to(OutboundRelayJames.smtpPort(server))
            .envelopeFrom(SEND_AS).fromHeader(SEND_AS).subject(subject).send();

        awaitAt(GATEWAY, subject);
        assertThat(subjectsAt(PARTNER)).doesNotContain(subject);
    }

    @Test
    void anotherUserWritingAsAlicesAddressIsNeverRelayedWithHerRelay() throws Exception {
        allowDomain(true);
        String subject = uniqueSubject();

        SmtpSubmission.to(submissionPort).authenticatedAs(BOB, OutboundRelayJames.PASSWORD)
            .envelopeFrom(BOB).fromHeader(SEND_AS).subject(subject).send();

        awaitAt(GATEWAY, subject);
        assertThat(subjectsAt(PARTNER)).doesNotContain(subject);
    }

    @Test
    void anotherUserCannotUseAlicesSendAsAddressAsMailFrom() {
        assertThatThrownBy(() -> SmtpSubmission.to(submissionPort).authenticatedAs(BOB, OutboundRelayJames.PASSWORD)
            .envelopeFrom(SEND_AS).fromHeader(SEND_AS).subject(uniqueSubject()).send())
            .isInstanceOf(MessagingException.class)
            .hasStackTraceContaining("503");
    }

    @Test
    void primaryAddressTakesTheNormalPath() throws Exception {
        allowDomain(true);
        String subject = uniqueSubject();

        SmtpSubmission.to(submissionPort).authenticatedAs(ALICE, OutboundRelayJames.PASSWORD)
            .fromHeader(ALICE).subject(subject).send();

        ReceivedMail viaGateway = awaitAt(GATEWAY, subject);
        assertThat(viaGateway.envelopeSender()).isEqualTo(ALICE);
        assertThat(subjectsAt(PARTNER)).doesNotContain(subject);
    }

    @Test
    void rejectedAuthEndsAsADsnInAlicesOwnMailbox(GuiceJamesServer server) throws Exception {
        allowDomain(true);
        registerSendAs(ALICE, "alice@rejecting.test", REJECTING_PARTNER);
        // The on-demand relay test of another case also authenticates there: count only this mail's attempts.
        int authAttemptsBefore = REJECTING_PARTNER.authAttempts();
        String subject = uniqueSubject();

        SmtpSubmission.to(submissionPort).authenticatedAs(ALICE, OutboundRelayJames.PASSWORD)
            .envelopeFrom("alice@rejecting.test").fromHeader("alice@rejecting.test").subject(subject).send();

        String dsn = scenario.awaitMailboxContaining(ALICE, "message/delivery-status");
        assertThat(dsn).contains(subject)
            .contains("Gave up after") // the DSN of the lifetime's end, not only the notice of the first refusal
            .contains("rejected the credentials of alice@rejecting.test")
            .doesNotContain(PARTNER_PASSWORD);
        // retried (authFailure=defer) until the lifetime ended, not given up at the first refusal
        assertThat(REJECTING_PARTNER.authAttempts() - authAttemptsBefore).isGreaterThanOrEqualTo(2);
        assertThat(subjectsAt(GATEWAY)).doesNotContain(subject);
    }

    @Test
    void policyChangeAppliesToTheVeryNextMail() throws Exception {
        allowDomain(true);
        String first = uniqueSubject();
        aliceSendsAsPartnerAddress(first);
        awaitAt(PARTNER, first);

        allowDomain(false);
        String second = uniqueSubject();
        aliceSendsAsPartnerAddress(second);
        assertThat(awaitAt(GATEWAY, second).envelopeSender()).isEqualTo(ALICE);

        allowDomain(true);
        String third = uniqueSubject();
        aliceSendsAsPartnerAddress(third);
        awaitAt(PARTNER, third);

        assertThat(subjectsAt(PARTNER)).contains(first, third).doesNotContain(second);
        assertThat(subjectsAt(GATEWAY)).contains(second).doesNotContain(first, third);
    }

    private void aliceSendsAsPartnerAddress(String subject) throws MessagingException {
        scenario.submissionAs(ALICE, SEND_AS).subject(subject).send();
    }

    private void allowDomain(boolean allowed) {
        scenario.allowDomain(allowed);
    }

    private void registerSendAs(String user, String address, SmtpPeer relay) {
        scenario.registerSendAs(user, address, relay, PARTNER_LOGIN, PARTNER_PASSWORD);
    }
}
