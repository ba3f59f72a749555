package io.github.outboundrelay.mailets.delivery;

import static io.github.outboundrelay.mailets.smtp.RelayPeers.message;
import static io.github.outboundrelay.mailets.smtp.RelayPeers.sendAs;
import static io.github.outboundrelay.mailets.smtp.RelayPeers.testConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.queue.memory.MemoryMailQueueFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.james.user.api.UsersRepository;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.RelayAttempt;
import io.github.outboundrelay.core.RelayLogins;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.net.RelayConnectionRules;
import io.github.outboundrelay.core.store.memory.InMemoryDomainRelayPolicies;
import io.github.outboundrelay.core.store.memory.InMemoryOAuthProviders;
import io.github.outboundrelay.core.store.memory.InMemoryRelayAttemptLog;
import io.github.outboundrelay.core.store.memory.InMemorySendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemoryVerifications;
import io.github.outboundrelay.core.verification.SendAsVerifier;
import io.github.outboundrelay.mailets.RelayDeliveryConfiguration;
import io.github.outboundrelay.mailets.smtp.RelayPeers;
import io.github.outboundrelay.mailets.smtp.RelaySmtpClient;
import io.github.outboundrelay.mailets.smtp.RelaySmtpClientTest;
import io.github.outboundrelay.testing.DelayIgnoringMailQueueFactory;
import io.github.outboundrelay.testing.LogCapture;
import io.github.outboundrelay.testing.SmtpPeer;

/**
 * What the worker does with each outcome of a real relay: the peer is real, the queue is James's memory queue, and
 * the mailet context records what was handed to which processor.
 */
class RelayDeliveryWorkerTest {
    static final String LOGIN = "alice@partner.test";
    static final String PASSWORD = "partner-secret";
    static final Username OWNER = Username.of("alice@ourdomain.test");

    final RecordingMetricFactory metrics = new RecordingMetricFactory();
    final RelayPeers.MovableClock clock = new RelayPeers.MovableClock();
    final FakeMailContext context = FakeMailContext.builder().postmaster(postmaster()).build();
    final InMemorySendAsRegistry registry = new InMemorySendAsRegistry();
    final InMemoryDomainRelayPolicies policies = new InMemoryDomainRelayPolicies();
    final SendAsVerifier verifier = new SendAsVerifier(new InMemoryVerifications());
    final List<RelaySmtpClient> clients = new ArrayList<>();
    final InMemoryRelayAttemptLog attempts = new InMemoryRelayAttemptLog();
    final UsersRepository users = mock(UsersRepository.class);
    ManageableMailQueue queue;

