package io.github.outboundrelay.mailets.smtp;

import static io.github.outboundrelay.mailets.smtp.RelayPeers.sendAs;
import static io.github.outboundrelay.mailets.smtp.RelayPeers.testConfig;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.core.MailAddress;
import org.apache.mailet.base.test.FakeMailContext;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.RelayLogin;
import io.github.outboundrelay.core.RelayOutcome;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.net.RelayConnectionRules;
import io.github.outboundrelay.testing.SmtpPeer;

/** The settings' relay test and code mail against real peers. */
class RelayVerificationMailerTest {
    static final String LOGIN = "alice@partner.test";
    static final String PASSWORD = "partner-secret";

    final FakeMailContext context = FakeMailContext.builder().postmaster(postmaster()).build();

    @Test
    void aRelayThatDoesNotOfferAuthFailsTheTestWithAnyPassword() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().withoutAuth().start()) {
            RelayOutcome result = mailer(RelayConnectionRules.VerificationMail.MAILBOX)
                .probe(sendAs(peer), new RelayLogin.WithPassword("wrong"));

            assertThat(result.kind()).isEqualTo(RelayOutcome.Kind.AUTH_NOT_OFFERED);
            assertThat(result.detail()).contains("AUTH not offered");
        }
    }

    @Test
    void aRelayThatDoesNotOfferAuthNeverGetsTheCodeMailEvenWhereItIsTheRoute() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().withoutAuth().start()) {
            RelayOutcome result = mailer(RelayConnectionRules.VerificationMail.RELAY)
                .sendVerificationCode(sendAs(peer), java.util.Optional.of(new RelayLogin.WithPassword("wrong")), "K7QD-M2XP-4TZA-9RWE");

            assertThat(result.kind()).isEqualTo(RelayOutcome.Kind.AUTH_NOT_OFFERED);
            assertThat(peer.received()).isEmpty();
        }
    }

    @Test
    void aStartTlsRelayThatDoesNotOfferStartTlsFailsTheTestAsTlsFailed() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireAuth(LOGIN, PASSWORD).start()) {
            RelayOutcome result = mailer(RelayConnectionRules.VerificationMail.MAILBOX)
                .probe(sendAs(peer), new RelayLogin.WithPassword(PASSWORD));

            assertThat(result.kind()).isEqualTo(RelayOutcome.Kind.TLS_FAILED);
            assertThat(peer.authAttempts()).isZero();
        }
    }

    @Test
    void anSmtpsRelayThatSpeaksPlainSmtpFailsTheTestAsTlsFailed() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireAuth(LOGIN, PASSWORD).start()) {
            SendAsAddress smtps = RelayPeers.sendAs("alice@partner.test", "alice@ourdomain.test", peer, RelaySecurity.SMTPS,
                LOGIN, PASSWORD);

            RelayOutcome result = mailer(RelayConnectionRules.VerificationMail.MAILBOX)
                .probe(smtps, new RelayLogin.WithPassword(PASSWORD));

            assertThat(result.kind()).isEqualTo(RelayOutcome.Kind.TLS_FAILED);
        }
    }

    @Test
    void aRelayWithAuthPassesTheTest() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start()) {
            assertThat(mailer(RelayConnectionRules.VerificationMail.MAILBOX).probe(sendAs(peer), new RelayLogin.WithPassword(PASSWORD)).succeeded()).isTrue();
            assertThat(peer.authAttempts()).isEqualTo(1);
        }
    }

    @Test
    void byDefaultTheCodeIsMailedToTheMailboxByTheNormalPathNotThroughTheRelay() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start()) {
            RelayOutcome result = mailer(RelayConnectionRules.VerificationMail.MAILBOX)
                .sendVerificationCode(sendAs(peer), java.util.Optional.of(new RelayLogin.WithPassword(PASSWORD)), "K7QD-M2XP-4TZA-9RWE");

            assertThat(result.succeeded()).isTrue();
            assertThat(peer.connectionCount()).isZero();
            FakeMailContext.SentMail sent = context.getSentMails().get(0);
            assertThat(sent.getSender().asString()).isEqualTo("postmaster@ourdomain.test");
            assertThat(sent.getRecipients()).containsExactly(new MailAddress("alice@partner.test"));
            assertThat(sent.getMsg().getContent().toString()).contains("Confirmation code: K7QD-M2XP-4TZA-9RWE");
        }
    }

    @Test
    void withoutARelayLoginTheCodeTakesTheNormalPathEvenWhereTheRelayIsTheRoute() throws Exception {
        SendAsAddress withoutRelay = SendAsAddress.withoutRelay(new MailAddress("alice@partner.test"),
            org.apache.james.core.Username.of("alice@ourdomain.test"), java.util.Optional.empty());

        RelayOutcome result = mailer(RelayConnectionRules.VerificationMail.RELAY)
            .sendVerificationCode(withoutRelay, java.util.Optional.empty(), "K7QD-M2XP-4TZA-9RWE");

        assertThat(result.succeeded()).isTrue();
        FakeMailContext.SentMail sent = context.getSentMails().get(0);
        assertThat(sent.getRecipients()).containsExactly(new MailAddress("alice@partner.test"));
        assertThat(sent.getMsg().getContent().toString()).contains("Confirmation code: K7QD-M2XP-4TZA-9RWE")
            .contains("through the mail servers of ourdomain.test");
    }

    private RelayVerificationMailer mailer(RelayConnectionRules.VerificationMail route) throws Exception {
        return new RelayVerificationMailer(new RelaySessions(new RelaySessionFactory(RelayPeers.testRules(), RelayPeers.loopbackTargets()), null),
            RelayPeers.loopbackTargets(), context, route);
    }

    private static SendAsAddress sendAs(SmtpPeer peer) throws Exception {
        return RelayPeers.sendAs("alice@partner.test", "alice@ourdomain.test", peer, RelaySecurity.STARTTLS, LOGIN, PASSWORD);
    }

    private static MailAddress postmaster() {
        try {
            return new MailAddress("postmaster@ourdomain.test");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
