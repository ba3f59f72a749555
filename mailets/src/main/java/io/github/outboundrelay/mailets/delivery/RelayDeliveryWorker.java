package io.github.outboundrelay.mailets.delivery;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.TimeMetric;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.user.api.UsersRepository;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.OutboundRelayRule;
import io.github.outboundrelay.core.Printable;
import io.github.outboundrelay.core.RelayLogin;
import io.github.outboundrelay.core.RelayLogins;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SendAsDecision;
import io.github.outboundrelay.core.store.SendAsRegistry;
import io.github.outboundrelay.mailets.RelayDeliveryConfiguration;
import io.github.outboundrelay.mailets.smtp.DeliveryResult;
import io.github.outboundrelay.mailets.smtp.RelayOutcomes;
import io.github.outboundrelay.mailets.smtp.RelaySmtpClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Takes relay mail off its queue with a bounded number of delivery threads and ends each one: delivered, queued
 * again with a delay, bounced, or (with {@code onFailure=gateway}) sent down the normal path. A mail is acknowledged
 * to the queue only once one of these happened; if handling itself blows up, the queue gets it back (RETRY), so
 * nothing is dropped.
 */
public class RelayDeliveryWorker {
    private static final Logger LOGGER = LoggerFactory.getLogger(RelayDeliveryWorker.class);

    /** The components one delivery needs, built once in the mailet's init(). */
    public record Collaborators(SendAsRegistry registry, OutboundRelayRule rule, UsersRepository users, RelayLogins logins,
                         RelaySmtpClient client, RelayBouncer bouncer, RelayFailureRouter failureRouter,
                         RelayNotices notices, RelayAttemptRecorder attempts) {
    }

    private final MailQueue queue;
    private final RelayDeliveryConfiguration configuration;
    private final Collaborators with;
    private final MetricFactory metricFactory;
    private final Clock clock;
    private final RetrySchedule schedule;
    private final AttemptConclusion conclusion;
    private final PerRelayMetricNames perRelayMetrics = new PerRelayMetricNames();
    private Scheduler deliveryScheduler;
    private Scheduler dequeueScheduler;
    private Disposable subscription;
    private Disposable idleSweeper;

    public RelayDeliveryWorker(MailQueue queue, RelayDeliveryConfiguration configuration, Collaborators with,
                        MetricFactory metricFactory, Clock clock) {
        this.queue = queue;
        this.configuration = configuration;
        this.with = with;
        this.metricFactory = metricFactory;
        this.clock = clock;
        this.schedule = new RetrySchedule(configuration.initialRetryDelay(), configuration.maxRetryDelay(),
            configuration.earlyMailHold(), clock);
        this.conclusion = new AttemptConclusion(queue, configuration, with, metricFactory, clock, schedule);
    }

    public void start() {
        deliveryScheduler = Schedulers.newBoundedElastic(configuration.deliveryThreads(), Integer.MAX_VALUE, "outbound-relay-delivery");
        // Some queues (James's JMS/ActiveMQ one) dequeue by blocking: never on the thread that runs the mailet's init().
        dequeueScheduler = Schedulers.newSingle("outbound-relay-dequeue");
        // Mails held until their retry time (see RetrySchedule) take slots too, but no thread: twice the delivery
        // threads, so that held mails do not stop deliveries unless nearly all the queue is mail waiting its time.
        subscription = Flux.from(queue.deQueue())
            .flatMap(this::handle, 2 * configuration.deliveryThreads())
            .onErrorContinue((error, item) -> LOGGER.error("Outbound relay delivery loop error", error))
            .subscribeOn(dequeueScheduler)
            .subscribe();
        // Idle sessions are also closed on every use of the pool; this covers relays that get no more mail.
        Duration sweep = configuration.pool().idleTimeout().dividedBy(2);
        idleSweeper = Flux.interval(sweep.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : sweep)
            .subscribe(tick -> with.client().closeIdleSessions());
    }

    public void stop() {
        if (subscription != null) {
            subscription.dispose();
        }
        if (idleSweeper != null) {
            idleSweeper.dispose();
        }
        if (deliveryScheduler != null) {
            deliveryScheduler.dispose();
        }
        if (dequeueScheduler != null) {
            dequeueScheduler.dispose();
        }
        with.client().close();
    }

