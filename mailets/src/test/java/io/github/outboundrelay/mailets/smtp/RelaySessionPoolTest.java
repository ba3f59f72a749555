package io.github.outboundrelay.mailets.smtp;

import static io.github.outboundrelay.mailets.smtp.RelayPeers.message;
import static io.github.outboundrelay.mailets.smtp.RelayPeers.sendAs;
import static io.github.outboundrelay.mailets.smtp.RelayPeers.testConfig;
import static io.github.outboundrelay.mailets.smtp.RelayPeers.to;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.testing.ReceivedMail;
import io.github.outboundrelay.testing.SmtpPeer;

/**
 * Session pooling against real SMTP peers over TCP: what the peer saw (connections, AUTH, RSET, MAIL FROM) is the
 * evidence.
 */
class RelaySessionPoolTest {
    static final String ALICE_LOGIN = "alice@partner.test";
    static final String ALICE_PASSWORD = "alice-secret";
    static final String BOB_LOGIN = "bob@partner.test";
    static final String BOB_PASSWORD = "bob-secret";

    final RecordingMetricFactory metrics = new RecordingMetricFactory();

    @Test
    void twentyMailsForOneAccountShareOneAuthenticatedConnectionResetBetweenMails() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(ALICE_LOGIN, ALICE_PASSWORD).start();
             RelaySmtpClient client = RelayPeers.client(testConfig(), metrics, Clock.systemUTC())) {
            SendAsAddress alice = sendAs("alice@partner.test", "alice@ourdomain.test", peer, RelaySecurity.STARTTLS, ALICE_LOGIN, ALICE_PASSWORD);
            for (int i = 0; i < 20; i++) {
                DeliveryResult result = client.send(alice, ALICE_PASSWORD, message("alice@partner.test", "mail " + i),
                    to("carol" + i + "@elsewhere.test"));
                assertThat(result.isCompleteSuccess()).isTrue();
            }

            List<ReceivedMail> received = peer.awaitMessages(20, Duration.ofSeconds(5));
            assertThat(peer.connectionCount()).isEqualTo(1);
            assertThat(peer.authAttempts()).isEqualTo(1);
            assertThat(peer.resetCount()).isEqualTo(19);
            assertThat(received).extracting(ReceivedMail::envelopeSender).containsOnly("alice@partner.test");
            for (int i = 0; i < 20; i++) {
                assertThat(received.get(i).recipients()).containsExactly("carol" + i + "@elsewhere.test");
                assertThat(received.get(i).content()).contains("Subject: mail " + i);
            }
            assertThat(metrics.countFor("outbound-relay-pool-session-opened")).isEqualTo(1);
            assertThat(metrics.countFor("outbound-relay-pool-session-reused")).isEqualTo(19);
        }
    }

    @Test
    void twoSendAsAddressesOfOneAccountShareTheConnectionButEachGetsItsOwnMailFrom() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(ALICE_LOGIN, ALICE_PASSWORD).start();
             RelaySmtpClient client = RelayPeers.client(testConfig(), metrics, Clock.systemUTC())) {
            SendAsAddress work = sendAs("alice@partner.test", "alice@ourdomain.test", peer, RelaySecurity.STARTTLS, ALICE_LOGIN, ALICE_PASSWORD);
            SendAsAddress sales = sendAs("sales@partner.test", "alice@ourdomain.test", peer, RelaySecurity.STARTTLS, ALICE_LOGIN, ALICE_PASSWORD);
            for (int i = 0; i < 3; i++) {
                client.send(work, ALICE_PASSWORD, message("alice@partner.test", "work " + i), to("carol@elsewhere.test"));
                client.send(sales, ALICE_PASSWORD, message("sales@partner.test", "sales " + i), to("dave@elsewhere.test"));
            }

            List<ReceivedMail> received = peer.awaitMessages(6, Duration.ofSeconds(5));
            assertThat(received).extracting(ReceivedMail::envelopeSender).containsExactly(
                "alice@partner.test", "sales@partner.test", "alice@partner.test", "sales@partner.test",
                "alice@partner.test", "sales@partner.test");
            assertThat(received).extracting(mail -> mail.recipients().get(0)).containsExactly(
                "carol@elsewhere.test", "dave@elsewhere.test", "carol@elsewhere.test", "dave@elsewhere.test",
                "carol@elsewhere.test", "dave@elsewhere.test");
            assertThat(peer.connectionCount()).isEqualTo(1);
        }
    }

    @Test
    void twoAccountsOnOneRelayNeverShareAConnection() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(ALICE_LOGIN, ALICE_PASSWORD).start();
             RelaySmtpClient client = RelayPeers.client(testConfig(), metrics, Clock.systemUTC())) {
            peer.acceptCredentials(BOB_LOGIN, BOB_PASSWORD);
            SendAsAddress alice = sendAs("alice@partner.test", "alice@ourdomain.test", peer, RelaySecurity.STARTTLS, ALICE_LOGIN, ALICE_PASSWORD);
            SendAsAddress bob = sendAs("bob@partner.test", "bob@ourdomain.test", peer, RelaySecurity.STARTTLS, BOB_LOGIN, BOB_PASSWORD);
            for (int i = 0; i < 3; i++) {
                client.send(alice, ALICE_PASSWORD, message("alice@partner.test", "a" + i), to("carol@elsewhere.test"));
                client.send(bob, BOB_PASSWORD, message("bob@partner.test", "b" + i), to("carol@elsewhere.test"));
            }

            List<ReceivedMail> received = peer.awaitMessages(6, Duration.ofSeconds(5));
            Set<String> aliceConnections = connectionsOf(received, ALICE_LOGIN);
            Set<String> bobConnections = connectionsOf(received, BOB_LOGIN);
            assertThat(aliceConnections).hasSize(1).doesNotContainAnyElementsOf(bobConnections);
            assertThat(bobConnections).hasSize(1);
            assertThat(received).allSatisfy(mail -> assertThat(mail.envelopeSender())
                .isEqualTo(mail.authenticatedUser().equals(ALICE_LOGIN) ? "alice@partner.test" : "bob@partner.test"));
        }
    }

    @Test
    void aChangedPasswordGetsANewSession() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(ALICE_LOGIN, ALICE_PASSWORD).start();
             RelaySmtpClient client = RelayPeers.client(testConfig(), metrics, Clock.systemUTC())) {
            SendAsAddress before = sendAs("alice@partner.test", "alice@ourdomain.test", peer, RelaySecurity.STARTTLS, ALICE_LOGIN, ALICE_PASSWORD);
            client.send(before, ALICE_PASSWORD, message("alice@partner.test", "before"), to("carol@elsewhere.test"));
            peer.acceptCredentials(ALICE_LOGIN, "changed-secret");
            SendAsAddress after = sendAs("alice@partner.test", "alice@ourdomain.test", peer, RelaySecurity.STARTTLS, ALICE_LOGIN, "changed-secret");

            DeliveryResult result = client.send(after, "changed-secret", message("alice@partner.test", "after"), to("carol@elsewhere.test"));

            assertThat(result.isCompleteSuccess()).isTrue();
            List<ReceivedMail> received = peer.awaitMessages(2, Duration.ofSeconds(5));
            assertThat(received.get(0).connectionId()).isNotEqualTo(received.get(1).connectionId());
            assertThat(peer.authAttempts()).isEqualTo(2);
        }
    }

    @Test
    void aSessionTheServerClosedBetweenTwoMailsIsReplacedAndBothAreDeliveredOnceWithoutFailure() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(ALICE_LOGIN, ALICE_PASSWORD).start();
             RelaySmtpClient client = RelayPeers.client(testConfig(), metrics, Clock.systemUTC())) {
            SendAsAddress alice = sendAs("alice@partner.test", "alice@ourdomain.test", peer, RelaySecurity.STARTTLS, ALICE_LOGIN, ALICE_PASSWORD);
            peer.dropConnectionAfterNextTransaction();

            DeliveryResult first = client.send(alice, ALICE_PASSWORD, message("alice@partner.test", "first"), to("carol@elsewhere.test"));
            DeliveryResult second = client.send(alice, ALICE_PASSWORD, message("alice@partner.test", "second"), to("carol@elsewhere.test"));

            assertThat(first.isCompleteSuccess()).isTrue();
            assertThat(second.isCompleteSuccess()).isTrue();
            assertThat(peer.awaitMessages(2, Duration.ofSeconds(5))).extracting(ReceivedMail::content)
                .satisfiesExactly(mail -> assertThat(mail).contains("Subject: first"), mail -> assertThat(mail).contains("Subject: second"));
            assertThat(peer.connectionCount()).isEqualTo(2);
        }
    }

    @Test
    void aConnectionLostAtMailFromOnAReusedSessionIsRetriedAtOnceOnAFreshOne() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(ALICE_LOGIN, ALICE_PASSWORD).start();
             RelaySmtpClient client = RelayPeers.client(testConfig(), metrics, Clock.systemUTC())) {
            SendAsAddress alice = sendAs("alice@partner.test", "alice@ourdomain.test", peer, RelaySecurity.STARTTLS, ALICE_LOGIN, ALICE_PASSWORD);
            client.send(alice, ALICE_PASSWORD, message("alice@partner.test", "first"), to("carol@elsewhere.test"));
            peer.dropConnectionOnNextMailFrom();

            DeliveryResult second = client.send(alice, ALICE_PASSWORD, message("alice@partner.test", "second"), to("carol@elsewhere.test"));

            assertThat(second.isCompleteSuccess()).isTrue();
            assertThat(peer.awaitMessages(2, Duration.ofSeconds(5))).hasSize(2);
            assertThat(peer.connectionCount()).isEqualTo(2);
        }
    }

    @Test
    void oneMessagePerSessionTurnsReuseOff() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(ALICE_LOGIN, ALICE_PASSWORD).start();
             RelaySmtpClient client = RelayPeers.client(testConfig().setProperty("poolMaxMessagesPerSession", "1"), metrics, Clock.systemUTC())) {
            SendAsAddress alice = sendAs("alice@partner.test", "alice@ourdomain.test", peer, RelaySecurity.STARTTLS, ALICE_LOGIN, ALICE_PASSWORD);
            for (int i = 0; i < 3; i++) {
                client.send(alice, ALICE_PASSWORD, message("alice@partner.test", "m" + i), to("carol@elsewhere.test"));
            }

            assertThat(peer.awaitMessages(3, Duration.ofSeconds(5))).hasSize(3);
            assertThat(peer.connectionCount()).isEqualTo(3);
            assertThat(client.pool().idleCount()).isZero();
        }
    }

    @Test
    void aSessionIdleLongerThanTheIdleTimeoutIsClosedAndNotReused() throws Exception {
        RelayPeers.MovableClock clock = new RelayPeers.MovableClock();
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(ALICE_LOGIN, ALICE_PASSWORD).start();
             RelaySmtpClient client = RelayPeers.client(testConfig().setProperty("poolIdleTimeout", "30 seconds"), metrics, clock)) {
            SendAsAddress alice = sendAs("alice@partner.test", "alice@ourdomain.test", peer, RelaySecurity.STARTTLS, ALICE_LOGIN, ALICE_PASSWORD);
            client.send(alice, ALICE_PASSWORD, message("alice@partner.test", "first"), to("carol@elsewhere.test"));
            clock.advance(Duration.ofSeconds(29));
            client.send(alice, ALICE_PASSWORD, message("alice@partner.test", "second"), to("carol@elsewhere.test"));
            clock.advance(Duration.ofSeconds(31));
            client.closeIdleSessions();
            assertThat(client.pool().idleCount()).isZero();

            client.send(alice, ALICE_PASSWORD, message("alice@partner.test", "third"), to("carol@elsewhere.test"));

            assertThat(peer.awaitMessages(3, Duration.ofSeconds(5))).hasSize(3);
            assertThat(peer.connectionCount()).isEqualTo(2);
        }
    }

    @Test
    void neverMoreConnectionsToOneRelayThanTheInUseCapPlusTheIdleCapWhateverTheNumberOfThreads() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(ALICE_LOGIN, ALICE_PASSWORD).start();
             RelaySmtpClient client = RelayPeers.client(testConfig().setProperty("maxConnectionsPerRelay", "2")
                 .setProperty("poolMaxIdleSessionsPerRelay", "1"),
                 RelayPeers.testRules().withTimeouts(java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(10)), metrics,
                 Clock.systemUTC())) {
            peer.acceptCredentials(BOB_LOGIN, BOB_PASSWORD);
            SendAsAddress alice = sendAs("alice@partner.test", "alice@ourdomain.test", peer, RelaySecurity.STARTTLS, ALICE_LOGIN, ALICE_PASSWORD);
            SendAsAddress bob = sendAs("bob@partner.test", "bob@ourdomain.test", peer, RelaySecurity.STARTTLS, BOB_LOGIN, BOB_PASSWORD);
            ExecutorService threads = Executors.newFixedThreadPool(8);
            try {
                List<Future<DeliveryResult>> results = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    boolean forAlice = i % 3 != 0;
                    String subject = "parallel " + i;
                    results.add(threads.submit(() -> forAlice
                        ? client.send(alice, ALICE_PASSWORD, message("alice@partner.test", subject), to("carol@elsewhere.test"))
                        : client.send(bob, BOB_PASSWORD, message("bob@partner.test", subject), to("carol@elsewhere.test"))));
                }
                for (Future<DeliveryResult> result : results) {
                    assertThat(result.get().isCompleteSuccess()).isTrue();
                }
            } finally {
                threads.shutdownNow();
            }

            assertThat(peer.awaitMessages(40, Duration.ofSeconds(10))).hasSize(40);
            // 2 carrying mail + 1 idle: idle sessions do not take a delivery slot, but they are bounded too.
            assertThat(peer.maxSimultaneousConnections()).isBetween(1, 3);
            assertThat(peer.connectionCount()).isLessThan(40);
        }
    }

    @Test
    void aThreadThatFindsEveryConnectionBusyGivesUpAfterTheBoundedWait() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(ALICE_LOGIN, ALICE_PASSWORD).start();
             RelaySmtpClient client = RelayPeers.client(testConfig().setProperty("maxConnectionsPerRelay", "1"),
                 RelayPeers.testRules().withTimeouts(java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(10)), metrics,
                 Clock.systemUTC())) {
            peer.acceptCredentials(BOB_LOGIN, BOB_PASSWORD);
            SendAsAddress alice = sendAs("alice@partner.test", "alice@ourdomain.test", peer, RelaySecurity.STARTTLS, ALICE_LOGIN, ALICE_PASSWORD);
            SendAsAddress bob = sendAs("bob@partner.test", "bob@ourdomain.test", peer, RelaySecurity.STARTTLS, BOB_LOGIN, BOB_PASSWORD);
            RelaySessionKey aliceKey = RelaySessionKey.of(alice, ALICE_PASSWORD, new PasswordFingerprints());
            RelaySessionFactory factory = new RelaySessionFactory(RelayPeers.testRules(),
                RelayPeers.loopbackTargets());
            RelaySession busy = client.pool().acquire(aliceKey, () -> factory.open(aliceKey, alice, ALICE_PASSWORD), Duration.ofSeconds(1), false);
            try {
                long start = System.nanoTime();
                DeliveryResult result = client.send(bob, BOB_PASSWORD, message("bob@partner.test", "waits"), to("carol@elsewhere.test"));

                assertThat(result.relayBusy()).isTrue();
                assertThat(result.temporarilyFailed()).hasSize(1);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
                assertThat(peer.connectionCount()).isEqualTo(1);
            } finally {
                client.pool().discard(busy);
            }
            assertThat(client.send(bob, BOB_PASSWORD, message("bob@partner.test", "now"), to("carol@elsewhere.test")).isCompleteSuccess()).isTrue();
        }
    }

    private static Set<String> connectionsOf(List<ReceivedMail> received, String user) {
        return received.stream().filter(mail -> user.equals(mail.authenticatedUser())).map(ReceivedMail::connectionId).collect(Collectors.toSet());
    }
}
