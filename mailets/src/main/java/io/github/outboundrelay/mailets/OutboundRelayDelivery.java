package io.github.outboundrelay.mailets;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.user.api.UsersRepository;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.OutboundRelayRule;
import io.github.outboundrelay.core.Printable;
import io.github.outboundrelay.core.RelayDecisionAttributes;
import io.github.outboundrelay.core.RelayLogins;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SendAsDecision;
import io.github.outboundrelay.core.store.RelayAttemptLog;
import io.github.outboundrelay.core.store.RelaySendingLedger;
import io.github.outboundrelay.core.store.SendAsRegistry;
import io.github.outboundrelay.mailets.delivery.RelayAttemptRecorder;
import io.github.outboundrelay.mailets.delivery.RelayBouncer;
import io.github.outboundrelay.mailets.delivery.RelayDeliveryWorker;
import io.github.outboundrelay.mailets.delivery.RelayFailureRouter;
import io.github.outboundrelay.mailets.delivery.RelayMailAttributes;
import io.github.outboundrelay.mailets.delivery.RelayNotices;
import io.github.outboundrelay.mailets.delivery.RelayRateLimiter;
import io.github.outboundrelay.mailets.smtp.RelaySessionPool;
import io.github.outboundrelay.mailets.smtp.RelaySmtpClient;
import io.github.outboundrelay.mailets.smtp.SmtpRelayConnector;

/**
 * Delivers mail written from a send-as address through that address's own relay, in the manner of James's
 * RemoteDelivery: the first attempt is made at once when an authenticated session of the address's relay account is
 * idle in the pool ({@code attemptAtOnce}); other mail is put in a MailQueue of its own and delivered from there by
 * delivery threads, retried
 * with a doubling delay when the relay defers, and bounced as a DSN to the sender's local mailbox through the bounce
 * processor when it fails for good or outlives {@code maxQueueLifetime}. It falls back to the gateway only when the
 * admin sets {@code onFailure=gateway}, and then never for a recipient the relay refused with 5xx.
 *
 * <p>Authenticated sessions are pooled per relay and account (see {@link RelaySessionPool});
 * {@code poolMaxMessagesPerSession=1} turns reuse off. {@code maxConnectionsPerRelay} bounds the deliveries in
 * progress to one relay, {@code maxOpenConnectionsPerRelay} its connections open at once, idle ones included. The delay
 * warning needs a processor holding James's DSNBounce with {@code <action>delayed</action>}, named by
 * {@code delayWarningProcessor}:</p>
 * <pre>{@code
 * <processor state="relay-delayed" enableJmx="true">
 *     <mailet match="All" class="DSNBounce">
 *         <action>delayed</action>
 *         <defaultStatus>4.0.0</defaultStatus>
 *         <passThrough>false</passThrough>
 *     </mailet>
 * </processor>
 * }</pre>
 *
 * <pre>{@code
 * <processor state="outbound-relay" enableJmx="true">
 *     <mailet match="All" class="io.github.outboundrelay.mailets.OutboundRelayDelivery">
 *         <outgoingQueue>outbound-relay</outgoingQueue>
 *         <deliveryThreads>10</deliveryThreads>
 *         <retryDelay>5 minutes</retryDelay>
 *         <maxRetryDelay>1 hour</maxRetryDelay>
 *         <maxQueueLifetime>5 days</maxQueueLifetime>
 *         <earlyMailHold>1 second</earlyMailHold>
 *         <authFailure>defer</authFailure>
 *         <bounceProcessor>bounces</bounceProcessor>
 *         <poolIdleTimeout>30 seconds</poolIdleTimeout>
 *         <poolMaxMessagesPerSession>100</poolMaxMessagesPerSession>
 *         <poolMaxIdleSessionsPerCredential>10</poolMaxIdleSessionsPerCredential>
 *         <maxConnectionsPerRelay>10</maxConnectionsPerRelay>
 *         <maxOpenConnectionsPerRelay>100</maxOpenConnectionsPerRelay>
 *         <attemptAtOnce>30 seconds</attemptAtOnce>
 *         <delayWarningAfter>4 hours</delayWarningAfter>
 *         <delayWarningProcessor>relay-delayed</delayWarningProcessor>
 *         <onFailure>bounce</onFailure>
 *         <gatewayProcessor>relay</gatewayProcessor>
 *         <ourServersProcessor>transport</ourServersProcessor>
 *         <maxRelayedPerUser>500</maxRelayedPerUser>
 *         <maxRelayedPerUserWindow>1 hour</maxRelayedPerUserWindow>
 *     </mailet>
 * </processor>
 * }</pre>
 *
 * How it connects to relays (allowed targets, trust store, timeouts, where the code mail goes) is the
 * {@link SmtpRelayConnector}'s, read from {@code outbound-relay.properties}; the relay test of the settings uses the
 * very same connector.
 *
 * The relay decision comes with the mail from the {@code FromIsRelayableSendAs} matcher
 * ({@link RelayDecisionAttributes}): the rule is not run again here (the delivery asks it again at each attempt). A
 * mail whose decided address was removed a moment ago, or that no longer satisfies the rule when it reaches this
 * mailet without a carried decision, is left untouched, so the processor's next mailet sends it down the normal
 * path.
 */
