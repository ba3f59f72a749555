package io.github.outboundrelay.mailets.smtp;

import static io.github.outboundrelay.mailets.smtp.RelayPeers.message;
import static io.github.outboundrelay.mailets.smtp.RelayPeers.sendAs;
import static io.github.outboundrelay.mailets.smtp.RelayPeers.testConfig;
import static io.github.outboundrelay.mailets.smtp.RelayPeers.to;
import static io.github.outboundrelay.mailets.smtp.RelaySessionPoolTest.ALICE_LOGIN;
import static io.github.outboundrelay.mailets.smtp.RelaySessionPoolTest.ALICE_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.RelayLogin;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.mailets.smtp.RelaySessionKey.RelayEndpoint;
import io.github.outboundrelay.testing.ReceivedMail;
import io.github.outboundrelay.testing.SmtpPeer;

/**
 * Many accounts on one relay: {@code maxConnectionsPerRelay} bounds the sessions carrying a mail at once, and
 * {@code maxOpenConnectionsPerRelay} every connection open to it; idle sessions are kept for the accounts sending, so
 * an account's idle session is not closed to let another account deliver. Against real SMTP peers, as {@link RelaySessionPoolTest}.
 */
class RelaySessionPoolRelayLimitsTest {
    final RecordingMetricFactory metrics = new RecordingMetricFactory();
    final PasswordFingerprints fingerprints = new PasswordFingerprints();