    @BeforeEach
    void relayAllowed() throws Exception {
        when(users.contains(OWNER)).thenReturn(true);
        policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), true));
    }

    @AfterEach
    void closeClients() {
        clients.forEach(RelaySmtpClient::close);
    }

    @Test
    void rejectedCredentialsWithDeferTellTheOwnerOnceAndKeepTheMailQueued() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().rejectAllAuth().start()) {
            SendAsAddress alice = register(peer, RelaySecurity.STARTTLS);
            RelayDeliveryWorker worker = worker(testConfig());

            worker.deliver(queuedMail(alice));
            worker.deliver(takeFromQueue());

            assertThat(context.getSentMails()).hasSize(1);
            FakeMailContext.SentMail notice = context.getSentMails().get(0);
            assertThat(notice.getRecipients()).containsExactly(new MailAddress("alice@ourdomain.test"));
            String text = notice.getMsg().getContent().toString();
            assertThat(text).contains("The relay settings for alice@partner.test at localhost are misconfigured or out of date")
                .doesNotContain(PASSWORD);
            assertThat(queue.getSize()).isEqualTo(1);
            assertThat(metrics.countFor("outbound-relay-auth-failed")).isEqualTo(2);
            assertThat(metrics.countFor("outbound-relay-bounced")).isZero();
        }
    }

    @Test
    void everyAttemptIsAuditedWithItsOutcomeAndReplyCode() throws Exception {
        try (SmtpPeer rejecting = SmtpPeer.builder().requireStartTls().rejectAllAuth().start();
             SmtpPeer accepting = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start()) {
            RelayDeliveryWorker worker = worker(testConfig());
            worker.deliver(queuedMail(register(rejecting, RelaySecurity.STARTTLS)));
            worker.deliver(queuedMail(register(accepting, RelaySecurity.STARTTLS)));
            int closedPort = accepting.port();
            // The pooled session would keep the peer's stop waiting for it (a minute): closed first, once idle past the
            // pool's idle timeout on the test's clock (closeIdleSessions closes only those).
            clock.advance(Duration.ofHours(1));
            clients.forEach(RelaySmtpClient::closeIdleSessions);
            accepting.close();
            worker.deliver(queuedMail(register(closedPort, RelaySecurity.STARTTLS)));

            assertThat(attempts.find(java.util.Optional.of(OWNER), java.time.Instant.EPOCH, 0, 10))
                .extracting(RelayAttempt::outcome, RelayAttempt::replyCode, RelayAttempt::relayPort, RelayAttempt::recipientCount)
                .containsExactly(
                    org.assertj.core.groups.Tuple.tuple(io.github.outboundrelay.core.RelayOutcome.Kind.AUTH_REJECTED, java.util.Optional.of(535), rejecting.port(), 1),
                    org.assertj.core.groups.Tuple.tuple(io.github.outboundrelay.core.RelayOutcome.Kind.DELIVERED, java.util.Optional.of(250), closedPort, 1),
                    org.assertj.core.groups.Tuple.tuple(io.github.outboundrelay.core.RelayOutcome.Kind.UNREACHABLE, java.util.Optional.empty(), closedPort, 1));
            assertThat(attempts.find(java.util.Optional.empty(), java.time.Instant.EPOCH, 0, 10))
                .allSatisfy(attempt -> assertThat(attempt.messageId()).isNotBlank());
            // Counted per relay host too (all peers are "localhost" here).
            assertThat(metrics.countFor("outbound-relay-delivered-localhost")).isEqualTo(1);
            assertThat(metrics.countFor("outbound-relay-auth-failed-localhost")).isEqualTo(1);
            assertThat(metrics.countFor("outbound-relay-deferred-localhost")).isEqualTo(1);
        }
    }

    /** The sender writes the Message-ID: a line break in it does not make a line of the log or of the audit trail. */
    @Test
    void aMessageIdWithALineBreakIsLoggedAndAuditedOnOneLine() throws Throwable {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start()) {
            Mail mail = queuedMail(register(peer, RelaySecurity.STARTTLS));
            mail.getMessage().setHeader("Message-ID", "<1@partner.test>\r\n2024-01-01 00:00:00 [INFO ] forged line");

            List<ILoggingEvent> logged = workerLogWhile(() -> worker(testConfig()).deliver(mail));

            assertThat(logged).extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(line -> assertThat(line).contains("Outbound relay delivered mail").contains("forged line"))
                .allSatisfy(line -> assertThat(line).doesNotContain("\r", "\n"));
            assertThat(attempts.find(java.util.Optional.of(OWNER), java.time.Instant.EPOCH, 0, 10)).singleElement()
                .satisfies(attempt -> assertThat(attempt.messageId()).contains("forged line").doesNotContain("\r", "\n"));
        }
    }

    /**
     * As James's RemoteDelivery: the mail, its sender and its relay are the log context of the delivery (MDC), set once
     * for the mail, and the lines do not repeat them; a mail name with a line break stays on one line there too.
     */
    @Test
    void everyLineOfADeliveryCarriesTheMailItsSenderAndItsRelayAsLogContext() throws Throwable {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start()) {
            Mail mail = queuedMail(register(peer, RelaySecurity.STARTTLS));
            mail.setName("mail-1\r\nforged");

            List<ILoggingEvent> logged = workerLogWhile(() -> worker(testConfig()).deliver(mail));

            assertThat(logged).singleElement().satisfies(event -> {
                assertThat(event.getFormattedMessage()).startsWith("Outbound relay delivered mail")
                    .doesNotContain("mail-1", "alice@partner.test", "localhost:" + peer.port());
                assertThat(event.getMDCPropertyMap())
                    .containsEntry(DeliveryLogContext.MAIL, "mail-1\\r\\nforged")
                    .containsEntry(DeliveryLogContext.SENDER, "alice@partner.test")
                    .containsEntry(DeliveryLogContext.RELAY, "localhost:" + peer.port());
            });
            assertThat(org.slf4j.MDC.get(DeliveryLogContext.MAIL)).as("removed once the mail is handled").isNull();
        }
    }

    /** What the worker logged at INFO while {@code action} ran. */
    private static List<ILoggingEvent> workerLogWhile(org.junit.jupiter.api.function.Executable action) throws Throwable {
        return LogCapture.whileRunning(RelayDeliveryWorker.class, Level.INFO, action);
    }

    @Test
    void rejectedCredentialsWithBounceEndAsADsnAndLeaveTheQueue() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().rejectAllAuth().start()) {
            SendAsAddress alice = register(peer, RelaySecurity.STARTTLS);

            worker(testConfig().setProperty("authFailure", "bounce")).deliver(queuedMail(alice));

            assertThat(context.getSentMails()).singleElement().satisfies(dsn -> {
                assertThat(dsn.getState()).isEqualTo("bounces");
                assertThat(dsn.getSender()).isEqualTo(new MailAddress("alice@ourdomain.test"));
            });
            assertThat(queue.getSize()).isZero();
        }
    }

    @Test
    void withOnFailureGatewayRejectedCredentialsGoToTheGatewayProcessorWithTheEnvelopeUnchanged() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().rejectAllAuth().start()) {
            SendAsAddress alice = register(peer, RelaySecurity.STARTTLS);

            worker(testConfig().setProperty("authFailure", "bounce").setProperty("onFailure", "gateway")).deliver(queuedMail(alice));

            assertThat(context.getSentMails()).singleElement().satisfies(routed -> {
                assertThat(routed.getState()).isEqualTo("relay");
                assertThat(routed.getSender()).isEqualTo(new MailAddress("alice@partner.test"));
                assertThat(routed.getRecipients()).containsExactly(new MailAddress("carol@elsewhere.test"));
            });
            assertThat(metrics.countFor("outbound-relay-gatewayed")).isEqualTo(1);
        }
    }

    @Test
    void withOnFailureGatewayAnExpiredMailGoesToTheGatewayButA5xxRecipientRefusalIsStillBounced() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start()) {
            SendAsAddress alice = register(peer, RelaySecurity.STARTTLS);
            peer.refuseRecipient("nobody@elsewhere.test", 550, "5.1.1 No such user");
            peer.refuseRecipient("carol@elsewhere.test", 451, "4.2.0 Mailbox busy");
            RelayDeliveryWorker worker = worker(testConfig().setProperty("onFailure", "gateway").setProperty("maxQueueLifetime", "1 minute")
                .setProperty("retryDelay", "5 minutes"));
            Mail mail = queuedMail(alice);
            mail.setRecipients(RelayPeers.to("carol@elsewhere.test", "nobody@elsewhere.test"));

            worker.deliver(mail);

            assertThat(context.getSentMails()).extracting(FakeMailContext.SentMail::getState).containsExactlyInAnyOrder("bounces", "relay");
            assertThat(context.getSentMails()).filteredOn(sent -> sent.getState().equals("bounces")).singleElement()
                .satisfies(dsn -> assertThat(dsn.getRecipients()).containsExactly(new MailAddress("nobody@elsewhere.test")));
            assertThat(context.getSentMails()).filteredOn(sent -> sent.getState().equals("relay")).singleElement()
                .satisfies(routed -> assertThat(routed.getRecipients()).containsExactly(new MailAddress("carol@elsewhere.test")));
        }
    }

    @Test
    void aMailDeferredLongerThanDelayWarningAfterSendsOneDelayedDsn() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start()) {
            SendAsAddress alice = register(peer, RelaySecurity.STARTTLS);
            peer.failNextTransactions(3, 451, "4.3.0 Try later");
            RelayDeliveryWorker worker = worker(testConfig().setProperty("delayWarningAfter", "4 hours"));

            worker.deliver(queuedMail(alice));
            assertThat(context.getSentMails()).isEmpty();
            clock.advance(Duration.ofHours(5));
            worker.deliver(takeFromQueue());
            worker.deliver(takeFromQueue());

            assertThat(context.getSentMails()).singleElement().satisfies(warning -> {
                assertThat(warning.getState()).isEqualTo("relay-delayed");
                assertThat(warning.getSender()).isEqualTo(new MailAddress("alice@ourdomain.test"));
                assertThat(warning.getRecipients()).containsExactly(new MailAddress("carol@elsewhere.test"));
            });
            assertThat(queue.getSize()).isEqualTo(1);
        }
    }

    @Test
    void aMailWhoseAddressIsNoLongerVerifiedIsBouncedSayingWhyAndNeverSent() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start()) {
            SendAsAddress alice = register(peer, RelaySecurity.STARTTLS);
            Mail waiting = queuedMail(alice);
            // While it waited, the address moved to another host: pending until confirmed again.
            SendAsAddress moved = new SendAsAddress(alice.address(), OWNER, new io.github.outboundrelay.core.RelayServer(
                "127.0.0.1", peer.port(), RelaySecurity.STARTTLS), LOGIN, alice.requireRelayAccount().credential().secret());
            registry.register(moved);
            verifier.saved(moved, false);

            worker(testConfig().setProperty("onFailure", "gateway")).deliver(waiting);

            assertThat(peer.connectionCount()).isZero();
            assertThat(context.getSentMails()).singleElement().satisfies(dsn -> {
                assertThat(dsn.getState()).isEqualTo("bounces");
                assertThat(dsn.getSender()).isEqualTo(new MailAddress("alice@ourdomain.test"));
                assertThat(dsn.getMsg()).isNotNull();
            });
            assertThat(bounceReason()).contains("no longer verified");
            assertThat(queue.getSize()).isZero();
        }
    }

    @Test
    void aMailWhoseOwnerWasDeletedFromJamesIsBouncedSayingWhyAndNeverSent() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start()) {
            SendAsAddress alice = register(peer, RelaySecurity.STARTTLS);
            Mail waiting = queuedMail(alice);
            // Deleted while the mail waited; the sweep has not removed the address yet.
            when(users.contains(OWNER)).thenReturn(false);

            worker(testConfig().setProperty("onFailure", "gateway")).deliver(waiting);

            assertThat(peer.connectionCount()).isZero();
            assertThat(context.getSentMails()).singleElement()
                .satisfies(dsn -> assertThat(dsn.getState()).isEqualTo("bounces"));
            assertThat(bounceReason()).contains("no longer exists");
            assertThat(queue.getSize()).isZero();
        }
    }

    @Test
    void aMailWaitingWhenRelayingIsSwitchedOffGoesBackToTransportToLeaveThroughOurServers() throws Exception {
        // Issue 22: with relays off, an alternate address's mail goes through our servers (it was bounced before).
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start()) {
            SendAsAddress alice = register(peer, RelaySecurity.STARTTLS);
            Mail waiting = queuedMail(alice);
            policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), false));

            worker(testConfig().setProperty("onFailure", "gateway")).deliver(waiting);

            assertThat(peer.connectionCount()).isZero();
            assertThat(context.getSentMails()).singleElement().satisfies(handedBack -> {
                assertThat(handedBack.getState()).isEqualTo("transport");
                assertThat(handedBack.getRecipients()).containsExactly(new MailAddress("carol@elsewhere.test"));
            });
            assertThat(metrics.countFor("outbound-relay-through-our-servers")).isEqualTo(1);
            assertThat(metrics.countFor("outbound-relay-bounced")).isZero();
        }
    }

    @Test
    void aMailWaitingWhenAlternateAddressesAreSwitchedOffIsBouncedSayingWhyAndNeverSent() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start()) {
            SendAsAddress alice = register(peer, RelaySecurity.STARTTLS);
            Mail waiting = queuedMail(alice);
            policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), true, false, false));

            worker(testConfig().setProperty("ourServersProcessor", "elsewhere")).deliver(waiting);

            assertThat(peer.connectionCount()).isZero();
            assertThat(context.getSentMails()).singleElement().satisfies(dsn -> assertThat(dsn.getState()).isEqualTo("bounces"));
            assertThat(bounceReason()).contains("no longer allowed");
        }
    }

    /** A James user name may hold a quoted line break: the worker's lines about its mail stay one line each. */
    @Test
    void anOwnerNameWithALineBreakIsLoggedOnOneLine() throws Throwable {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start()) {
            Username forged = Username.of("\"alice\\\r\\\n2024-01-01 00:00:00 [INFO ] forged\"@ourdomain.test");
            SendAsAddress sendAs = sendAs("alice@partner.test", forged.asString(), peer, RelaySecurity.STARTTLS, LOGIN, PASSWORD);
            registry.register(sendAs);
            verifier.saved(sendAs, true);
            when(users.contains(forged)).thenReturn(true);
            when(users.getMailAddressFor(forged)).thenReturn(new MailAddress("alice@ourdomain.test"));
            Mail waiting = queuedMail(sendAs);
            policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), true, false, false));
            RelayDeliveryWorker worker = worker(testConfig());

            List<ILoggingEvent> logged = workerLogWhile(() -> worker.deliver(waiting));

            assertThat(logged).extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(line -> assertThat(line).contains("bounced mail of").contains("forged"))
                .allSatisfy(line -> assertThat(line).doesNotContain("\r", "\n"));
        }
    }

    @Test
    void aPasswordThatNoLongerOpensDefersTheMailAndTellsTheSenderLikeARefusedPassword() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start()) {
            SendAsAddress alice = register(peer, RelaySecurity.STARTTLS);
            // Sealed under a key this server does not have (lost key file, or data damaged).
            SendAsAddress unopenable = new SendAsAddress(alice.address(), OWNER, alice.requireRelayAccount().server(), LOGIN,
                new io.github.outboundrelay.core.secrets.SealedSecret("lost-key", alice.requireRelayAccount().credential().secret().sealed()));
            registry.register(unopenable);
            RelayDeliveryWorker worker = worker(testConfig());

            worker.deliver(queuedMail(unopenable));

            assertThat(peer.connectionCount()).isZero();
            assertThat(context.getSentMails()).singleElement().satisfies(notice ->
                assertThat(notice.getMsg().getContent().toString()).contains("misconfigured or out of date")
                    .contains("cannot be opened"));
            assertThat(queue.getSize()).isEqualTo(1);
            assertThat(attempts.find(java.util.Optional.of(OWNER), java.time.Instant.EPOCH, 0, 10))
                .extracting(RelayAttempt::outcome).containsExactly(io.github.outboundrelay.core.RelayOutcome.Kind.AUTH_REJECTED);
        }
    }

    /** The reason the bouncer gave the bounce processor, as DSNBounce will write it. */
    private String bounceReason() {
        return context.getSentMails().get(0).getAttributes().values().stream()
            .map(attribute -> String.valueOf(attribute.getValue().value()))
            .filter(value -> value.contains("relayed"))
            .findFirst().orElse("");
    }

    @Test
    void aRelayWithoutTlsIsUsedOnlyWhenTheDomainAllowsItAndOurServersSendTheMailOtherwise() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireAuth(LOGIN, PASSWORD).start()) {
            SendAsAddress alice = register(peer, RelaySecurity.NONE);
            policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), true, false));
            RelayDeliveryWorker worker = worker(testConfig());

            worker.deliver(queuedMail(alice));

            assertThat(peer.connectionCount()).isZero();
            assertThat(context.getSentMails()).as("not this relay: our servers").singleElement()
                .satisfies(handedBack -> assertThat(handedBack.getState()).isEqualTo("transport"));

            policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), true, true));
            worker.deliver(queuedMail(alice));

            assertThat(peer.awaitMessages(1, Duration.ofSeconds(5))).singleElement().satisfies(received -> {
                assertThat(received.authenticatedUser()).isEqualTo(LOGIN);
                assertThat(received.tlsActive()).isFalse();
            });
        }
    }

    @Test
    void aMailWhoseRelayStaysBusyIsBouncedOnceItsQueueLifetimeIsOver() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start()) {
            SendAsAddress alice = register(peer, RelaySecurity.STARTTLS);
            RelayDeliveryWorker worker = worker(testConfig().setProperty("maxConnectionsPerRelay", "1")
                .setProperty("maxQueueLifetime", "1 minute"), RelayPeers.testRules().withTimeouts(Duration.ofMillis(200),
                Duration.ofSeconds(10)));
            // The relay's only connection slot is taken (a slow delivery in progress) for the whole test.
            AutoCloseable slotTaken = RelayPeers.occupySlot(clients.get(0).pool(), alice, PASSWORD);
            Mail mail = queuedMail(alice);

            worker.deliver(mail);
            assertThat(queue.getSize()).as("busy: back to the queue for a while").isEqualTo(1);
            assertThat(context.getSentMails()).isEmpty();

            clock.advance(Duration.ofSeconds(50));
            worker.deliver(takeFromQueue());

            assertThat(queue.getSize()).isZero();
            assertThat(context.getSentMails()).singleElement().satisfies(dsn -> {
                assertThat(dsn.getState()).isEqualTo("bounces");
                assertThat(dsn.getRecipients()).containsExactly(new MailAddress("carol@elsewhere.test"));
            });
            assertThat(peer.received()).isEmpty();
            slotTaken.close();
        }
    }

    @Test
    void aDeferredMailCarriesTheTimeOfItsNextAttempt() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start()) {
            SendAsAddress alice = register(peer, RelaySecurity.STARTTLS);
            peer.failNextTransactions(1, 451, "4.3.0 try again later");

            worker(testConfig()).deliver(queuedMail(alice));

            assertThat(RelayMailAttributes.nextAttemptAt(takeFromQueue())).contains(clock.instant().plus(Duration.ofMinutes(5)));
        }
    }

    /**
     * The queue hands a deferred mail out again at once, as James 3.8.1's RabbitMQ queue does: the worker holds it
     * and puts it back until its retry time, and only then attempts it, once.
     */
    @Test
    void onAQueueIgnoringDelaysADeferredMailWaitsForItsRetryTimeWithoutSpinning() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start()) {
            SendAsAddress alice = register(peer, RelaySecurity.STARTTLS);
            peer.failNextTransactions(1, 451, "4.3.0 try again later");
            DelayIgnoringMailQueueFactory ignoringDelays = new DelayIgnoringMailQueueFactory(new RawMailQueueItemDecoratorFactory(), clock);
            RelayDeliveryWorker worker = worker(testConfig().setProperty("earlyMailHold", "50 ms"), ignoringDelays);
            worker.start();
            try {
                Mail mail = queuedMail(alice);
                queue.enQueue(mail);
                org.apache.james.lifecycle.api.LifecycleUtil.dispose(mail);
                waitUntil(() -> peer.mailFromCount() == 1 && ignoringDelays.ignoredDelays() >= 1);
                long deferredAt = System.nanoTime();

                Thread.sleep(1000);

                assertThat(peer.mailFromCount()).as("attempts before the retry time").isEqualTo(1);
                long heldMillis = Duration.ofNanos(System.nanoTime() - deferredAt).toMillis();
                // Put back about once per hold (50 ms), not in a busy loop; and put back at all, so the queue did drop
                // the delays.
                assertThat(ignoringDelays.ignoredDelays()).isBetween(3, 2 + (int) (heldMillis / 50) + 1);

                clock.advance(Duration.ofMinutes(5));

                assertThat(peer.awaitMessages(1, Duration.ofSeconds(10))).hasSize(1);
                waitUntil(() -> queue.getSize() == 0);
                assertThat(peer.mailFromCount()).isEqualTo(2);
            } finally {
                worker.stop();
            }
        }
    }

    private static void waitUntil(java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.call()) {
            assertThat(System.nanoTime()).as("condition met within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void perRelayMetricNamesAreBoundedWhateverTheHostNamesUsersChoose() {
        PerRelayMetricNames names = new PerRelayMetricNames();
        java.util.Set<String> parts = new java.util.HashSet<>();
        for (int i = 0; i < 10 * PerRelayMetricNames.MAX_NAMED_RELAYS; i++) {
            parts.add(names.hostPart("smtp" + i + ".attacker.test"));
        }

        assertThat(parts).hasSize(PerRelayMetricNames.MAX_NAMED_RELAYS + 1).contains(PerRelayMetricNames.OTHER_RELAYS);
        assertThat(names.hostPart("smtp0.attacker.test")).isEqualTo("smtp0.attacker.test");
    }

    @Test
    void theAttemptAtOnceIsMadeOnlyOnAnIdleSessionOfTheAccountAndOtherwiseNothingIsDone() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start()) {
            SendAsAddress alice = register(peer, RelaySecurity.STARTTLS);
            RelayDeliveryWorker worker = worker(testConfig());
            Mail first = queuedMail(alice);

            assertThat(worker.deliverAtOnce(first, Duration.ofSeconds(10))).isFalse();
            assertThat(peer.connectionCount()).isZero();
            assertThat(queue.getSize()).isZero();
            assertThat(attempts.find(java.util.Optional.empty(), java.time.Instant.EPOCH, 0, 10)).isEmpty();

            worker.deliver(first);
            assertThat(worker.deliverAtOnce(queuedMail(alice), Duration.ofSeconds(10))).isTrue();

            assertThat(peer.awaitMessages(2, Duration.ofSeconds(5))).hasSize(2);
            assertThat(peer.connectionCount()).isEqualTo(1);
            assertThat(queue.getSize()).isZero();
            assertThat(metrics.countFor("outbound-relay-delivered")).isEqualTo(2);
            clock.advance(Duration.ofHours(1)); // past the idle timeout: closed before the peer stops (it would wait)
            clients.forEach(RelaySmtpClient::closeIdleSessions);
        }
    }

    @Test
    void aMailWhoseAttemptAtOnceIsDeferredWaitsInTheQueueForItsRetry() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start()) {
            SendAsAddress alice = register(peer, RelaySecurity.STARTTLS);
            RelayDeliveryWorker worker = worker(testConfig());
            worker.deliver(queuedMail(alice));
            peer.failNextTransactions(1, 451, "4.3.0 Try again later");

            assertThat(worker.deliverAtOnce(queuedMail(alice), Duration.ofSeconds(10))).isTrue();

            assertThat(queue.getSize()).isEqualTo(1);
            assertThat(RelayMailAttributes.failedAttempts(takeFromQueue())).isEqualTo(1);
            assertThat(context.getSentMails()).isEmpty();
            assertThat(peer.connectionCount()).isEqualTo(1);
        }
    }

    private RelayDeliveryWorker worker(FakeMailetConfig.Builder config) throws Exception {
        return worker(config, RelayPeers.testRules());
    }

    private RelayDeliveryWorker worker(FakeMailetConfig.Builder config, RelayConnectionRules rules) throws Exception {
        return worker(config, rules, new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory(), clock));
    }

    private RelayDeliveryWorker worker(FakeMailetConfig.Builder config, MailQueueFactory<? extends ManageableMailQueue> queues)
        throws Exception {
        return worker(config, RelayPeers.testRules(), queues);
    }

    private RelayDeliveryWorker worker(FakeMailetConfig.Builder config, RelayConnectionRules rules,
                                       MailQueueFactory<? extends ManageableMailQueue> queues) throws Exception {
        RelayDeliveryConfiguration configuration = RelayDeliveryConfiguration.from(config.build(), rules);
        queue = queues.createQueue(MailQueueName.of("outbound-relay"));
        when(users.getMailAddressFor(OWNER)).thenReturn(new MailAddress("alice@ourdomain.test"));
        RelayBouncer bouncer = new RelayBouncer(context, users, configuration.bounceProcessor());
        RelaySmtpClient client = RelayPeers.client(configuration, rules, metrics, clock);
        clients.add(client);
        org.apache.james.domainlist.api.DomainList domains = mock(org.apache.james.domainlist.api.DomainList.class);
        when(domains.containsDomain(org.mockito.ArgumentMatchers.any()))
            .thenAnswer(call -> Domain.of("ourdomain.test").equals(call.getArgument(0)));
        RelayDeliveryWorker.Collaborators collaborators = new RelayDeliveryWorker.Collaborators(registry,
            new io.github.outboundrelay.core.OutboundRelayRule(registry, policies, domains, verifier), users, new RelayLogins(RelaySmtpClientTest.SEALER, registry, new InMemoryOAuthProviders()), client, bouncer,
            new RelayFailureRouter(configuration, context, bouncer, metrics),
            new RelayNotices(configuration, context, bouncer), new RelayAttemptRecorder(attempts, clock));
        return new RelayDeliveryWorker(queue, configuration, collaborators, metrics, clock);
    }

    private SendAsAddress register(int port, RelaySecurity security) throws Exception {
        SendAsAddress alice = SendAsAddress.withPassword(new MailAddress("alice@partner.test"), OWNER,
            new io.github.outboundrelay.core.RelayServer("localhost", port, security), LOGIN, PASSWORD, RelaySmtpClientTest.SEALER);
        registry.register(alice);
        verifier.saved(alice, true);
        return alice;
    }

    private SendAsAddress register(SmtpPeer peer, RelaySecurity security) throws Exception {
        SendAsAddress alice = sendAs("alice@partner.test", OWNER.asString(), peer, security, LOGIN, PASSWORD);
        registry.register(alice);
        verifier.saved(alice, true);
        return alice;
    }

    private Mail queuedMail(SendAsAddress sendAs) throws Exception {
        MailImpl mail = MailImpl.builder()
            .name("mail-" + System.nanoTime())
            .sender(sendAs.address())
            .addRecipient(new MailAddress("carol@elsewhere.test"))
            .mimeMessage(message("alice@partner.test", "queued"))
            .build();
        RelayMailAttributes.stamp(mail, sendAs, clock.instant());
        return mail;
    }

    /** The mail the worker put back, however long its delay: tests move the clock rather than wait. */
    private Mail takeFromQueue() throws Exception {
        ManageableMailQueue.MailQueueIterator browse = queue.browse();
        assertThat(browse.hasNext()).as("a mail waits in the queue").isTrue();
        Mail mail = browse.next().getMail();
        queue.clear();
        return mail;
    }

    private static MailAddress postmaster() {
        try {
            return new MailAddress("postmaster@ourdomain.test");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
