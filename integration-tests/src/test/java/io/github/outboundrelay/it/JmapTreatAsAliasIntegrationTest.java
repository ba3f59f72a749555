package io.github.outboundrelay.it;

import static io.github.outboundrelay.it.RelayScenario.awaitAt;
import static io.github.outboundrelay.it.RelayScenario.subjectsAt;
import static io.github.outboundrelay.it.RelayScenario.uniqueSubject;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.apache.james.MemoryJamesServerMain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.testing.ReceivedMail;
import io.github.outboundrelay.testing.SmtpPeer;
import io.github.outboundrelay.testing.SmtpSubmission;
import io.restassured.path.json.JsonPath;

/**
 * A stock James 3.8.1 ({@link MemoryJamesServerMain}, only the extension on its class path) with the opt-in
 * {@code SendAsAliasSync} startable: qualifying send-as addresses become RecipientRewriteTable aliases of their owners,
 * which James's own {@code CanSendFrom} admits, so JMAP lists and sends from them, and, as Gmail's "Treat as an
 * alias", mail for the address reaching this James is delivered to the owner.
 */
class JmapTreatAsAliasIntegrationTest {
    static final String PARTNER_LOGIN = "alice@partner.test";
    static final String PARTNER_PASSWORD = "partner-secret";
    static final SmtpPeer PARTNER = SmtpPeer.builder().requireStartTls().requireAuth(PARTNER_LOGIN, PARTNER_PASSWORD).start();
    static final SmtpPeer GATEWAY = SmtpPeer.builder().plain().start();

    @RegisterExtension
    static JamesServerExtension james = OutboundRelayJames.extension(JamesConfFolder.shipped()
        .edit("mailetcontainer.xml", "<gatewayPort>2526</gatewayPort>", "<gatewayPort>" + GATEWAY.port() + "</gatewayPort>")
        .edit("extensions.properties", "#guice.extension.startable=io.github.outboundrelay.core.alias.SendAsAliasSync",
            "guice.extension.startable=io.github.outboundrelay.core.alias.SendAsAliasSync")
        .trustingTestRelays());

    static final String ALICE = "alice@ourdomain.test";
    static final String BOB = "bob@ourdomain.test";
    static final String SEND_AS = "alice@partner.test";
    static final String RECIPIENT = "carol@elsewhere.test";

    private RelayScenario scenario;
    private GuiceJamesServer server;

    @BeforeAll
    static void users(GuiceJamesServer server) throws Exception {
        OutboundRelayJames.addUsers(server, "alice", "bob");
    }

    @AfterAll
    static void stopPeers() {
        PARTNER.close();
        GATEWAY.close();
    }

    @BeforeEach
    void setUp(GuiceJamesServer server) {
        this.server = server;
        this.scenario = new RelayScenario(server);
        scenario.allowDomain(true);
        scenario.registerSendAs(ALICE, SEND_AS, PARTNER, PARTNER_LOGIN, PARTNER_PASSWORD);
    }

    @AfterEach
    void removeSendAs() {
        given().spec(OutboundRelayJames.webAdmin(server)).delete("/outbound-relay/users/" + ALICE + "/send-as/" + SEND_AS);
        JmapClient alice = JmapClient.login(server, ALICE, OutboundRelayJames.PASSWORD);
        await().atMost(RelayScenario.PATIENCE).until(() -> !alice.identityAddresses().contains(SEND_AS));
    }

    @Test
    void aVerifiedAddressBecomesAnIdentityAndAJmapSubmissionIsRelayedThroughThePartner() throws Exception {
        JmapClient alice = JmapClient.login(server, ALICE, OutboundRelayJames.PASSWORD);
        await().atMost(RelayScenario.PATIENCE).until(() -> alice.identityAddresses().contains(SEND_AS));
        String subject = uniqueSubject();

        JsonPath submission = alice.sendDraft(SEND_AS, RECIPIENT, subject);

        assertThat(submission.getString("created.s.id")).isNotBlank();
        ReceivedMail relayed = awaitAt(PARTNER, subject);
        assertThat(relayed.authenticatedUser()).isEqualTo(PARTNER_LOGIN);
        assertThat(relayed.envelopeSender()).isEqualTo(SEND_AS);
        assertThat(subjectsAt(GATEWAY)).doesNotContain(subject);
        // Bob has no such alias: refused as any address he may not use
        assertThat(JmapClient.login(server, BOB, OutboundRelayJames.PASSWORD).sendDraft(SEND_AS, RECIPIENT, uniqueSubject())
            .getString("notCreated.s.type")).isIn("forbiddenMailFrom", "forbiddenFrom");
    }

    @Test
    void withThePolicyOffTheAliasGoesAndJmapRefusesTheAddress() {
        JmapClient alice = JmapClient.login(server, ALICE, OutboundRelayJames.PASSWORD);
        await().atMost(RelayScenario.PATIENCE).until(() -> alice.identityAddresses().contains(SEND_AS));

        scenario.allowDomain(false);

        await().atMost(RelayScenario.PATIENCE).until(() -> !alice.identityAddresses().contains(SEND_AS));
        assertThat(alice.sendDraft(SEND_AS, RECIPIENT, uniqueSubject()).getString("notCreated.s.type"))
            .isIn("forbiddenMailFrom", "forbiddenFrom");
        scenario.allowDomain(true);
    }

    @Test
    void mailToTheAddressFromOurOwnUsersIsDeliveredToTheOwnerAsGmailsTreatAsAnAlias() throws Exception {
        JmapClient alice = JmapClient.login(server, ALICE, OutboundRelayJames.PASSWORD);
        await().atMost(RelayScenario.PATIENCE).until(() -> alice.identityAddresses().contains(SEND_AS));
        String subject = uniqueSubject();

        SmtpSubmission.to(OutboundRelayJames.submissionPort(server)).authenticatedAs(BOB, OutboundRelayJames.PASSWORD)
            .envelopeFrom(BOB).fromHeader(BOB).recipients(SEND_AS).subject(subject).send();

        assertThat(scenario.awaitMailboxContaining(ALICE, subject)).contains(subject);
        assertThat(subjectsAt(PARTNER)).doesNotContain(subject);
        assertThat(subjectsAt(GATEWAY)).doesNotContain(subject);
    }
}