    /** Attempts the mail now if its retry time has come, else holds it until then or puts it back in the queue. */
    private Mono<Void> handle(MailQueue.MailQueueItem item) {
        Duration timeLeft = schedule.timeLeft(item.getMail());
        if (timeLeft.isZero()) {
            return onDeliveryThread(item);
        }
        // After the hold, process() attempts it if its time has come, and otherwise puts it back in the queue.
        return Mono.delay(schedule.holdFor(timeLeft)).then(onDeliveryThread(item));
    }

    private Mono<Void> onDeliveryThread(MailQueue.MailQueueItem item) {
        return Mono.<Void>fromRunnable(() -> process(item)).subscribeOn(deliveryScheduler);
    }

    private void process(MailQueue.MailQueueItem item) {
        Mail mail = item.getMail();
        try {
            Duration timeLeft = schedule.timeLeft(mail);
            if (timeLeft.isZero()) {
                deliver(mail);
            } else {
                // Handed out early by a queue that ignores delays: back to the queue, not attempted.
                queue.enQueue(mail, timeLeft);
            }
            item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
        } catch (Exception e) {
            LOGGER.error("Outbound relay could not handle mail {}; the queue will present it again", mail.getName(), e);
            try {
                item.done(MailQueue.MailQueueItem.CompletionStatus.RETRY);
            } catch (MailQueue.MailQueueException queueError) {
                LOGGER.error("Could not hand mail {} back to queue {}", mail.getName(), queue.getName(), queueError);
            }
        } finally {
            LifecycleUtil.dispose(mail);
        }
    }

    /** One attempt at the relay, or none when the way it is made cannot be taken now. */
    private interface Attempt {
        Optional<DeliveryResult> send(SendAsAddress sendAs, RelayLogin login, MimeMessage message, List<MailAddress> recipients);
    }

    void deliver(Mail mail) throws MessagingException {
        deliver(mail, (sendAs, login, message, recipients) -> Optional.of(with.client().send(sendAs, login, message, recipients)));
    }

    /**
     * The mailet's first attempt, made at once on the spool's thread (the mail stays in the spool until it ends) when
     * an idle session of the mail's relay account and a delivery slot are free right now, within {@code limit}; then
     * concluded as any attempt (delivered, bounced, or queued for a retry).
     *
     * @return false when no such session was free: nothing was done and the mail is the caller's to queue
     */
    public boolean deliverAtOnce(Mail mail, Duration limit) throws MessagingException {
        return deliver(mail, (sendAs, login, message, recipients) ->
            with.client().sendOnIdleSession(sendAs, login, message, recipients, limit));
    }

    private boolean deliver(Mail mail, Attempt attempt) throws MessagingException {
        Optional<Username> owner = RelayMailAttributes.owner(mail);
        Optional<MailAddress> address = RelayMailAttributes.sendAs(mail);
        Optional<SendAsAddress> sendAs = owner.flatMap(user -> address.flatMap(from -> with.registry().findOwnedBy(user, from)));
        try (DeliveryLogContext context = DeliveryLogContext.of(mail, address, sendAs)) {
            return deliver(mail, owner, address, sendAs, attempt);
        }
    }

