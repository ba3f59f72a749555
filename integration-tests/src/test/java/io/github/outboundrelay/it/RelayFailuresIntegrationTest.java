package io.github.outboundrelay.it;

import static io.github.outboundrelay.it.RelayScenario.awaitAt;
import static io.github.outboundrelay.it.RelayScenario.subjectsAt;
import static io.github.outboundrelay.it.RelayScenario.uniqueSubject;
import static io.github.outboundrelay.it.RelayScenario.withSubject;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.testing.ReceivedMail;
import io.github.outboundrelay.testing.SmtpPeer;

/**
 * How relayed mail ends when the partner's server misbehaves, in a real James with a short retry schedule (200 ms
 * doubling to 400 ms, a delay warning after 1 s, a {@link #QUEUE_LIFETIME} queue lifetime). Every case is read where it
 * lands: at the partner server, at the gateway, or as a DSN in the sender's own mailbox over IMAP. Each case uses its own
 * user so each mailbox holds one report.
 */
class RelayFailuresIntegrationTest {
    static final String LOGIN = "user@partner.test";
    static final String PASSWORD = "partner-secret";
    /**
     * Short, since the give-up cases wait it out, yet long enough for the retry cases on a slow, loaded machine: the
     * flaky relay's third attempt and the late relay's first one after it came up must start before it ends, and the
     * delay warning needs a failed attempt between 1 s and the last retry (with 3 s, one slow attempt could skip that
     * window, or the whole lifetime pass before the first retry).
     */
    static final String QUEUE_LIFETIME = "8 seconds";

    static final SmtpPeer FLAKY = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start();
    static final SmtpPeer PICKY = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start();
    static final SmtpPeer WITHOUT_TLS = SmtpPeer.builder().plain().requireAuth(LOGIN, PASSWORD).start();
    static final SmtpPeer SELF_SIGNED = SmtpPeer.builder().requireStartTls().withUntrustedCertificate()
        .requireAuth(LOGIN, PASSWORD).start();
    static final SmtpPeer GATEWAY = SmtpPeer.builder().plain().start();
    /** STARTTLS but no AUTH announced: it would take mail from anyone, with any password. */
    static final SmtpPeer WITHOUT_AUTH = SmtpPeer.builder().requireStartTls().withoutAuth().start();

    @RegisterExtension
    static JamesServerExtension james = OutboundRelayJames.extension(JamesConfFolder.shipped()
        .withGateway(GATEWAY)
        .withShortRetries(QUEUE_LIFETIME)
        .edit("mailetcontainer.xml", "<!-- <delayWarningAfter>4 hours</delayWarningAfter> -->", "<delayWarningAfter>1 second</delayWarningAfter>")
        .edit("mailetcontainer.xml", "<maxRelayedPerUser>500</maxRelayedPerUser>", "<maxRelayedPerUser>3</maxRelayedPerUser>")
        .trustingTestRelays());

    private RelayScenario scenario;

    @BeforeAll
    static void users(GuiceJamesServer server) throws Exception {
        OutboundRelayJames.addUsers(server, "flaky", "partial", "notls", "selfsigned", "late", "busy", "noauth");
        new RelayScenario(server).allowDomain(true);
    }

    @AfterAll
    static void stopPeers() {
        FLAKY.close();
        PICKY.close();
        WITHOUT_TLS.close();
        SELF_SIGNED.close();
        GATEWAY.close();
        WITHOUT_AUTH.close();
    }

    @BeforeEach
    void setUp(GuiceJamesServer server) {
        scenario = new RelayScenario(server);
    }

