package io.github.outboundrelay.it;

import static io.github.outboundrelay.it.RelayScenario.PATIENCE;
import static io.github.outboundrelay.it.RelayScenario.awaitAt;
import static io.github.outboundrelay.it.RelayScenario.subjectsAt;
import static io.github.outboundrelay.it.RelayScenario.uniqueSubject;
import static io.github.outboundrelay.it.RelayScenario.withSubject;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.apache.james.MemoryJamesServerMain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.testing.SmtpPeer;

/**
 * The attempt at once of {@code OutboundRelayDelivery} ({@code attemptAtOnce}, as james-conf ships it) in a real James
 * against real partner relays: a mail of an account whose session is idle in the pool is attempted by the mailet while
 * it is still in James's spool, and never enters the relay queue; a first mail (no idle session) goes through the
 * relay queue; a 4xx met at once is retried from the queue and delivered once; a 5xx met at once ends as a DSN.
 *
 * <p>Where the mail is during its attempt is read from James's own queues (WebAdmin, {@code spool} and
 * {@code outbound-relay}: their sizes count mail being processed) while a {@link HoldableForwarder} between James and
 * the partner holds what James sends: the attempt cannot end meanwhile. James's metrics
 * ({@value #AT_ONCE}, {@value #QUEUED_FIRST}) tell which way each mail took. Each case has its own user and partner
 * (a pooled session serves one relay account).</p>
 */
class AttemptAtOnceIntegrationTest {
    static final String LOGIN = "user@partner.test";
    static final String PASSWORD = "partner-secret";
    static final String AT_ONCE = "outbound-relay-attempted-at-once";
    static final String QUEUED_FIRST = "outbound-relay-queued-first";
    static final Duration HOLD = Duration.ofMillis(500);

    static final SmtpPeer FIRST_MAIL_RELAY = partnerRelay();
    static final SmtpPeer IDLE_SESSION_RELAY = partnerRelay();
    static final SmtpPeer DEFERRING_RELAY = partnerRelay();
    static final SmtpPeer REFUSING_RELAY = partnerRelay();
    static final SmtpPeer GATEWAY = SmtpPeer.builder().plain().start();
    static final HoldableForwarder TO_FIRST_MAIL_RELAY = HoldableForwarder.to(FIRST_MAIL_RELAY);
    static final HoldableForwarder TO_IDLE_SESSION_RELAY = HoldableForwarder.to(IDLE_SESSION_RELAY);

    @RegisterExtension
    static JamesServerExtension james = OutboundRelayJames.extension(JamesConfFolder.shipped()
            .withGateway(GATEWAY)
            .withShortRetries("30 seconds")
            // Not an edit: fails loudly if james-conf stops shipping the attempt at once this class proves.
            .edit("mailetcontainer.xml", "<attemptAtOnce>30 seconds</attemptAtOnce>", "<attemptAtOnce>30 seconds</attemptAtOnce>")
            .trustingTestRelays(),
        configuration -> MemoryJamesServerMain.createServer(configuration).combineWith(MetricsProbe.MODULE));

    private RelayScenario scenario;
    private MetricsProbe metrics;

    static SmtpPeer partnerRelay() {
        return SmtpPeer.builder().requireStartTls().requireAuth(LOGIN, PASSWORD).start();
    }

    @BeforeAll
    static void users(GuiceJamesServer server) throws Exception {
        OutboundRelayJames.addUsers(server, "first", "idle", "deferred", "refused");
        new RelayScenario(server).allowDomain(true);
    }

    @AfterAll
    static void stopPeers() {
        TO_FIRST_MAIL_RELAY.close();
        TO_IDLE_SESSION_RELAY.close();
        List.of(FIRST_MAIL_RELAY, IDLE_SESSION_RELAY, DEFERRING_RELAY, REFUSING_RELAY, GATEWAY).forEach(SmtpPeer::close);
    }

    @BeforeEach
    void setUp(GuiceJamesServer server) {
        scenario = new RelayScenario(server);
        metrics = server.getProbe(MetricsProbe.class);
    }

    /** A case that failed while holding an attempt must not leave it held: the next cases wait for empty queues. */
    @AfterEach
    void releaseHeldAttempts() {
        TO_FIRST_MAIL_RELAY.release();
        TO_IDLE_SESSION_RELAY.release();
    }