    /**
     * Within the mail's log context: the lines logged here name neither the mail, its sender nor its relay.
     *
     * @return false when {@code attempt} could not be made now: nothing was done
     */
    private boolean deliver(Mail mail, Optional<Username> owner, Optional<MailAddress> address, Optional<SendAsAddress> sendAs,
                            Attempt attempt) throws MessagingException {
        if (sendAs.isEmpty()) {
            // Removed while the mail waited: we have no credentials, and the gateway would break SPF/DMARC alignment.
            handleGone(mail, owner, address);
            return true;
        }
        if (!ownerExists(sendAs.get().owner())) {
            bounceUnsent(mail, sendAs.get(), "The owner " + sendAs.get().owner().asString() + " of the send-as address "
                + sendAs.get().address().asString() + " no longer exists on this server: the mail was not relayed");
            return true;
        }
        // What the matcher decided when the mail was queued, decided again at each attempt: settings may have changed.
        SendAsDecision decision = with.rule().decide(sendAs.get());
        if (decision instanceof SendAsDecision.ThroughOurServers ourServers) {
            with.failureRouter().sendThroughOurServers(mail, ourServers);
            return true;
        }
        if (!(decision instanceof SendAsDecision.ThroughRelay)) {
            bounceUnsent(mail, sendAs.get(), whyNotSentAs(sendAs.get(), decision.reason()));
            return true;
        }
        List<MailAddress> recipients = List.copyOf(mail.getRecipients());
        MimeMessage message = mail.getMessage();
        String host = perRelayMetrics.hostPart(((SendAsDecision.ThroughRelay) decision).account().server().host());
        // Totals, and the same per relay host so that a failing partner stands out wherever James's metrics go.
        DeliveryResult result;
        try {
            RelayLogin login = with.logins().loginFor(sendAs.get());
            TimeMetric perRelayTimer = metricFactory.timer("outbound-relay-delivery-" + host);
            TimeMetric timer = metricFactory.timer("outbound-relay-delivery");
            Optional<DeliveryResult> attempted = attempt.send(sendAs.get(), login, message, recipients);
            if (attempted.isEmpty()) {
                return false;
            }
            timer.stopAndPublish();
            perRelayTimer.stopAndPublish();
            result = attempted.get();
        } catch (RelayLogins.UnusableCredentialException e) {
            // A password whose key is gone, an OAuth provider removed: handled like a refused password.
            LOGGER.warn("Outbound relay cannot use the stored credential: {}", e.getMessage());
            result = DeliveryResult.failed(recipients, RelayOutcomes.authRejected(e.getMessage()));
        }
        with.attempts().record(mail, sendAs.get(), result);
        conclusion.conclude(mail, sendAs.get(), host, result);
        return true;
    }

    /** Neither the relay (not vouched for any more) nor the gateway (a forged envelope sender): back to the sender. */
    private void bounceUnsent(Mail mail, SendAsAddress sendAs, String why) throws MessagingException {
        metricFactory.generate("outbound-relay-bounced").add(mail.getRecipients().size());
        LOGGER.info("Outbound relay bounced mail of {}: {}", Printable.of(sendAs.owner().asString()), Printable.of(why));
        with.bouncer().bounce(mail, mail.getRecipients(), sendAs.owner(), why);
    }

    /** For the DSN: why a queued mail may no longer be sent as its address at all. */
    private static String whyNotSentAs(SendAsAddress sendAs, SendAsDecision.Reason reason) {
        String address = sendAs.address().asString();
        return switch (reason) {
            case PENDING -> "The send-as address " + address + " is no longer verified for its relay "
                + sendAs.relayAccount().map(account -> account.server().toString()).orElse("(none)")
                + " (its settings changed since the mail was sent): the mail was not relayed";
            case ALTERNATE_ADDRESSES_OFF -> "Sending as other addresses is no longer allowed for the domain of "
                + sendAs.owner().asString() + ": the mail sent as " + address + " was not relayed";
            case LOCAL_ADDRESS -> address + " is now an address of one of our own domains: the mail sent as it was not relayed";
            default -> "The mail sent as " + address + " may no longer be sent: it was not relayed";
        };
    }

    private boolean ownerExists(Username owner) throws MessagingException {
        try {
            return with.users().contains(owner);
        } catch (org.apache.james.user.api.UsersRepositoryException e) {
            // Unknown for now: the queue presents the mail again rather than relay or bounce it on a guess.
            throw new MessagingException("Cannot tell whether " + owner.asString() + " still exists", e);
        }
    }

    private void handleGone(Mail mail, Optional<Username> owner, Optional<MailAddress> address) throws MessagingException {
        String sendAsText = address.map(MailAddress::asString).orElse("(unknown)");
        if (owner.isEmpty()) {
            throw new MessagingException("Mail " + mail.getName() + " in the outbound relay queue names no owner");
        }
        metricFactory.generate("outbound-relay-bounced").add(mail.getRecipients().size());
        with.bouncer().bounce(mail, mail.getRecipients(), owner.get(), "The send-as address " + sendAsText
            + " is no longer registered to " + owner.get().asString() + ": the mail was not relayed");
    }
}