public class OutboundRelayDelivery extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(OutboundRelayDelivery.class);

    private final MailQueueFactory<?> queueFactory;
    private final OutboundRelayRule rule;
    private final SendAsRegistry registry;
    private final RelayLogins logins;
    private final SmtpRelayConnector connector;
    private final UsersRepository usersRepository;
    private final MetricFactory metricFactory;
    private final RelayAttemptLog attempts;
    private final RelaySendingLedger sendingLedger;
    private final Clock clock;
    private MailQueue queue;
    private RelayDeliveryWorker worker;
    private RelayRateLimiter rateLimiter;
    private RelayBouncer bouncer;
    private Optional<Duration> attemptAtOnce = Optional.empty();

    @Inject
    public OutboundRelayDelivery(MailQueueFactory<?> queueFactory, OutboundRelayRule rule, SendAsRegistry registry,
                                 RelayLogins logins, SmtpRelayConnector connector, UsersRepository usersRepository,
                                 MetricFactory metricFactory, RelayAttemptLog attempts, RelaySendingLedger sendingLedger) {
        this(queueFactory, rule, registry, logins, connector, usersRepository, metricFactory, attempts, sendingLedger,
            Clock.systemUTC());
    }

    OutboundRelayDelivery(MailQueueFactory<?> queueFactory, OutboundRelayRule rule, SendAsRegistry registry,
                          RelayLogins logins, SmtpRelayConnector connector, UsersRepository usersRepository,
                          MetricFactory metricFactory, RelayAttemptLog attempts, RelaySendingLedger sendingLedger,
                          Clock clock) {
        this.queueFactory = queueFactory;
        this.rule = rule;
        this.registry = registry;
        this.logins = logins;
        this.connector = connector;
        this.usersRepository = usersRepository;
        this.metricFactory = metricFactory;
        this.attempts = attempts;
        this.sendingLedger = sendingLedger;
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        RelayDeliveryConfiguration configuration = RelayDeliveryConfiguration.from(getMailetConfig(), connector.rules());
        queue = queueFactory.createQueue(MailQueueName.of(configuration.queueName()));
        bouncer = new RelayBouncer(getMailetContext(), usersRepository, configuration.bounceProcessor());
        rateLimiter = new RelayRateLimiter(configuration.userRateLimit(), configuration.userRateWindow(), sendingLedger, clock);
        RelayDeliveryWorker.Collaborators collaborators = new RelayDeliveryWorker.Collaborators(registry, rule,
            usersRepository, logins,
            new RelaySmtpClient(configuration, connector.rules(), connector.sessions(), metricFactory, clock), bouncer,
            new RelayFailureRouter(configuration, getMailetContext(), bouncer, metricFactory),
            new RelayNotices(configuration, getMailetContext(), bouncer), new RelayAttemptRecorder(attempts, clock));
        worker = new RelayDeliveryWorker(queue, configuration, collaborators, metricFactory, clock);
        worker.start();
        attemptAtOnce = configuration.attemptAtOnce();
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Optional<SendAsAddress> sendAs = RelayDecisionAttributes.carried(mail)
            ? RelayDecisionAttributes.take(mail, registry)
            : decidedHere(mail);
        if (sendAs.isEmpty()) {
            LOGGER.info("Mail {} no longer qualifies for outbound relay; it continues down the processor", mail.getName());
            return;
        }
        if (!rateLimiter.tryAcquire(sendAs.get().owner(), mail.getRecipients().size())) {
            // Refused before it is queued: the sender gets it back as a DSN, nothing is sent to the partner.
            metricFactory.generate("outbound-relay-rate-limited").increment();
            LOGGER.info("Outbound relay refused mail {} of {} as {}: rate limit of {} reached", mail.getName(),
                Printable.of(sendAs.get().owner().asString()), sendAs.get().address().asString(), rateLimiter.describe());
            bouncer.bounce(mail, mail.getRecipients(), sendAs.get().owner(), "5.7.1 Sending limit reached: at most "
                + rateLimiter.describe() + " through send-as relays for " + sendAs.get().owner().asString()
                + "; the mail was not sent, try again later");
            mail.setState(Mail.GHOST);
            return;
        }
        RelayMailAttributes.stamp(mail, sendAs.get(), Instant.now(clock));
        if (!attemptedAtOnce(mail)) {
            queue.enQueue(mail);
        }
        mail.setState(Mail.GHOST);
    }

    /** Mail routed here by other matchers than FromIsRelayableSendAs (composed with And) carries no decision. */
    private Optional<SendAsAddress> decidedHere(Mail mail) throws MessagingException {
        SendAsDecision decision = rule.decide(mail);
        return decision instanceof SendAsDecision.ThroughRelay ? decision.sendAs() : Optional.empty();
    }

    /**
     * Exim's way where it is cheap: the first attempt right here, while the mail is still in the spool (a crash meanwhile
     * leaves it there, to be processed again), when a pooled session of its relay account is free now. Whatever
     * does not leave at once (no idle session, a deferral) goes through the queue, as in Postfix. Anything unexpected
     * hands the mail to the queue, which retries it: at least once, as the worker's RETRY.
     */
    private boolean attemptedAtOnce(Mail mail) {
        if (attemptAtOnce.isEmpty()) {
            return false;
        }
        try {
            boolean attempted = worker.deliverAtOnce(mail, attemptAtOnce.get());
            metricFactory.generate(attempted ? "outbound-relay-attempted-at-once" : "outbound-relay-queued-first").increment();
            return attempted;
        } catch (MessagingException | RuntimeException e) {
            LOGGER.warn("Outbound relay could not end the attempt at once of mail {}; it goes through the queue", mail.getName(), e);
            return false;
        }
    }

    @Override
    public void destroy() {
        if (worker != null) {
            worker.stop();
        }
    }

    @Override
    public String getMailetInfo() {
        return "Outbound relay delivery through the sender's own send-as relay";
    }
}