    @Test
    void firstMailOfAnAccountGoesThroughTheRelayQueueAndIsDeliveredOnce() throws Exception {
        scenario.registerSendAs("first@ourdomain.test", "first@partner.test", TO_FIRST_MAIL_RELAY.port(), LOGIN, PASSWORD);
        long atOnce = metrics.count(AT_ONCE);
        long queuedFirst = metrics.count(QUEUED_FIRST);
        String subject = uniqueSubject();

        TO_FIRST_MAIL_RELAY.hold();
        scenario.submissionAs("first@ourdomain.test", "first@partner.test").subject(subject).send();
        // No session of the account yet: the relay queue's delivery thread talks to the partner, the spool is done.
        awaitWhileHeld(scenario, TO_FIRST_MAIL_RELAY, 0, 1);
        TO_FIRST_MAIL_RELAY.release();

        awaitAt(FIRST_MAIL_RELAY, subject);
        awaitAttemptsEnded(scenario, "first@ourdomain.test", 1);
        assertThat(withSubject(FIRST_MAIL_RELAY, subject)).hasSize(1);
        assertThat(scenario.auditedOutcomes("first@ourdomain.test")).containsExactly("DELIVERED");
        assertThat(metrics.count(QUEUED_FIRST) - queuedFirst).isEqualTo(1);
        assertThat(metrics.count(AT_ONCE) - atOnce).isZero();
        assertThat(subjectsAt(GATEWAY)).doesNotContain(subject);
    }

    @Test
    void nextMailWhileTheAccountsSessionIsIdleLeavesAtOnceFromTheSpoolAndOnlyOnce() throws Exception {
        scenario.registerSendAs("idle@ourdomain.test", "idle@partner.test", TO_IDLE_SESSION_RELAY.port(), LOGIN, PASSWORD);
        sendAndAwaitDelivered(scenario, "idle@ourdomain.test", "idle@partner.test", IDLE_SESSION_RELAY);
        int connections = IDLE_SESSION_RELAY.connectionCount();
        long atOnce = metrics.count(AT_ONCE);
        long queuedFirst = metrics.count(QUEUED_FIRST);
        String subject = uniqueSubject();

        TO_IDLE_SESSION_RELAY.hold();
        scenario.submissionAs("idle@ourdomain.test", "idle@partner.test").subject(subject).send();
        // The attempt is under way (its RSET on the idle session waits here) while the mail is still in the spool, and
        // the relay queue never holds it.
        awaitWhileHeld(scenario, TO_IDLE_SESSION_RELAY, 1, 0);
        TO_IDLE_SESSION_RELAY.release();

        awaitAt(IDLE_SESSION_RELAY, subject);
        awaitAttemptsEnded(scenario, "idle@ourdomain.test", 2);
        assertThat(withSubject(IDLE_SESSION_RELAY, subject)).hasSize(1);
        assertThat(scenario.auditedOutcomes("idle@ourdomain.test")).containsExactly("DELIVERED", "DELIVERED");
        assertThat(metrics.count(AT_ONCE) - atOnce).isEqualTo(1);
        assertThat(metrics.count(QUEUED_FIRST) - queuedFirst).isZero();
        assertThat(IDLE_SESSION_RELAY.connectionCount()).as("connections: the idle session carried it").isEqualTo(connections);
        assertThat(subjectsAt(GATEWAY)).doesNotContain(subject);
    }

    @Test
    void temporaryRefusalMetAtOnceIsRetriedFromTheRelayQueueAndDeliveredOnce() throws Exception {
        scenario.registerSendAs("deferred@ourdomain.test", "deferred@partner.test", DEFERRING_RELAY, LOGIN, PASSWORD);
        sendAndAwaitDelivered(scenario, "deferred@ourdomain.test", "deferred@partner.test", DEFERRING_RELAY);
        long atOnce = metrics.count(AT_ONCE);
        long queuedFirst = metrics.count(QUEUED_FIRST);
        DEFERRING_RELAY.failNextTransactions(1, 451, "4.3.0 try again later");
        String subject = uniqueSubject();

        scenario.submissionAs("deferred@ourdomain.test", "deferred@partner.test").subject(subject).send();

        awaitAt(DEFERRING_RELAY, subject);
        awaitAttemptsEnded(scenario, "deferred@ourdomain.test", 3);
        assertThat(withSubject(DEFERRING_RELAY, subject)).hasSize(1);
        assertThat(scenario.auditedOutcomes("deferred@ourdomain.test")).containsExactly("DELIVERED", "DEFERRED", "DELIVERED");
        // The 451 was the attempt at once (the mail was not queued first); the retry can only have come from the queue.
        assertThat(metrics.count(AT_ONCE) - atOnce).isEqualTo(1);
        assertThat(metrics.count(QUEUED_FIRST) - queuedFirst).isZero();
        assertThat(DEFERRING_RELAY.mailFromCount()).as("transactions: first mail, 451, retry").isEqualTo(3);
        assertThat(subjectsAt(GATEWAY)).doesNotContain(subject);
    }

