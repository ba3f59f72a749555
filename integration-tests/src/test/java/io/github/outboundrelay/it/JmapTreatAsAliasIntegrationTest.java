package io.github.outboundrelay.it;

import static io.github.outboundrelay.it.RelayScenario.awaitAt;
import static io.github.outboundrelay.it.RelayScenario.subjectsAt;
import static io.github.outboundrelay.it.RelayScenario.uniqueSubject;
import static io.github.outboundrelay.it.SendAsFixture.ALICE;
import static io.github.outboundrelay.it.SendAsFixture.BOB;
import static io.github.outboundrelay.it.SendAsFixture.PARTNER_LOGIN;
import static io.github.outboundrelay.it.SendAsFixture.RECIPIENT;
import static io.github.outboundrelay.it.SendAsFixture.SEND_AS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.Map;

import org.apache.james.GuiceJamesServer;
import org.apache.james.MemoryJamesServerMain;
import org.junit.jupiter.api.AfterEach;
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
    @RegisterExtension
    static final SendAsFixture FIXTURE = new SendAsFixture(conf -> conf
        .edit("extensions.properties", "#guice.extension.startable=io.github.outboundrelay.core.alias.SendAsAliasSync",
            "guice.extension.startable=io.github.outboundrelay.core.alias.SendAsAliasSync"));
    static final SmtpPeer PARTNER = FIXTURE.partner();
    static final SmtpPeer GATEWAY = FIXTURE.gateway();

    private final GuiceJamesServer server = FIXTURE.server();
    private final RelayScenario scenario = FIXTURE.scenario();

    @BeforeEach
    void registerAlicesAddress() {
        FIXTURE.registerAlicesAddress();
    }

    @AfterEach
    void removeSendAs() {
        FIXTURE.removeAlicesAddress();
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

    /** Relays off keep the alias (the address is sent through our servers); alternate addresses off remove it. */
    @Test
    void withAlternateAddressesOffTheAliasGoesAndJmapRefusesTheAddress() {
        JmapClient alice = JmapClient.login(server, ALICE, OutboundRelayJames.PASSWORD);
        await().atMost(RelayScenario.PATIENCE).until(() -> alice.identityAddresses().contains(SEND_AS));

        setPolicy(Map.of("allowed", false, "allowAlternateAddresses", false));
        try {
            await().atMost(RelayScenario.PATIENCE).until(() -> !alice.identityAddresses().contains(SEND_AS));
            assertThat(alice.sendDraft(SEND_AS, RECIPIENT, uniqueSubject()).getString("notCreated.s.type"))
                .isIn("forbiddenMailFrom", "forbiddenFrom");
        } finally {
            setPolicy(Map.of("allowed", true, "allowAlternateAddresses", true));
        }
    }

    private void setPolicy(Map<String, Object> policy) {
        io.restassured.RestAssured.given().spec(OutboundRelayJames.webAdmin(server)).body(policy)
            .put("/outbound-relay/domains/" + OutboundRelayJames.DOMAIN).then().statusCode(200);
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