    @Test
    void temporaryRefusalsAreRetriedUntilTheRelayAcceptsOnce() throws Exception {
        scenario.registerSendAs("flaky@ourdomain.test", "flaky@partner.test", FLAKY, LOGIN, PASSWORD);
        FLAKY.failNextTransactions(2, 451, "4.3.0 try again later");
        String subject = uniqueSubject();

        scenario.submissionAs("flaky@ourdomain.test", "flaky@partner.test").subject(subject).send();

        awaitAt(FLAKY, subject);
        scenario.awaitDeliveredAndRelayQueueEmpty("flaky@ourdomain.test");
        assertThat(withSubject(FLAKY, subject)).hasSize(1);
        assertThat(scenario.auditedOutcomes("flaky@ourdomain.test")).containsOnlyOnce("DELIVERED").endsWith("DELIVERED");
        assertThat(FLAKY.connectionCount()).isGreaterThanOrEqualTo(3);
        assertThat(subjectsAt(GATEWAY)).doesNotContain(subject);
    }

    @Test
    void relayDownThenUpGetsTheMailOnceAfterARetry() throws Exception {
        int port = SmtpPeer.freePort();
        scenario.registerSendAs("late@ourdomain.test", "late@partner.test", port, LOGIN, PASSWORD);
        String subject = uniqueSubject();

        scenario.submissionAs("late@ourdomain.test", "late@partner.test").subject(subject).send();
        await().atMost(RelayScenario.PATIENCE).until(() -> scenario.auditedOutcomes("late@ourdomain.test").contains("UNREACHABLE"));
        try (SmtpPeer late = SmtpPeer.builder().onPort(port).requireStartTls().requireAuth(LOGIN, PASSWORD).start()) {
            awaitAt(late, subject);
            scenario.awaitDeliveredAndRelayQueueEmpty("late@ourdomain.test");
            assertThat(withSubject(late, subject)).hasSize(1);
        }
        assertThat(scenario.auditedOutcomes("late@ourdomain.test")).containsOnlyOnce("DELIVERED").endsWith("DELIVERED");
        assertThat(subjectsAt(GATEWAY)).doesNotContain(subject);
    }

    @Test
    void pastTheUsersSendingLimitMailIsBouncedAtOnceAndNeverReachesTheRelay() throws Exception {
        scenario.registerSendAs("busy@ourdomain.test", "busy@partner.test", PICKY, LOGIN, PASSWORD);
        List<String> subjects = List.of(uniqueSubject(), uniqueSubject(), uniqueSubject());

        // The limit (3) counts recipients: two, then one, and the third mail is one too many.
        scenario.submissionAs("busy@ourdomain.test", "busy@partner.test").recipients("carol@elsewhere.test", "dave@elsewhere.test")
            .subject(subjects.get(0)).send();
        for (String subject : subjects.subList(1, 3)) {
            scenario.submissionAs("busy@ourdomain.test", "busy@partner.test").subject(subject).send();
        }

        String dsn = scenario.awaitMailboxContaining("busy@ourdomain.test", "Sending limit reached");
        assertThat(dsn).contains(subjects.get(2)).contains("at most 3 relayed recipients per PT1H through send-as relays");
        awaitAt(PICKY, subjects.get(0));
        awaitAt(PICKY, subjects.get(1));
        assertThat(withSubject(PICKY, subjects.get(2))).isEmpty();
        assertThat(subjectsAt(GATEWAY)).doesNotContainAnyElementsOf(subjects);
    }

    @Test
    void oneRefusedRecipientOfThreeIsBouncedAndTheOthersGetTheMailOnce() throws Exception {
        scenario.registerSendAs("partial@ourdomain.test", "partial@partner.test", PICKY, LOGIN, PASSWORD);
        PICKY.refuseRecipient("nobody@elsewhere.test", 550, "5.1.1 nobody: no such user here");
        String subject = uniqueSubject();

        scenario.submissionAs("partial@ourdomain.test", "partial@partner.test")
            .recipients("carol@elsewhere.test", "nobody@elsewhere.test", "dave@elsewhere.test")
            .subject(subject).send();

        ReceivedMail relayed = awaitAt(PICKY, subject);
        assertThat(relayed.recipients()).containsExactlyInAnyOrder("carol@elsewhere.test", "dave@elsewhere.test");
        String dsn = scenario.awaitFirstMessageInMailbox("partial@ourdomain.test");
        assertThat(dsn).contains("message/delivery-status")
            .contains("Final-Recipient: rfc822; nobody@elsewhere.test")
            .contains("5.1.1 nobody: no such user here")
            .doesNotContain("Final-Recipient: rfc822; carol@elsewhere.test")
            .doesNotContain("Final-Recipient: rfc822; dave@elsewhere.test");
        assertThat(withSubject(PICKY, subject)).hasSize(1);
        assertThat(subjectsAt(GATEWAY)).doesNotContain(subject);
    }

