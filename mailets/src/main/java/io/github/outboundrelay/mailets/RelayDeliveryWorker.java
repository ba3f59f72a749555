package io.github.outboundrelay.mailets;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.api.MailQueue;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.SecretSealer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SendAsRegistry;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Takes relay mail off its queue with a bounded number of delivery threads and ends each one: delivered, queued
 * again with a delay, or bounced. A mail is acknowledged to the queue only once one of these happened; if handling
 * itself blows up, the queue gets it back (RETRY), so nothing is dropped.
 */
class RelayDeliveryWorker {
    private static final Logger LOGGER = LoggerFactory.getLogger(RelayDeliveryWorker.class);

    private final MailQueue queue;
    private final RelayDeliveryConfiguration configuration;
    private final SendAsRegistry registry;
    private final SecretSealer sealer;
    private final RelaySmtpClient client;
    private final RelayBouncer bouncer;
    private final MetricFactory metricFactory;
    private final Clock clock;
    private Scheduler deliveryScheduler;
    private Disposable subscription;

    RelayDeliveryWorker(MailQueue queue, RelayDeliveryConfiguration configuration, SendAsRegistry registry, SecretSealer sealer,
                        RelaySmtpClient client, RelayBouncer bouncer, MetricFactory metricFactory, Clock clock) {
        this.queue = queue;
        this.configuration = configuration;
        this.registry = registry;
        this.sealer = sealer;
        this.client = client;
        this.bouncer = bouncer;
        this.metricFactory = metricFactory;
        this.clock = clock;
    }

    void start() {
        deliveryScheduler = Schedulers.newBoundedElastic(configuration.deliveryThreads(), Integer.MAX_VALUE, "outbound-relay-delivery");
        subscription = Flux.from(queue.deQueue())
            .flatMap(item -> Mono.fromRunnable(() -> process(item)).subscribeOn(deliveryScheduler), configuration.deliveryThreads())
            .onErrorContinue((error, item) -> LOGGER.error("Outbound relay delivery loop error", error))
            .subscribe();
    }

    void stop() {
        if (subscription != null) {
            subscription.dispose();
        }
        if (deliveryScheduler != null) {
            deliveryScheduler.dispose();
        }
    }

    private void process(MailQueue.MailQueueItem item) {
        Mail mail = item.getMail();
        try {
            deliver(mail);
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

    void deliver(Mail mail) throws MessagingException {
        Optional<Username> owner = RelayMailAttributes.owner(mail);
        Optional<MailAddress> address = RelayMailAttributes.sendAs(mail);
        Optional<SendAsAddress> sendAs = owner.flatMap(user -> address.flatMap(from -> registry.findOwnedBy(user, from)));
        if (sendAs.isEmpty()) {
            // Removed while the mail waited: we have no credentials, and the gateway would break SPF/DMARC alignment.
            handleGone(mail, owner, address);
            return;
        }
        List<MailAddress> recipients = List.copyOf(mail.getRecipients());
        String password = sealer.open(sendAs.get().relayPassword(), sendAs.get().key());
        MimeMessage message = mail.getMessage();
        DeliveryResult result = metricFactory.decorateSupplierWithTimerMetric("outbound-relay-delivery",
            () -> client.send(sendAs.get(), password, message, recipients));
        log(mail, sendAs.get(), result);
        conclude(mail, sendAs.get(), result);
    }

    private void conclude(Mail mail, SendAsAddress sendAs, DeliveryResult result) throws MessagingException {
        if (!result.delivered().isEmpty()) {
            metricFactory.generate("outbound-relay-delivered").add(result.delivered().size());
        }
        if (!result.permanentlyFailed().isEmpty()) {
            metricFactory.generate("outbound-relay-bounced").add(result.permanentlyFailed().size());
            bouncer.bounce(mail, result.permanentlyFailed(), sendAs.owner(), result.diagnostic());
        }
        if (result.temporarilyFailed().isEmpty()) {
            return;
        }
        if (result.authRejected() && configuration.authFailure() == RelayDeliveryConfiguration.AuthFailureHandling.BOUNCE) {
            metricFactory.generate("outbound-relay-bounced").add(result.temporarilyFailed().size());
            bouncer.bounce(mail, result.temporarilyFailed(), sendAs.owner(), result.diagnostic());
            return;
        }
        retryLater(mail, sendAs, result);
    }

    private void retryLater(Mail mail, SendAsAddress sendAs, DeliveryResult result) throws MessagingException {
        int failedAttempts = RelayMailAttributes.recordFailedAttempt(mail);
        Duration delay = configuration.retryDelayAfter(failedAttempts);
        Instant giveUpAt = RelayMailAttributes.firstQueuedAt(mail).plus(configuration.maxQueueLifetime());
        if (clock.instant().plus(delay).isAfter(giveUpAt)) {
            metricFactory.generate("outbound-relay-bounced").add(result.temporarilyFailed().size());
            bouncer.bounce(mail, result.temporarilyFailed(), sendAs.owner(), "Gave up after " + failedAttempts
                + " attempts over " + configuration.maxQueueLifetime() + ": " + result.diagnostic());
            return;
        }
        metricFactory.generate("outbound-relay-deferred").increment();
        mail.setRecipients(result.temporarilyFailed());
        queue.enQueue(mail, delay);
        LOGGER.info("Outbound relay deferred mail {} of {} via {} for {} (attempt {})", mail.getName(),
            sendAs.address().asString(), sendAs.relay().host(), delay, failedAttempts);
    }

    private void handleGone(Mail mail, Optional<Username> owner, Optional<MailAddress> address) throws MessagingException {
        String sendAsText = address.map(MailAddress::asString).orElse("(unknown)");
        if (owner.isEmpty()) {
            throw new MessagingException("Mail " + mail.getName() + " in the outbound relay queue names no owner");
        }
        metricFactory.generate("outbound-relay-bounced").add(mail.getRecipients().size());
        bouncer.bounce(mail, mail.getRecipients(), owner.get(), "The send-as address " + sendAsText
            + " is no longer registered to " + owner.get().asString() + ": the mail was not relayed");
    }

    private void log(Mail mail, SendAsAddress sendAs, DeliveryResult result) {
        String messageId = messageId(mail);
        if (result.isCompleteSuccess()) {
            LOGGER.info("Outbound relay delivered mail {} (Message-ID {}) of {} as {} via {} to {} recipient(s)", mail.getName(),
                messageId, sendAs.owner().asString(), sendAs.address().asString(), sendAs.relay().host(), result.delivered().size());
        } else {
            LOGGER.info("Outbound relay attempt for mail {} (Message-ID {}) of {} as {} via {}: {} delivered, {} refused, {} deferred: {}",
                mail.getName(), messageId, sendAs.owner().asString(), sendAs.address().asString(), sendAs.relay().host(),
                result.delivered().size(), result.permanentlyFailed().size(), result.temporarilyFailed().size(), result.diagnostic());
        }
    }

    private static String messageId(Mail mail) {
        try {
            return mail.getMessage().getMessageID();
        } catch (MessagingException e) {
            return "(unreadable)";
        }
    }
}