    @Test
    void idleSessionsOfMoreAccountsThanTheCapAreKeptAndEachAccountReusesItsOwn() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(ALICE_LOGIN, ALICE_PASSWORD).start();
             RelaySmtpClient client = RelayPeers.client(testConfig().setProperty("maxConnectionsPerRelay", "2"), metrics, Clock.systemUTC())) {
            List<SendAsAddress> accounts = accounts(peer, 5);
            for (SendAsAddress account : accounts) {
                assertThat(deliver(client, account, "first of " + account.requireRelayAccount().username()).isCompleteSuccess()).isTrue();
            }
            assertThat(client.pool().idleCount()).isEqualTo(5);
            assertThat(client.pool().connectionsInUse(relayOf(peer))).isZero();

            for (SendAsAddress account : accounts) {
                assertThat(deliver(client, account, "second of " + account.requireRelayAccount().username()).isCompleteSuccess()).isTrue();
            }

            List<ReceivedMail> received = peer.awaitMessages(10, Duration.ofSeconds(5));
            assertThat(peer.connectionCount()).isEqualTo(5);
            for (SendAsAddress account : accounts) {
                assertThat(connectionOf(received, "second of " + account.requireRelayAccount().username()))
                    .isEqualTo(connectionOf(received, "first of " + account.requireRelayAccount().username()));
            }
            assertThat(metrics.countFor("outbound-relay-pool-session-reused")).isEqualTo(5);
        }
    }

    @Test
    void noMoreSessionsThanTheCapAreHandedOutAtOnceEvenWhenTheAccountHasAnIdleOne() throws Exception {
        ExecutorService waiter = Executors.newSingleThreadExecutor();
        List<RelaySession> handedOut = new ArrayList<>();
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(ALICE_LOGIN, ALICE_PASSWORD).start();
             RelaySmtpClient client = RelayPeers.client(testConfig().setProperty("maxConnectionsPerRelay", "2"), metrics, Clock.systemUTC())) {
            List<SendAsAddress> accounts = accounts(peer, 3);
            RelaySession first = acquire(client, accounts.get(0), Duration.ofSeconds(1));
            handedOut.add(acquire(client, accounts.get(1), Duration.ofSeconds(1)));
            assertThat(client.pool().connectionsInUse(relayOf(peer))).isEqualTo(2);

            long start = System.nanoTime();
            assertThatThrownBy(() -> acquire(client, accounts.get(2), Duration.ofMillis(500)))
                .isInstanceOf(NoConnectionSlotException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(450), Duration.ofSeconds(5));

            Future<RelaySession> third = waiter.submit(() -> acquire(client, accounts.get(2), Duration.ofSeconds(10)));
            Thread.sleep(200);
            assertThat(third).isNotDone();
            client.pool().release(first, true);
            handedOut.add(third.get(5, TimeUnit.SECONDS));

            assertThat(client.pool().connectionsInUse(relayOf(peer))).isEqualTo(2);
            assertThat(client.pool().idleCount()).isEqualTo(1);
            // The first account's idle session is there, but using it would be a third delivery in progress.
            assertThatThrownBy(() -> acquire(client, accounts.get(0), Duration.ofMillis(200)))
                .isInstanceOf(NoConnectionSlotException.class);
            assertThat(peer.connectionCount()).isEqualTo(3);
            handedOut.forEach(client.pool()::discard);
        } finally {
            waiter.shutdownNow();
        }
    }

    @Test
    void atTheOpenConnectionCapOfARelayItsLeastRecentlyUsedSessionIsClosedToOpenAnotherWhateverTheAccount() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(ALICE_LOGIN, ALICE_PASSWORD).start();
             RelaySmtpClient client = RelayPeers.client(testConfig().setProperty("maxOpenConnectionsPerRelay", "3")
                 .setProperty("maxConnectionsPerRelay", "1"), metrics, Clock.systemUTC())) {
            List<SendAsAddress> accounts = accounts(peer, 5);
            for (SendAsAddress account : accounts) {
                deliver(client, account, "first of " + account.requireRelayAccount().username());
            }
            assertThat(client.pool().idleCount(relayOf(peer))).isEqualTo(3);

            // The three most recent keep their session; the two least recently used lost theirs and connect again.
            for (SendAsAddress account : List.of(accounts.get(2), accounts.get(3), accounts.get(4), accounts.get(0), accounts.get(1))) {
                deliver(client, account, "second of " + account.requireRelayAccount().username());
            }

            List<ReceivedMail> received = peer.awaitMessages(10, Duration.ofSeconds(5));
            for (SendAsAddress kept : accounts.subList(2, 5)) {
                assertThat(connectionOf(received, "second of " + kept.requireRelayAccount().username()))
                    .isEqualTo(connectionOf(received, "first of " + kept.requireRelayAccount().username()));
            }
            for (SendAsAddress closed : accounts.subList(0, 2)) {
                assertThat(connectionOf(received, "second of " + closed.requireRelayAccount().username()))
                    .isNotEqualTo(connectionOf(received, "first of " + closed.requireRelayAccount().username()));
            }
            assertThat(peer.connectionCount()).isEqualTo(7);
            assertThat(client.pool().idleCount(relayOf(peer))).isEqualTo(3);
        }
    }

    @Test
    void moreAccountsSendingInTurnThanTheOldFixedIdleBoundEachKeepTheirSession() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(ALICE_LOGIN, ALICE_PASSWORD).start();
             RelaySmtpClient client = RelayPeers.client(testConfig(), metrics, Clock.systemUTC())) {
            List<SendAsAddress> accounts = accounts(peer, 60);
            for (int round = 0; round < 3; round++) {
                for (SendAsAddress account : accounts) {
                    assertThat(deliver(client, account, "round " + round).isCompleteSuccess()).isTrue();
                }
            }

            assertThat(peer.awaitMessages(180, Duration.ofSeconds(20))).hasSize(180);
            assertThat(peer.connectionCount()).isEqualTo(60);
            assertThat(client.pool().idleCount(relayOf(peer))).isEqualTo(60);
        }
    }

    @Test
    void neverMoreConnectionsOpenToOneRelayThanItsCapWhenManyAccountsSendFromManyThreads() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(ALICE_LOGIN, ALICE_PASSWORD).start();
             RelaySmtpClient client = RelayPeers.client(testConfig().setProperty("maxConnectionsPerRelay", "4")
                 .setProperty("maxOpenConnectionsPerRelay", "6"), metrics,
                 Clock.systemUTC())) {
            List<SendAsAddress> accounts = accounts(peer, 12);
            List<Future<DeliveryResult>> results = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                SendAsAddress account = accounts.get(i % accounts.size());
                String subject = "parallel " + i;
                results.add(threads.submit(() -> deliver(client, account, subject)));
            }
            for (Future<DeliveryResult> result : results) {
                assertThat(result.get().isCompleteSuccess()).isTrue();
            }

            assertThat(peer.awaitMessages(60, Duration.ofSeconds(10))).hasSize(60);
            assertThat(peer.maxSimultaneousConnections()).isBetween(1, 6);
            assertThat(client.pool().idleCount(relayOf(peer))).isLessThanOrEqualTo(6);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void theAttemptAtOnceTakesOnlyAnIdleSessionOfItsAccountWithASlotFreeNowAndNeverConnects() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(ALICE_LOGIN, ALICE_PASSWORD).start();
             RelaySmtpClient client = RelayPeers.client(testConfig().setProperty("maxConnectionsPerRelay", "1"), metrics,
                 Clock.systemUTC())) {
            List<SendAsAddress> accounts = accounts(peer, 2);
            assertThat(deliverAtOnce(client, accounts.get(0), "no session yet")).isEmpty();
            assertThat(peer.connectionCount()).isZero();

            deliver(client, accounts.get(0), "opens a session");
            assertThat(deliverAtOnce(client, accounts.get(1), "another account")).isEmpty();
            RelaySession busy = acquire(client, accounts.get(1), Duration.ofSeconds(1));
            try {
                assertThat(deliverAtOnce(client, accounts.get(0), "the only slot is busy")).isEmpty();
            } finally {
                client.pool().discard(busy);
            }
            assertThat(deliverAtOnce(client, accounts.get(0), "at once")).hasValueSatisfying(
                result -> assertThat(result.isCompleteSuccess()).isTrue());

            List<ReceivedMail> received = peer.awaitMessages(2, Duration.ofSeconds(5));
            assertThat(received).hasSize(2);
            assertThat(connectionOf(received, "at once")).isEqualTo(connectionOf(received, "opens a session"));
            assertThat(peer.connectionCount()).isEqualTo(2);
        }
    }

    private static Optional<DeliveryResult> deliverAtOnce(RelaySmtpClient client, SendAsAddress account, String subject)
            throws Exception {
        return client.sendOnIdleSession(account, new RelayLogin.WithPassword(passwordOf(account.requireRelayAccount().username())),
            message(account.address().asString(), subject), to("carol@elsewhere.test"), Duration.ofSeconds(10));
    }

    /** Accounts with a login of their own on the peer's relay, as many users of one partner relay. */
    private static List<SendAsAddress> accounts(SmtpPeer peer, int count) throws Exception {
        List<SendAsAddress> accounts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String login = "user" + i + "@partner.test";
            peer.acceptCredentials(login, passwordOf(login));
            accounts.add(sendAs(login, "user" + i + "@ourdomain.test", peer, RelaySecurity.STARTTLS, login, passwordOf(login)));
        }
        return accounts;
    }

    private static String passwordOf(String login) {
        return "secret of " + login;
    }

    private static DeliveryResult deliver(RelaySmtpClient client, SendAsAddress account, String subject) throws Exception {
        return client.send(account, passwordOf(account.requireRelayAccount().username()), message(account.address().asString(), subject),
            to("carol@elsewhere.test"));
    }

    /** A session straight from the pool, as a delivery thread holds it while it carries a mail. */
    private RelaySession acquire(RelaySmtpClient client, SendAsAddress account, Duration slotWait) throws Exception {
        String password = passwordOf(account.requireRelayAccount().username());
        RelaySessionKey key = RelaySessionKey.of(account, password, fingerprints);
        RelaySessionFactory factory = new RelaySessionFactory(RelayPeers.testRules(),
            RelayPeers.loopbackTargets());
        return client.pool().acquire(key, () -> factory.open(key, account, password), slotWait, false);
    }

    private static RelayEndpoint relayOf(SmtpPeer peer) {
        return new RelayEndpoint("localhost", peer.port());
    }

    private static String connectionOf(List<ReceivedMail> received, String subject) {
        return received.stream().filter(mail -> mail.content().contains("Subject: " + subject + "\r\n"))
            .map(ReceivedMail::connectionId).findFirst().orElseThrow();
    }
}
