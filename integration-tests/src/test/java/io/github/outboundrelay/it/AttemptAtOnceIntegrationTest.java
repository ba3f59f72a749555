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

    /** How many mails took each way so far, from James's metrics. */
    record Ways(long atOnce, long queuedFirst) {
        static Ways counted(MetricsProbe metrics) {
            return new Ways(metrics.count(AT_ONCE), metrics.count(QUEUED_FIRST));
        }

        Ways since(Ways before) {
            return new Ways(atOnce - before.atOnce, queuedFirst - before.queuedFirst);
        }
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

    @Test
    void firstMailOfAnAccountGoesThroughTheRelayQueueAndIsDeliveredOnce() throws Exception {
        scenario.registerSendAs("first@ourdomain.test", "first@partner.test", TO_FIRST_MAIL_RELAY.port(), LOGIN, PASSWORD);
        Ways before = Ways.counted(metrics);

        // No session of the account yet: the relay queue's delivery thread talks to the partner, the spool is done.
        String subject = sendWhileHeld(scenario, TO_FIRST_MAIL_RELAY, "first@ourdomain.test", "first@partner.test", 0, 1);

        awaitDeliveredOnce(scenario, FIRST_MAIL_RELAY, "first@ourdomain.test", subject, "DELIVERED");
        assertThat(Ways.counted(metrics).since(before)).isEqualTo(new Ways(0, 1));
        assertThat(subjectsAt(GATEWAY)).doesNotContain(subject);
    }

    @Test
    void nextMailWhileTheAccountsSessionIsIdleLeavesAtOnceFromTheSpoolAndOnlyOnce() throws Exception {
        scenario.registerSendAs("idle@ourdomain.test", "idle@partner.test", TO_IDLE_SESSION_RELAY.port(), LOGIN, PASSWORD);
        sendAndAwaitDelivered(scenario, "idle@ourdomain.test", "idle@partner.test", IDLE_SESSION_RELAY);
        int connections = IDLE_SESSION_RELAY.connectionCount();
        Ways before = Ways.counted(metrics);

        // The attempt is under way (its RSET on the idle session waits at the forwarder) while the mail is still in
        // the spool, and the relay queue never holds it.
        String subject = sendWhileHeld(scenario, TO_IDLE_SESSION_RELAY, "idle@ourdomain.test", "idle@partner.test", 1, 0);

        awaitDeliveredOnce(scenario, IDLE_SESSION_RELAY, "idle@ourdomain.test", subject, "DELIVERED", "DELIVERED");
        assertThat(Ways.counted(metrics).since(before)).isEqualTo(new Ways(1, 0));
        assertThat(IDLE_SESSION_RELAY.connectionCount()).as("connections: the idle session carried it").isEqualTo(connections);
        assertThat(subjectsAt(GATEWAY)).doesNotContain(subject);
    }

    @Test
    void temporaryRefusalMetAtOnceIsRetriedFromTheRelayQueueAndDeliveredOnce() throws Exception {
        Ways before = Ways.counted(metrics);

        String subject = nextMailMeeting(DEFERRING_RELAY, "deferred@ourdomain.test", "deferred@partner.test", 451,
            "4.3.0 try again later");

        awaitDeliveredOnce(scenario, DEFERRING_RELAY, "deferred@ourdomain.test", subject, "DELIVERED", "DEFERRED", "DELIVERED");
        // The first mail was queued first, the 451 was this mail's attempt at once; its retry came from the queue.
        assertThat(Ways.counted(metrics).since(before)).isEqualTo(new Ways(1, 1));
        assertThat(DEFERRING_RELAY.mailFromCount()).as("transactions: first mail, 451, retry").isEqualTo(3);
        assertThat(subjectsAt(GATEWAY)).doesNotContain(subject);
    }

    @Test
    void permanentRefusalMetAtOnceGivesTheSenderADsnAndNothingReachesThePartner() throws Exception {
        Ways before = Ways.counted(metrics);

        String subject = nextMailMeeting(REFUSING_RELAY, "refused@ourdomain.test", "refused@partner.test", 554,
            "5.7.1 this mail is not accepted here");

        String dsn = scenario.awaitMailboxContaining("refused@ourdomain.test", "Action: failed");
        assertThat(dsn).contains("message/delivery-status").contains("5.7.1 this mail is not accepted here").contains(subject);
        awaitAttemptsEnded(scenario, "refused@ourdomain.test", 2);
        assertThat(scenario.auditedOutcomes("refused@ourdomain.test")).containsExactly("DELIVERED", "BOUNCED");
        // The first mail was queued first, the 554 was this mail's attempt at once.
        assertThat(Ways.counted(metrics).since(before)).isEqualTo(new Ways(1, 1));
        assertThat(withSubject(REFUSING_RELAY, subject)).isEmpty();
        assertThat(REFUSING_RELAY.mailFromCount()).as("transactions: first mail, 554, no retry").isEqualTo(2);
        assertThat(subjectsAt(GATEWAY)).doesNotContain(subject);
    }

    /**
     * After a first mail of {@code user} through {@code relay} (a session of the account is then idle), sends another
     * one, whose transaction the relay answers with {@code code} and {@code reply}.
     *
     * @return the second mail's subject
     */
    private String nextMailMeeting(SmtpPeer relay, String user, String sendAs, int code, String reply) throws Exception {
        scenario.registerSendAs(user, sendAs, relay, LOGIN, PASSWORD);
        sendAndAwaitDelivered(scenario, user, sendAs, relay);
        relay.failNextTransactions(1, code, reply);
        String subject = uniqueSubject();
        scenario.submissionAs(user, sendAs).subject(subject).send();
        return subject;
    }

    /** A first mail of the user, delivered through {@code relay}: afterwards a session of the account is idle. */
    static void sendAndAwaitDelivered(RelayScenario scenario, String user, String sendAs, SmtpPeer relay) throws Exception {
        String subject = uniqueSubject();
        scenario.submissionAs(user, sendAs).subject(subject).send();
        awaitAt(relay, subject);
        awaitAttemptsEnded(scenario, user, 1);
    }

    /**
     * Sends a mail of {@code user} while {@code forwarder} holds what James sends its relay, and checks where the mail
     * is while its attempt is under way (see {@link #awaitWhileHeld}); then lets the attempt go on.
     *
     * @return the mail's subject
     */
    static String sendWhileHeld(RelayScenario scenario, HoldableForwarder forwarder, String user, String sendAs,
                                long inSpool, long inRelayQueue) throws Exception {
        String subject = uniqueSubject();
        forwarder.hold();
        try {
            scenario.submissionAs(user, sendAs).subject(subject).send();
            awaitWhileHeld(scenario, forwarder, inSpool, inRelayQueue);
        } finally {
            // Also when the check failed: the next cases wait for empty queues.
            forwarder.release();
        }
        return subject;
    }

    /**
     * The mail reached {@code relay} exactly once, nothing of the user's is left in James's queues, and the user's
     * relay attempts so far are {@code outcomes}.
     */
    static void awaitDeliveredOnce(RelayScenario scenario, SmtpPeer relay, String user, String subject, String... outcomes) {
        awaitAt(relay, subject);
        awaitAttemptsEnded(scenario, user, outcomes.length);
        assertThat(withSubject(relay, subject)).hasSize(1);
        assertThat(scenario.auditedOutcomes(user)).containsExactly(outcomes);
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