    @Test
    void relayThatDoesNotOfferStartTlsNeverSeesTheCredentialsAndTheMailEndsAsADsn() throws Exception {
        scenario.registerSendAs("notls@ourdomain.test", "notls@partner.test", WITHOUT_TLS, LOGIN, PASSWORD);
        String subject = uniqueSubject();

        scenario.submissionAs("notls@ourdomain.test", "notls@partner.test").subject(subject).send();

        String reports = scenario.awaitMailboxContaining("notls@ourdomain.test", "Action: failed");
        // First a "delayed" warning (delayWarningAfter), then the final "failed" DSN: one of each.
        assertThat(reports.split("Action: delayed", -1)).hasSize(2);
        assertThat(reports.split("Action: failed", -1)).hasSize(2);
        assertThat(reports.indexOf("Action: delayed")).isLessThan(reports.indexOf("Action: failed"));
        assertThat(reports).contains("Gave up after").contains("STARTTLS");
        assertThat(WITHOUT_TLS.connectionCount()).isGreaterThanOrEqualTo(2);
        assertThat(WITHOUT_TLS.authAttempts()).isZero();
        assertThat(WITHOUT_TLS.received()).isEmpty();
        assertThat(subjectsAt(GATEWAY)).doesNotContain(subject);
    }

    @Test
    void selfSignedRelayCertificateIsRefusedAndTheMailEndsAsADsn() throws Exception {
        scenario.registerSendAs("selfsigned@ourdomain.test", "selfsigned@partner.test", SELF_SIGNED, LOGIN, PASSWORD);
        String subject = uniqueSubject();

        scenario.submissionAs("selfsigned@ourdomain.test", "selfsigned@partner.test").subject(subject).send();

        String dsn = scenario.awaitMailboxContaining("selfsigned@ourdomain.test", "Action: failed");
        assertThat(dsn).contains("message/delivery-status").contains("Gave up after");
        assertThat(SELF_SIGNED.authAttempts()).isZero();
        assertThat(SELF_SIGNED.received()).isEmpty();
        assertThat(subjectsAt(GATEWAY)).doesNotContain(subject);
    }

    @Test
    void aRelayThatDoesNotOfferAuthFailsItsTestAndNeverGetsAMail(GuiceJamesServer server) throws Exception {
        String path = "/outbound-relay/users/noauth@ourdomain.test/send-as/noauth@partner.test";
        io.restassured.RestAssured.given().spec(OutboundRelayJames.webAdmin(server))
            .body(java.util.Map.of("host", "localhost", "port", WITHOUT_AUTH.port(), "security", "STARTTLS",
                "username", LOGIN, "password", "any-password-at-all"))
            .put(path).then().statusCode(422).body("message", org.hamcrest.Matchers.containsString("AUTH not offered"));

        // Vouched by the admin (no test): delivery still refuses to send unauthenticated, and tells the sender.
        scenario.registerSendAs("noauth@ourdomain.test", "noauth@partner.test", WITHOUT_AUTH, LOGIN, PASSWORD);
        String subject = uniqueSubject();
        scenario.submissionAs("noauth@ourdomain.test", "noauth@partner.test").subject(subject).send();

        String reports = scenario.awaitMailboxContaining("noauth@ourdomain.test", "Action: failed");
        assertThat(reports).contains("relay settings need").contains("AUTH not offered")
            .contains("message/delivery-status").contains(subject);
        assertThat(WITHOUT_AUTH.received()).isEmpty();
        assertThat(WITHOUT_AUTH.mailFromCount()).isZero();
        assertThat(subjectsAt(GATEWAY)).doesNotContain(subject);
    }
}