    @Test
    void permanentRefusalMetAtOnceGivesTheSenderADsnAndNothingReachesThePartner() throws Exception {
        scenario.registerSendAs("refused@ourdomain.test", "refused@partner.test", REFUSING_RELAY, LOGIN, PASSWORD);
        sendAndAwaitDelivered(scenario, "refused@ourdomain.test", "refused@partner.test", REFUSING_RELAY);
        long atOnce = metrics.count(AT_ONCE);
        long queuedFirst = metrics.count(QUEUED_FIRST);
        REFUSING_RELAY.failNextTransactions(1, 554, "5.7.1 this mail is not accepted here");
        String subject = uniqueSubject();

        scenario.submissionAs("refused@ourdomain.test", "refused@partner.test").subject(subject).send();

        String dsn = scenario.awaitMailboxContaining("refused@ourdomain.test", "Action: failed");
        assertThat(dsn).contains("message/delivery-status").contains("5.7.1 this mail is not accepted here").contains(subject);
        awaitAttemptsEnded(scenario, "refused@ourdomain.test", 2);
        assertThat(scenario.auditedOutcomes("refused@ourdomain.test")).containsExactly("DELIVERED", "BOUNCED");
        assertThat(metrics.count(AT_ONCE) - atOnce).isEqualTo(1);
        assertThat(metrics.count(QUEUED_FIRST) - queuedFirst).isZero();
        assertThat(withSubject(REFUSING_RELAY, subject)).isEmpty();
        assertThat(REFUSING_RELAY.mailFromCount()).as("transactions: first mail, 554, no retry").isEqualTo(2);
        assertThat(subjectsAt(GATEWAY)).doesNotContain(subject);
    }

    /** A first mail of the user, delivered through {@code relay}: afterwards a session of the account is idle. */
    static void sendAndAwaitDelivered(RelayScenario scenario, String user, String sendAs, SmtpPeer relay) throws Exception {
        String subject = uniqueSubject();
        scenario.submissionAs(user, sendAs).subject(subject).send();
        awaitAt(relay, subject);
        awaitAttemptsEnded(scenario, user, 1);
    }

    /**
     * Once an attempt is under way (what James sent the relay is held by {@code forwarder}), James's {@code spool} and
     * {@code outbound-relay} queues hold that many mails, continuously for {@link #HOLD}.
     */
    static void awaitWhileHeld(RelayScenario scenario, HoldableForwarder forwarder, long inSpool, long inRelayQueue) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(forwarder::holdsBytesFromJames);
        await().atMost(PATIENCE).during(HOLD).pollInterval(Duration.ofMillis(50))
            .until(() -> List.of(scenario.queueSize("spool"), scenario.queueSize("outbound-relay")),
                sizes -> sizes.equals(List.of(inSpool, inRelayQueue)));
    }

    /**
     * Once James's spool and relay queue are both empty and the user's relay attempts number at least
     * {@code attempts}: no copy of the mails sent so far is left to reach a relay. Read in that order: a mail leaves the
     * spool only after its attempt at once was audited or it entered the relay queue, and leaves the relay queue
     * only after its attempt there was audited, so a later copy (a duplicate) shows in the attempts read last.
     */
    static void awaitAttemptsEnded(RelayScenario scenario, String user, int attempts) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
            .until(() -> scenario.queueSize("spool") == 0 && scenario.queueSize("outbound-relay") == 0
                && scenario.auditedOutcomes(user).size() >= attempts);
    }
}
