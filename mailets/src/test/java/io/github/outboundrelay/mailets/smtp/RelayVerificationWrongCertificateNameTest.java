package io.github.outboundrelay.mailets.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.dnsservice.api.InMemoryDNSService;
import org.apache.mailet.base.test.FakeMailContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.github.outboundrelay.core.RelayLogin;
import io.github.outboundrelay.core.RelayOutcome;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.net.PortRange;
import io.github.outboundrelay.core.net.RelayTargetGuard;
import io.github.outboundrelay.testing.SmtpPeer;

/**
 * The admin API's relay test against real peers: a certificate the test CA signed for localhost is trusted, yet it
 * must not pass for another name that resolves to the same address (the password never leaves).
 */
class RelayVerificationWrongCertificateNameTest {
    static final String LOGIN = "alice@partner.test";
    static final String PASSWORD = "partner-secret";

    @ParameterizedTest
    @EnumSource(value = RelaySecurity.class, names = {"STARTTLS", "SMTPS"})
    void aTrustedCertificateForAnotherNameFailsTheRelayTestAsTls(RelaySecurity security) throws Exception {
        SmtpPeer.Builder builder = SmtpPeer.builder().requireAuth(LOGIN, PASSWORD);
        try (SmtpPeer peer = (security == RelaySecurity.SMTPS ? builder.implicitTls() : builder.requireStartTls()).start()) {
            RelayTargetGuard guard = new RelayTargetGuard(new InMemoryDNSService()
                .registerRecord("relay.wrong-name.test", InetAddress.getByName("127.0.0.1"), "relay.wrong-name.test"),
                PortRange.parseList("allowedRelayPorts", "1-65535"), List.of(), List.of("127.0.0.0/8"));
            RelayVerificationMailer mailer = new RelayVerificationMailer(new RelaySessions(new RelaySessionFactory(RelayPeers.testRules(), guard), null), guard,
                FakeMailContext.defaultContext(), io.github.outboundrelay.core.net.RelayConnectionRules.VerificationMail.RELAY);
            SendAsAddress sendAs = new SendAsAddress(new MailAddress("alice@partner.test"), Username.of("alice@ourdomain.test"),
                new RelayServer("relay.wrong-name.test", peer.port(), security), LOGIN,
                RelaySmtpClientTest.SEALER.seal(PASSWORD, "alice@partner.test"));

            RelayOutcome result = mailer.probe(sendAs, new RelayLogin.WithPassword(PASSWORD));

            assertThat(result.kind()).isEqualTo(RelayOutcome.Kind.TLS_FAILED);
            assertThat(peer.authAttempts()).isZero();
        }
    }
}
