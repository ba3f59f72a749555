package io.github.outboundrelay.mailets.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import javax.crypto.spec.SecretKeySpec;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.dnsservice.api.InMemoryDNSService;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.net.PortRange;
import io.github.outboundrelay.core.net.RelayTargetGuard;
import io.github.outboundrelay.core.secrets.AesGcmSecretSealer;
import io.github.outboundrelay.mailets.RelayDeliveryConfiguration;
import io.github.outboundrelay.testing.ReceivedMail;
import io.github.outboundrelay.testing.SmtpPeer;
import io.github.outboundrelay.testing.TestTls;

/**
 * The SMTP side of the mailet against real servers over TCP.
 */
public class RelaySmtpClientTest {
    static final String LOGIN = "alice@partner.test";
    static final String PASSWORD = "partner-secret";

    @Test
    void deliversWithStartTlsAndAuthToAllRecipientsInOneTransaction() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start()) {
            DeliveryResult result = client(true).send(sendAs(peer, RelaySecurity.STARTTLS), PASSWORD, message(),
                List.of(new MailAddress("carol@elsewhere.test"), new MailAddress("dave@elsewhere.test")));

            assertThat(result.isCompleteSuccess()).isTrue();
            ReceivedMail received = peer.received().get(0);
            assertThat(peer.received()).hasSize(1);
            assertThat(received.recipients()).containsExactly("carol@elsewhere.test", "dave@elsewhere.test");
            assertThat(received.envelopeSender()).isEqualTo("alice@partner.test");
            assertThat(received.authenticatedUser()).isEqualTo(LOGIN);
            assertThat(received.tlsActive()).isTrue();
            assertThat(received.content()).doesNotContainIgnoringCase("\nSender:");
        }
    }

    @Test
    void deliversWithImplicitTls() throws Exception {
        // The client closes first: a peer stopping under an open implicit-TLS session waits for its read timeout.
        try (SmtpPeer peer = SmtpPeer.builder().implicitTls().requireAuth(LOGIN, PASSWORD).start();
             RelaySmtpClient client = newClient(true)) {
            DeliveryResult result = client.send(sendAs(peer, RelaySecurity.SMTPS), PASSWORD, message(), recipients());

            assertThat(result.isCompleteSuccess()).isTrue();
            assertThat(peer.received()).hasSize(1);
        }
    }

    @Test
    void rejectedCredentialsAreReportedAsAuthRejectedWithoutThePassword() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().rejectAllAuth().start()) {
            DeliveryResult result = client(true).send(sendAs(peer, RelaySecurity.STARTTLS), PASSWORD, message(), recipients());

            assertThat(result.authRejected()).isTrue();
            assertThat(result.temporarilyFailed()).hasSize(1);
            assertThat(result.diagnostic()).contains("alice@partner.test").doesNotContain(PASSWORD);
        }
    }

    @Test
    void aRelayThatDoesNotOfferAuthIsTreatedAsRefusedCredentialsAndNothingIsSent() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().withoutAuth().start()) {
            DeliveryResult result = client(true).send(sendAs(peer, RelaySecurity.STARTTLS), PASSWORD, message(), recipients());

            assertThat(result.authRejected()).isTrue();
            assertThat(result.temporarilyFailed()).hasSize(1);
            assertThat(result.diagnostic()).contains("AUTH not offered");
            assertThat(peer.received()).isEmpty();
            assertThat(peer.mailFromCount()).isZero();
        }
    }

    @Test
    void startTlsThatIsNotOfferedIsDeferredAndNothingIsSentInClear() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireAuth(LOGIN, PASSWORD).start()) {
            DeliveryResult result = client(true).send(sendAs(peer, RelaySecurity.STARTTLS), PASSWORD, message(), recipients());

            assertThat(result.temporarilyFailed()).hasSize(1);
            assertThat(peer.authAttempts()).isZero();
            assertThat(peer.received()).isEmpty();
        }
    }

    @Test
    void certificateNotTrustedIsRefused() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().withUntrustedCertificate().requireAuth(LOGIN, PASSWORD).start()) {
            DeliveryResult result = client(true).send(sendAs(peer, RelaySecurity.STARTTLS), PASSWORD, message(), recipients());

            assertThat(result.temporarilyFailed()).hasSize(1);
            assertThat(peer.authAttempts()).isZero();
        }
    }

    @Test
    void selfSignedRelayIsRefusedWithoutTheAdminsTrustStore() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start()) {
            DeliveryResult result = client(false).send(sendAs(peer, RelaySecurity.STARTTLS), PASSWORD, message(), recipients());

            assertThat(result.temporarilyFailed()).hasSize(1);
            assertThat(peer.received()).isEmpty();
        }
    }

    @Test
    void recipientRefusedWith5xxFailsForGoodWhileTheOthersAreDelivered() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start()) {
            peer.refuseRecipient("nobody@elsewhere.test", 550, "5.1.1 No such user");
            DeliveryResult result = client(true).send(sendAs(peer, RelaySecurity.STARTTLS), PASSWORD, message(),
                List.of(new MailAddress("carol@elsewhere.test"), new MailAddress("nobody@elsewhere.test")));

            assertThat(result.delivered()).extracting(MailAddress::asString).containsExactly("carol@elsewhere.test");
            assertThat(result.permanentlyFailed()).extracting(MailAddress::asString).containsExactly("nobody@elsewhere.test");
            assertThat(result.diagnostic()).contains("550");
            assertThat(peer.received()).hasSize(1);
        }
    }

    @Test
    void transientRefusalIsDeferred() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start()) {
            peer.failNextTransactions(1, 451, "4.3.0 Try later");
            DeliveryResult result = client(true).send(sendAs(peer, RelaySecurity.STARTTLS), PASSWORD, message(), recipients());

            assertThat(result.temporarilyFailed()).hasSize(1);
            assertThat(result.permanentlyFailed()).isEmpty();
        }
    }

    @Test
    void permanentRefusalOfTheSenderBouncesEveryone() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start()) {
            peer.failNextTransactions(1, 553, "5.7.1 Sender not owned by user");
            DeliveryResult result = client(true).send(sendAs(peer, RelaySecurity.STARTTLS), PASSWORD, message(), recipients());

            assertThat(result.permanentlyFailed()).hasSize(1);
            assertThat(result.diagnostic()).contains("553");
        }
    }

    @Test
    void theConnectionGoesToTheCheckedAddressNotToASecondLookup() throws Exception {
        // Only James's DNS (the guard's) knows this name: the OS resolver would fail, so delivery proves the pinning.
        RelayTargetGuard guard = guardResolving("relay.pinned.test");
        try (SmtpPeer peer = SmtpPeer.builder().requireAuth(LOGIN, PASSWORD).start();
             RelaySmtpClient client = newClient(guard)) {
            DeliveryResult result = client.send(sendAsOn("relay.pinned.test", peer, RelaySecurity.NONE), PASSWORD, message(), recipients());

            assertThat(result.isCompleteSuccess()).isTrue();
            assertThat(peer.received()).hasSize(1);
        }
    }

    @Test
    void theCertificateIsCheckedAgainstTheRelaysNameNotTheCheckedAddress() throws Exception {
        // The test certificate is for localhost (and 127.0.0.1): another name on the same address must be refused.
        RelayTargetGuard guard = guardResolving("relay.pinned.test");
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start();
             RelaySmtpClient client = newClient(guard)) {
            DeliveryResult result = client.send(sendAsOn("relay.pinned.test", peer, RelaySecurity.STARTTLS), PASSWORD, message(), recipients());

            assertThat(result.temporarilyFailed()).hasSize(1);
            assertThat(peer.authAttempts()).isZero();
            assertThat(peer.received()).isEmpty();
        }
    }

    @Test
    void aTrustedCertificateForAnotherNameIsRefusedOverImplicitTlsToo() throws Exception {
        // The test CA's certificate is for localhost: trusted, but not for relay.pinned.test on the same address.
        RelayTargetGuard guard = guardResolving("relay.pinned.test");
        try (SmtpPeer peer = SmtpPeer.builder().implicitTls().requireAuth(LOGIN, PASSWORD).start();
             RelaySmtpClient client = newClient(guard)) {
            DeliveryResult result = client.send(sendAsOn("relay.pinned.test", peer, RelaySecurity.SMTPS), PASSWORD, message(), recipients());

            assertThat(result.temporarilyFailed()).hasSize(1);
            assertThat(result.diagnostic()).doesNotContain("127.0.0.1");
            assertThat(peer.authAttempts()).isZero();
            assertThat(peer.received()).isEmpty();
        }
    }

    @Test
    void aRelayResolvingToAnInternalAddressIsNeverContacted() throws Exception {
        RelayTargetGuard publicOnly = new RelayTargetGuard(new InMemoryDNSService()
            .registerRecord("relay.pinned.test", InetAddress.getByName("127.0.0.1"), "relay.pinned.test"),
            PortRange.parseList("allowedRelayPorts", "1-65535"), List.of(), List.of());
        try (SmtpPeer peer = SmtpPeer.builder().requireAuth(LOGIN, PASSWORD).start();
             RelaySmtpClient client = newClient(publicOnly)) {
            DeliveryResult result = client.send(sendAsOn("relay.pinned.test", peer, RelaySecurity.NONE), PASSWORD, message(), recipients());

            assertThat(result.temporarilyFailed()).hasSize(1);
            assertThat(result.diagnostic()).contains("not an allowed relay target").doesNotContain("127.0.0.1");
            assertThat(peer.connectionCount()).isZero();
        }
    }

    private static RelayTargetGuard guardResolving(String name) throws Exception {
        return new RelayTargetGuard(new InMemoryDNSService().registerRecord(name, InetAddress.getByName("127.0.0.1"), name),
            PortRange.parseList("allowedRelayPorts", "1-65535"), List.of(), List.of("127.0.0.0/8"));
    }

    private static SendAsAddress sendAsOn(String host, SmtpPeer peer, RelaySecurity security) throws Exception {
        return SendAsAddress.withPassword(new MailAddress("alice@partner.test"), Username.of("alice@ourdomain.test"),
            new RelayServer(host, peer.port(), security), LOGIN, PASSWORD, SEALER);
    }

    private static RelaySmtpClient newClient(RelayTargetGuard guard) throws Exception {
        RelayDeliveryConfiguration configuration = RelayDeliveryConfiguration.from(RelayPeers.testConfig().build());
        return new RelaySmtpClient(configuration, new RelaySessionFactory(RelayPeers.rules(true), guard),
            new RecordingMetricFactory(), Clock.systemUTC());
    }

    /**
     * A relay that sends its greeting one byte every 300 ms never trips the 2-second read timeout: only the attempt's
     * overall deadline ends the attempt, and the delivery thread is free again.
     */
    @Test
    void aRelayThatDripsItsRepliesIsCutOffAtTheAttemptDeadline() throws Exception {
        try (java.net.ServerSocket dripping = new java.net.ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread dripper = new Thread(() -> {
                try (java.net.Socket client = dripping.accept()) {
                    while (true) {
                        client.getOutputStream().write('2');
                        client.getOutputStream().flush();
                        Thread.sleep(300);
                    }
                } catch (Exception e) {
                    // the client cut the connection: done
                }
            });
            dripper.setDaemon(true);
            dripper.start();
            RelaySmtpClient client = RelayPeers.client(RelayPeers.testConfig().setProperty("attemptTimeout", "3 seconds"),
                RelayPeers.rules(false).withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2)), new RecordingMetricFactory(),
                Clock.systemUTC());
            clients.add(client);
            SendAsAddress sendAs = SendAsAddress.withPassword(new MailAddress("alice@partner.test"), Username.of("alice@ourdomain.test"),
                new RelayServer("localhost", dripping.getLocalPort(), RelaySecurity.NONE), LOGIN, PASSWORD, SEALER);

            DeliveryResult result = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(15),
                () -> client.send(sendAs, PASSWORD, message(), recipients()));

            assertThat(result.temporarilyFailed()).hasSize(1);
            assertThat(result.diagnostic()).contains("attemptTimeout");
        }
    }

    @Test
    void unreachableRelayIsDeferred() throws Exception {
        int closedPort;
        try (SmtpPeer peer = SmtpPeer.builder().plain().start()) {
            closedPort = peer.port();
        }
        SendAsAddress sendAs = SendAsAddress.withPassword(new MailAddress("alice@partner.test"), Username.of("alice@ourdomain.test"),
            new RelayServer("localhost", closedPort, RelaySecurity.STARTTLS), LOGIN, PASSWORD, SEALER);

        DeliveryResult result = client(true).send(sendAs, PASSWORD, message(), recipients());

        assertThat(result.temporarilyFailed()).hasSize(1);
        // The diagnostic goes into DSNs: the relay's name, never the (here internal, admin-allowed) address reached.
        assertThat(result.diagnostic()).contains("localhost").doesNotContain("127.0.0.1");
    }

    public static final AesGcmSecretSealer SEALER = new AesGcmSecretSealer(
        Map.of("k", new SecretKeySpec(Base64.getDecoder().decode("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), "AES")), "k");

    /** Clients made by a test, closed after it so no pooled session outlives its peer. */
    private final List<RelaySmtpClient> clients = new java.util.ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void closeClients() {
        clients.forEach(RelaySmtpClient::close);
    }

    private RelaySmtpClient client(boolean withTestTrustStore) throws Exception {
        RelaySmtpClient client = newClient(withTestTrustStore);
        clients.add(client);
        return client;
    }

    static RelaySmtpClient newClient(boolean withTestTrustStore) throws Exception {
        return RelayPeers.client(RelayPeers.testConfig(),
            RelayPeers.rules(withTestTrustStore).withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10)),
            new RecordingMetricFactory(), Clock.systemUTC());
    }

    static SendAsAddress sendAs(SmtpPeer peer, RelaySecurity security) throws Exception {
        MailAddress address = new MailAddress("alice@partner.test");
        return SendAsAddress.withPassword(address, Username.of("alice@ourdomain.test"), new RelayServer("localhost", peer.port(), security),
            LOGIN, PASSWORD, SEALER);
    }

    static List<MailAddress> recipients() throws Exception {
        return List.of(new MailAddress("carol@elsewhere.test"));
    }

    static MimeMessage message() throws Exception {
        return MimeMessageBuilder.mimeMessageBuilder()
            .addFrom("alice@partner.test")
            .addToRecipient("carol@elsewhere.test")
            .setSubject("relayed")
            .setText("hello")
            .build();
    }
}
